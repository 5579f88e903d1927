import Rules
import YAMLModel

extension Scanner {
    /// What checking the environments of a scan gave.
    struct Checked {
        /// On the source lines, one per source location with the environments it holds in.
        var findings: [Finding]
        var outcome: Linter.Outcome
        /// One per environment, in order.
        var indexes: [MeshIndex]
    }

    /// Each environment indexed and checked as a mesh of its own, its findings placed in the
    /// sources, then merged across environments.
    static func lint(_ environments: [Environment], request: Request, linter: Linter, timings: inout Timings) -> Checked {
        var indexOptions = request.indexOptions
        indexOptions.jobs = request.jobs
        var findings: [Finding] = []
        var notRun = Set<String>(), stopped = Set<String>()
        var durations = [Duration](repeating: .zero, count: request.rules.count)
        var indexes: [MeshIndex] = []
        for environment in environments {
            let label = environment.name.map { " (\($0))" } ?? ""
            let index = timings.measure("index" + label) { MeshIndex(resources: environment.files.flatMap(\.resources), options: indexOptions) }
            indexes.append(index)
            let context = LintContext(
                index: index,
                inputProblems: environment.files.flatMap { file in file.problems.map { LintContext.FileProblem(file: file.path, problem: $0) } },
                settings: request.settings)
            let linted = timings.measure("rules (\(request.rules.count))" + label) { linter.timedLint(context) }
            for (position, duration) in linted.durations.enumerated() { durations[position] += duration }
            notRun.formUnion(linted.notRun)
            stopped.formUnion(linted.stopped)
            findings += Environments.sourced(linted.findings, in: environment)
        }
        return Checked(
            findings: Environments.merged(findings),
            outcome: Linter.Outcome(findings: [], durations: durations, notRun: notRun.sorted(), stopped: stopped.sorted()),
            indexes: indexes)
    }

    /// The fingerprints of the base revision's findings, its roots rendered: the base revision's
    /// files under the scanned paths are checked out into a temporary tree laid out as the
    /// repository is, and scanned there from the same relative place, so that a finding a change
    /// to a base causes in an overlay is told from one that was already there. Nil when the base
    /// cannot be checked out (every finding outside the changed files is then left out).
    static func renderedBase(
        _ change: ChangeSet, request: Request, indexPaths: [String], workingDirectory: String, linter: Linter, timings: inout Timings
    ) -> (fingerprints: Set<String>, incomplete: Bool)? {
        guard let checkout = timings.measure("check out the base revision", { BaseCheckout(change, paths: indexPaths, workingDirectory: workingDirectory) })
        else { return nil }
        defer { checkout.remove() }
        let baseDirectory = checkout.workingDirectory
        let paths = checkout.paths
        var (inputs, _) = Discovery.inputs(for: paths, workingDirectory: baseDirectory, followSymlinks: request.followSymlinks)
        if !request.exclude.isEmpty {
            inputs.removeAll { input in
                guard case .file(_, let display) = input else { return false }
                let fromRoot = RepositoryRoot.relative(display, to: checkout.tree.root, workingDirectory: baseDirectory)
                return request.exclude.contains { $0.matches(display) || fromRoot.map($0.matches) == true }
            }
        }
        let (manifests, _, _) = read(inputs, request: request)
        var render = request.render
        render.configurationDirectory = render.configurationDirectory.flatMap(checkout.mirrored)
        let (environments, baseManifests) = Environments.make(
            manifests, request: render, workingDirectory: baseDirectory, deadline: request.deadline, timings: &timings)
        let checked = lint(environments, request: request, linter: linter, timings: &timings)
        let incomplete = !checked.outcome.notRun.isEmpty || !checked.outcome.stopped.isEmpty
            || baseManifests.contains { $0.problems.contains { $0.kind == .incomplete } }
        return (Set(overridden(checked.findings, request.severityOverrides).map(\.fingerprint)), incomplete)
    }
}

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
        guard let repository = change.root,
              let cwdInRepository = workingDirectory == repository ? "" : RepositoryRoot.relative(workingDirectory, to: repository, workingDirectory: "/")
        else { return nil }
        let absolutePaths = indexPaths.filter { $0 != "-" }.map { RepositoryRoot.absolute($0, workingDirectory: workingDirectory) }
        guard let tree = timings.measure("check out the base revision", { change.baseTree(covering: absolutePaths) }) else { return nil }
        defer { TemporaryFiles.removeTree(tree.scratch) }
        // The same places in the checked-out tree.
        func mirrored(_ path: String) -> String? {
            if path == repository { return tree.root }
            return RepositoryRoot.relative(path, to: repository, workingDirectory: "/").map { tree.root + "/" + $0 }
        }
        let baseDirectory = cwdInRepository.isEmpty ? tree.root : tree.root + "/" + cwdInRepository
        TemporaryFiles.makeDirectories(baseDirectory)
        let paths = absolutePaths.compactMap(mirrored).filter(Discovery.exists)
        var (inputs, _) = Discovery.inputs(for: paths, workingDirectory: baseDirectory, followSymlinks: request.followSymlinks)
        if !request.exclude.isEmpty {
            inputs.removeAll { input in
                guard case .file(_, let display) = input else { return false }
                let fromRoot = RepositoryRoot.relative(display, to: tree.root, workingDirectory: baseDirectory)
                return request.exclude.contains { $0.matches(display) || fromRoot.map($0.matches) == true }
            }
        }
        let (manifests, _, _) = read(inputs, request: request)
        var render = request.render
        render.configurationDirectory = render.configurationDirectory.flatMap(mirrored)
        let (environments, baseManifests) = Environments.make(
            manifests, request: render, workingDirectory: baseDirectory, deadline: request.deadline, timings: &timings)
        let checked = lint(environments, request: request, linter: linter, timings: &timings)
        let incomplete = !checked.outcome.notRun.isEmpty || !checked.outcome.stopped.isEmpty
            || baseManifests.contains { $0.problems.contains { $0.kind == .incomplete } }
        return (Set(overridden(checked.findings, request.severityOverrides).map(\.fingerprint)), incomplete)
    }
}

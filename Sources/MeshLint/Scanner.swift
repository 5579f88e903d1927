import Rules
import YAMLModel

/// The whole scan: discovery, reading and parsing (in parallel), the index, the rules, then the
/// filters (suppressions, changed-files scope, baseline).
struct Scanner {
    struct Request {
        /// What to scan and report on: files, directories, `-` for standard input.
        var paths: [String]
        /// Indexed as context too, but findings are reported only for `paths` (changed-files mode).
        var contextPaths: [String] = []
        /// In changed-files mode with git: the revision the change is measured against.
        var changedSince: String?
        var limits = ParseLimits.default
        var indexOptions = MeshIndexOptions()
        var settings = LintSettings()
        var rules: [any Rule] = RuleCatalog.builtIn.map { $0.init() }
        var severityOverrides: [String: Severity] = [:]
        /// Paths never read (globs on the path as reported, and from the repository root).
        var exclude: [Glob] = []
        var standardInputName = "<stdin>"
        /// `--namespace`: the namespace of standard input's objects that name none.
        var standardInputNamespace: String?
        var baseline: (baseline: Baseline, file: String)?
        /// Threads for parsing and rules (nil: every core); the output is the same for any number.
        var jobs: Int?
        /// Subtrees parsing skips: what no rule (built-in or custom) reads.
        var pruning: Pruning = .standard
        /// Follow symlinks inside scanned directories (never to outside the directory).
        var followSymlinks = false
        /// Kustomize roots: built, each checked as an environment of its own.
        var render = RenderRequest()
        /// When the scan must stop (`--timeout`); it goes into `limits` and the linter.
        var deadline: ContinuousClock.Instant? {
            get { limits.deadline }
            set { limits.deadline = newValue }
        }
    }

    /// What a scan produced, ready for any reporter.
    struct Result {
        var findings: [Finding]
        var suppressed: [SuppressedFinding] = []
        var summary: Summary
        /// Inputs that could not be read at all (also printed to stderr).
        var readErrors: [String]
        /// The text of standard input, kept for reporters that quote source lines.
        var standardInput: [UInt8]?
        var standardInputName = "<stdin>"
        /// Files named only by rendered Helm output (`# Source:`): not on disk as scanned.
        var renderedFiles: Set<String> = []
        var baseline: Baseline.Report?
        /// Every finding before the baseline filter (what `--write-baseline` records).
        var unbaselined: [Finding] = []
        /// The index the rules read (the posture report reads it too).
        var index: MeshIndex?
        /// Every environment's index, in order (one unnamed mesh without environments).
        var meshes: [Mesh] = []
        /// Said once on standard error: an engine that is missing.
        var notices: [String] = []
        /// The time limit stopped the scan before it read every file or ran every rule.
        var incomplete = false
    }

    struct Summary: Equatable {
        var files = 0
        var documents = 0
        var resources = 0
        var skipped = 0
        var errors = 0
        var warnings = 0
        var notes = 0
        var suppressed = 0
        var baselined = 0
        /// Files the configuration's `exclude` kept from being read.
        var excluded = 0
    }

    static let standardInputName = "<stdin>"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ request: Request) throws -> Result {
        var timings = Timings(reported: false)
        return try run(request, timings: &timings)
    }

    static func run(_ request: Request, timings: inout Timings) throws -> Result {
        let workingDirectory = Discovery.currentDirectory()
        // Changed-files mode: what is reported, and (with git) what the change replaced.
        var change: ChangeSet?
        var indexPaths = request.paths
        if let revision = request.changedSince {
            let anchor = request.contextPaths.first ?? request.paths.first ?? "."
            do {
                change = try ChangeSet.fromGit(since: revision, directory: anchor, workingDirectory: workingDirectory)
            } catch let error as ChangeSetError {
                throw Failure(description: error.description)
            }
            indexPaths = request.contextPaths + (request.paths.isEmpty ? ["."] : request.paths)
        } else if !request.contextPaths.isEmpty {
            let (reported, _) = Discovery.inputs(for: request.paths, workingDirectory: workingDirectory, followSymlinks: request.followSymlinks)
            change = ChangeSet(changed: Set(reported.compactMap {
                if case .file(_, let display) = $0 { return display }
                return request.standardInputName
            }))
            indexPaths = request.paths + request.contextPaths
        }

        var (inputs, readErrors) = timings.measure("discovery") { Discovery.inputs(for: indexPaths, workingDirectory: workingDirectory, followSymlinks: request.followSymlinks) }
        var excluded = 0
        if !request.exclude.isEmpty {
            let root = RepositoryRoot.find(from: indexPaths.first { $0 != "-" } ?? ".", workingDirectory: workingDirectory)
            let before = inputs.count
            defer { excluded = before - inputs.count }
            inputs.removeAll { input in
                guard case .file(_, let display) = input else { return false }
                let fromRoot = RepositoryRoot.relative(display, to: root, workingDirectory: workingDirectory)
                return request.exclude.contains { $0.matches(display) || fromRoot.map($0.matches) == true }
            }
        }
        var (manifests, standardInput, moreErrors) = timings.measure("read and parse \(inputs.count) files") { read(inputs, request: request) }
        timings.note(Self.storageNote(manifests))
        readErrors += moreErrors

        // Kustomize roots, Helm charts and Argo CD Applications are rendered, each an environment
        // of its own (in changed-files mode too: a change to a base shows in every environment).
        let environments: [Environment]
        var notices: [String] = []
        (environments, manifests) = Environments.make(
            manifests, request: request.render, workingDirectory: workingDirectory, deadline: request.deadline, timings: &timings,
            notices: &notices)

        let linter = Linter(rules: request.rules, jobs: request.jobs, deadline: request.deadline)
        let checked = lint(environments, request: request, linter: linter, timings: &timings)
        var lintedFindings = checked.findings
        let indexes = checked.indexes
        timings.rules = zip(request.rules, checked.outcome.durations).map { ($0.description.id, $1) }
        let linted = checked.outcome
        if let first = manifests.first, let incomplete = Linter.findingForIncompleteRules(linted, file: first.path) {
            lintedFindings.append(incomplete)
        }
        // Reports about one mesh (the posture report) see the plain files, else the first root.
        let index = indexes.first ?? MeshIndex(resources: [], options: request.indexOptions)
        var findings = overridden(lintedFindings, request.severityOverrides)

        let filterStart = ContinuousClock.now
        // Only the resources findings are about: their annotations may suppress them.
        // Files first: a few thousand paths hashed, not every resource's origin.
        let origins = Set(findings.compactMap(\.origin))
        let filesWithFindings = Set(origins.map(\.file))
        var resources: [ResourceOrigin: Resource] = [:]
        for file in manifests + environments.flatMap { $0.renders.map(\.file) } where filesWithFindings.contains(file.path) {
            for resource in file.resources where origins.contains(resource.origin) && resources[resource.origin] == nil {
                resources[resource.origin] = resource
            }
        }
        defer { timings.record("suppressions, scope, baseline", filterStart.duration(to: .now)) }
        var (kept, suppressed) = Suppressor.apply(findings, resources: resources, settings: request.settings)
        // An annotation in a rendered object is written in its source: shown there.
        let renders = Dictionary(environments.flatMap(\.renders).map { ($0.file.path, $0) }, uniquingKeysWith: { first, _ in first })
        if !renders.isEmpty {
            suppressed = suppressed.map { entry in
                guard entry.kind == .annotation, let origin = entry.finding.origin, let render = renders[origin.file],
                      let resource = resources[origin], let location = render.location(of: entry.span, in: resource)
                else { return entry }
                return SuppressedFinding(finding: entry.finding, kind: entry.kind, reason: entry.reason, file: location.file,
                                         expires: entry.expires, span: location.span)
            }
        }
        var baseIncomplete = false
        if let change {
            var baseFingerprints: Set<String>?
            if change.hasBase, environments.contains(where: { !$0.renders.isEmpty }) {
                // Rendered environments: the base revision is checked out and scanned the same way.
                if let base = renderedBase(change, request: request, indexPaths: indexPaths, workingDirectory: workingDirectory, linter: linter, timings: &timings) {
                    baseFingerprints = base.fingerprints
                    baseIncomplete = base.incomplete
                }
            } else if change.hasBase {
                let baseFiles = change.baseManifests(from: manifests, limits: request.limits, pruning: request.pruning)
                let baseContext = LintContext(files: baseFiles, options: request.indexOptions, settings: request.settings)
                let base = linter.timedLint(baseContext)
                baseFingerprints = Set(overridden(base.findings, request.severityOverrides).map(\.fingerprint))
                // A base cut short by the time limit would make every finding look caused by the change.
                baseIncomplete = !base.notRun.isEmpty || !base.stopped.isEmpty || baseFiles.contains { $0.problems.contains { $0.kind == .incomplete } }
            }
            kept = scoped(kept, to: change, baseFingerprints: baseFingerprints)
            let inScope = Set(kept.map { $0.fingerprint })
            suppressed = suppressed.filter { change.changed.contains($0.finding.file) || inScope.contains($0.finding.fingerprint) }
        }
        findings = kept.sorted(by: Finding.reportOrder)

        var baselineReport: Baseline.Report?
        let unbaselined = findings
        if let (baseline, file) = request.baseline {
            let applied = baseline.apply(to: findings, file: file)
            findings = applied.new
            baselineReport = applied.report
        }

        var summary = Summary()
        summary.files = manifests.count
        for file in manifests {
            summary.documents += file.documentCount
            summary.skipped += file.skippedDocuments
        }
        // Each environment's objects: a base rendered into two overlays counts twice, as deployed.
        summary.resources = environments.reduce(0) { $0 + $1.files.reduce(0) { $0 + $1.resources.count } }
        for finding in findings {
            switch finding.severity {
            case .error: summary.errors += 1
            case .warning: summary.warnings += 1
            case .note: summary.notes += 1
            }
        }
        summary.suppressed = suppressed.count
        summary.baselined = baselineReport?.matched ?? 0
        summary.excluded = excluded
        let rendered = Set(index.resources.compactMap { $0.origin.renderedSource?.template })
        let unread = manifests.contains { file in file.problems.contains { $0.kind == .incomplete } }
        return Result(
            findings: findings, suppressed: suppressed, summary: summary, readErrors: readErrors,
            standardInput: standardInput, standardInputName: request.standardInputName, renderedFiles: rendered,
            baseline: baselineReport, unbaselined: unbaselined, index: index,
            meshes: zip(environments, indexes).map { Mesh(name: $0.name, index: $1, renders: $0.renders) }, notices: notices,
            incomplete: unread || !linted.notRun.isEmpty || !linted.stopped.isEmpty || baseIncomplete)
    }

    /// How many nodes the parsed files keep and what they take, for `--timings`.
    static func storageNote(_ manifests: [ManifestFile]) -> String {
        // A file's resources share its one store.
        var nodes = 0, bytes = 0
        for file in manifests {
            guard let storage = file.resources.first?.node.fileStorage else { continue }
            nodes += storage.nodes
            bytes += storage.bytes
        }
        let resources = manifests.reduce(0) { $0 + $1.resources.count }
        return "kept: \(resources) resources, \(nodes) YAML nodes in \(bytes >> 20) MB"
    }

    /// Reads and parses every input, files in parallel; standard input on the calling thread.
    static func read(_ inputs: [Discovery.Input], request: Request) -> ([ManifestFile], [UInt8]?, [String]) {
        let limits = request.limits
        let loaded: [(file: ManifestFile?, error: String?)] = inputs.parallelMap(jobs: request.jobs, state: { ParseScratch() }) { scratch, input in
            guard case .file(let path, let display) = input else { return (nil, nil) }
            if limits.isPastDeadline {
                var unread = ManifestFile(path: display)
                unread.problems.append(.timeLimitReached())
                return (unread, nil)
            }
            let outcome = FileReader.read(path: path, maxSize: limits.maxFileSize)
            if case .failed(let reason) = outcome { return (nil, "\(path): \(reason)") }
            return (load(outcome, as: display, limits: limits, pruning: request.pruning, scratch: scratch), nil)
        }
        var manifests: [ManifestFile] = []
        var errors: [String] = []
        var standardInput: [UInt8]?
        for (input, result) in zip(inputs, loaded) {
            if case .standardInput = input {
                let outcome = FileReader.readStandardInput(maxSize: limits.maxFileSize, deadline: limits.deadline)
                if case .bytes(let bytes) = outcome { standardInput = bytes }
                if case .failed(let reason) = outcome { errors.append("standard input: \(reason)") }
                if case .failed(FileReader.timedOut) = outcome {
                    var unread = ManifestFile(path: request.standardInputName)
                    unread.problems.append(.timeLimitReached())
                    manifests.append(unread)
                }
                if let file = load(outcome, as: request.standardInputName, limits: limits, pruning: request.pruning,
                                   defaultNamespace: request.standardInputNamespace) {
                    manifests.append(file)
                }
                continue
            }
            if let file = result.file { manifests.append(file) }
            if let error = result.error { errors.append(error) }
        }
        return (manifests, standardInput, errors)
    }

    private static func load(
        _ outcome: FileReader.Outcome, as display: String, limits: ParseLimits, pruning: Pruning, scratch: ParseScratch? = nil,
        defaultNamespace: String? = nil
    ) -> ManifestFile? {
        switch outcome {
        case .bytes(let bytes):
            return ManifestLoader.load(path: display, bytes: bytes, limits: limits, pruning: pruning, scratch: scratch, defaultNamespace: defaultNamespace)
        case .tooLarge(let size):
            var file = ManifestFile(path: display)
            file.problems.append(ManifestLoader.oversize(size, limits: limits))
            return file
        case .failed:
            return nil
        }
    }

    static func overridden(_ findings: [Finding], _ overrides: [String: Severity]) -> [Finding] {
        guard !overrides.isEmpty else { return findings }
        return findings.map { finding in
            var copy = finding
            // An inconclusive note proved nothing: a rule's severity override does not raise it.
            if let severity = overrides[finding.ruleID], !finding.isInconclusive { copy.severity = severity }
            return copy
        }
    }

    /// Changed-files mode: findings in the changed files; findings elsewhere that point into a
    /// changed file (moved there); findings the change caused elsewhere (new against the base).
    static func scoped(_ findings: [Finding], to change: ChangeSet, baseFingerprints: Set<String>?) -> [Finding] {
        findings.compactMap { finding in
            // What the time limit left undone is reported wherever it is: the scan is incomplete.
            if change.changed.contains(finding.file) || finding.ruleID == ScanIncomplete.ruleID { return finding }
            if let related = finding.related.first(where: { change.changed.contains($0.file) }) {
                var moved = finding.moved(to: related.file, span: related.span)
                moved.viaChange = true
                return moved
            }
            if let base = baseFingerprints, !base.contains(finding.fingerprint) {
                var caused = finding
                caused.viaChange = true
                return caused
            }
            return nil
        }
    }
}

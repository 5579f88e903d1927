import ArgumentParser
import CustomRules
import MeshLintConfig
import Rules
import YAMLModel
#if canImport(Glibc)
import Glibc
#endif

/// `meshlint scan`: check manifests and report findings.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan files and directories (recursively: .yaml, .yml, .json); '-' reads standard input.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif, github, markdown }

    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        case error, warning, note, never

        var threshold: Severity? { Severity(rawValue: rawValue) }
    }

    @Argument(help: "Files or directories to scan ('-' for standard input). With --context: the changed files to report on.")
    var paths: [String] = []

    @Option(help: "Index this directory too, as context, without reporting on it (changed-files mode: pass the changed files as paths). Repeatable.")
    var context: [String] = []

    @Option(name: .customLong("changed-since"), help: "Report only on manifest files changed since this git revision (and what the change causes elsewhere); the paths are the context.")
    var changedSince: String?

    @Option(help: "Report only findings not recorded in this baseline file.")
    var baseline: String?

    @Option(name: .customLong("write-baseline"), help: "Record the current findings' fingerprints in this file, and exit 0.")
    var writeBaseline: String?

    @Option(help: "Run this rule even if the configuration disables it. Repeatable.")
    var enable: [String] = []

    @Option(help: "Do not run this rule. Repeatable.")
    var disable: [String] = []

    @Flag(name: .customLong("show-suppressed"), help: "List suppressed findings, with their reasons, in the text output.")
    var showSuppressed = false

    @Flag(name: .customLong("sarif-include-suppressed"), help: "Include suppressed findings in SARIF, as results with suppressions and their justification.")
    var sarifIncludeSuppressed = false

    @Option(name: .customLong("rules-dir"), help: "A directory of custom rule files (kind: Rule), in addition to .meshlint/rules.d. Repeatable.")
    var rulesDir: [String] = []

    @Option(name: .customLong("stdin-filename"), help: "The name findings from standard input are reported under (default <stdin>).")
    var stdinFilename: String?

    @Option(name: [.short, .long], help: ArgumentHelp(
        "Output format: text, json, sarif, github or markdown. Repeatable: an --output belongs to the --format before it; at most one format goes to standard output."))
    var format: [Format] = []

    @Option(name: [.short, .long], help: "Write a report to this file (atomically) instead of standard output. Repeatable.")
    var output: [String] = []

    @Option(name: .customLong("repo-root"), help: "Repository root for SARIF and GitHub paths (default: the git work tree of the first path, else the working directory).")
    var repoRoot: String?

    @Option(name: .customLong("sarif-category"), help: "Category for SARIF's automationDetails.id, to upload several scans of one repository.")
    var sarifCategory: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above this severity (error, warning, note, never).")
    var failOn: FailOn = .error

    @Option(help: "Configuration file (default: the nearest .meshlint.yaml from the first path upward).")
    var config: String?

    @Option(name: .customLong("root-namespace"), help: "Istio's root namespace, meshConfig.rootNamespace (default istio-system).")
    var rootNamespace: String?

    @Option(name: .customLong("complete"), help: "A namespace the input holds whole (patterns: '*', 'team-*'): what it lacks does not exist. Repeatable; adds to the configuration's complete:.")
    var complete: [String] = []

    @Option(name: .customLong("max-file-size"), help: "Largest file read, in bytes (default 64 MiB).")
    var maxFileSize: Int?

    @Option(name: .customLong("max-depth"), help: "Deepest YAML nesting read (default 512).")
    var maxDepth: Int?

    @Option(name: .customLong("max-alias-expansion"), help: "Most nodes the aliases of one file may expand to (default 100000).")
    var maxAliasExpansion: Int?

    @Flag(name: .customLong("follow-symlinks"), help: "Follow symlinks inside scanned directories, never to outside them (default: symlinks are skipped).")
    var followSymlinks = false

    @Option(help: """
        The Kustomize that builds the Kustomize roots found: a kustomize or kubectl binary (default: MESHLINT_KUSTOMIZE, \
        else kustomize, else kubectl on PATH). Never taken from .meshlint.yaml.
        """)
    var kustomize: String?

    @Option(help: """
        The Helm that renders the charts found (`helm template`): a helm binary (default: MESHLINT_HELM, else helm on PATH). \
        Never taken from .meshlint.yaml.
        """)
    var helm: String?

    @Flag(name: .customLong("no-render-cache"), help: """
        Render every root again instead of reusing the render kept for the same inputs (kept in MESHLINT_CACHE_DIR, \
        else $XDG_CACHE_HOME/meshlint/renders, else ~/.cache/meshlint/renders).
        """)
    var noRenderCache = false

    @Flag(name: .customLong("allow-remote"), help: """
        Let Kustomize fetch remote bases and Helm pull chart dependencies (into a copy of the chart), with the network; \
        by default MeshLint renders offline and says which roots it could not.
        """)
    var allowRemote = false

    @Flag(name: .customLong("no-render"), help: "Read kustomizations and chart templates as files instead of rendering them.")
    var noRender = false

    @Option(help: """
        The namespace of objects on standard input that name none, as `kubectl apply -n NS` would place them \
        (a piped `helm template` or `kustomize build` stream without namespace:). Default: default.
        """)
    var namespace: String?

    @Flag(name: .customLong("no-nested-config"), help: """
        Use only the configuration given with --config (or none), never a .meshlint.yaml found in the scanned tree; \
        that file is compared instead, and the scan fails (exit 2) if it disables a rule, lowers a severity, or adds \
        an exclude or ignore entry, or if a baseline in the repository hides a finding. For CI on pull requests.
        """)
    var noNestedConfig = false

    @Flag(name: .customLong("allow-outside-repository"), help: """
        Read paths that resolve outside their repository: a scan root, file, --config, --baseline or rules \
        directory that is a symlink out of it, or a rulesDirs entry of .meshlint.yaml outside it (default: refused, exit 2).
        """)
    var allowOutsideRepository = false

    @Option(help: "Stop the whole scan after this many seconds: report what was done, add a scan-incomplete finding, and exit 2.")
    var timeout: Double?

    @Flag(name: .customLong("no-color"), help: "Never colour the text output.")
    var noColor = false

    @Flag(help: "Print how long each stage and the slowest rules took, to standard error.")
    var timings = false

    @Option(help: "Threads for parsing and rules (default: every core). The findings are the same for any number.")
    var jobs: Int?

    /// Each requested report and where it goes (nil: standard output). An `--output` belongs to the
    /// `--format` just before it (`-f sarif -o x.sarif -f text`), as written on the command line;
    /// an `--output` before any unpaired `--format` waits for the next one.
    var destinations: [(format: Format, path: String?)] {
        Self.pair(arguments: Array(CommandLine.arguments.dropFirst()), formats: format, outputs: output)
    }

    static func pair(arguments: [String], formats: [Format], outputs: [String]) -> [(format: Format, path: String?)] {
        var entries: [(format: Format, path: String?)] = []
        var waiting: [String] = []
        var formatIndex = 0
        var outputIndex = 0
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" { break }
            let isFormat = argument == "-f" || argument == "--format" || argument.hasPrefix("--format=")
            let isOutput = argument == "-o" || argument == "--output" || argument.hasPrefix("--output=")
            guard isFormat || isOutput else { continue }
            if !argument.contains("=") { index += 1 }  // the value is the next argument
            if isFormat, formatIndex < formats.count {
                entries.append((formats[formatIndex], waiting.isEmpty ? nil : waiting.removeFirst()))
                formatIndex += 1
            } else if isOutput, outputIndex < outputs.count {
                let path = outputs[outputIndex]
                outputIndex += 1
                if let last = entries.indices.last, entries[last].path == nil {
                    entries[last].path = path
                } else {
                    waiting.append(path)
                }
            }
        }
        // Whatever the scan above could not place (arguments from elsewhere): pair in order.
        while formatIndex < formats.count {
            entries.append((formats[formatIndex], waiting.isEmpty ? nil : waiting.removeFirst()))
            formatIndex += 1
        }
        waiting += outputs[outputIndex...]
        if entries.isEmpty {
            return [(.text, waiting.first)] + waiting.dropFirst().map { (Format.text, $0) }
        }
        for path in waiting {
            if let free = entries.firstIndex(where: { $0.path == nil }) { entries[free].path = path } else { entries.append((.text, path)) }
        }
        return entries
    }

    func validate() throws {
        if !context.isEmpty && paths.isEmpty && changedSince == nil {
            throw ValidationError("--context needs the changed files to report on as paths")
        }
        if output.count > max(format.count, 1) {
            throw ValidationError("each --output needs its own --format (an --output belongs to the --format before it)")
        }
        if destinations.filter({ $0.path == nil }).count > 1 {
            throw ValidationError("at most one --format can go to standard output; give the others an --output")
        }
        if let jobs, jobs <= 0 { throw ValidationError("--jobs must be positive") }
        for limit in [maxFileSize, maxDepth, maxAliasExpansion].compactMap({ $0 }) where limit <= 0 {
            throw ValidationError("limits must be positive")
        }
        if let timeout, !(timeout > 0 && timeout <= 1e9) { throw ValidationError("--timeout must be a positive number of seconds") }
        if let namespace, !Self.isNamespaceName(namespace) {
            throw ValidationError("--namespace must be a Kubernetes namespace name (lower-case letters, digits and '-', at most 63)")
        }
    }

    /// An RFC 1123 label: what Kubernetes accepts as a namespace name.
    static func isNamespaceName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
    }

    /// What a scan needs before it runs: the custom rules, the configuration, the request.
    struct Prepared {
        let customRules: [CustomRule]
        let configuration: Configuration
        let request: Scanner.Request
        /// What the reports say about the configuration.
        let effective: EffectiveConfiguration
    }

    func prepare(_ measured: inout Timings) throws -> Prepared {
        let scope = paths.isEmpty ? context : paths
        let confinement = PathConfinement(allowOutside: allowOutsideRepository)
        // What the command line names is resolved first: a pull request can make any of it a
        // symlink out of the repository.
        try confinement.require(paths.map { ("path", $0) } + context.map { ("context path", $0) } + (baseline.map { [("baseline", $0)] } ?? []))
        let customRules: [CustomRule]
        do {
            customRules = try measured.measure("custom rules") {
                // Pinned without --config: no configuration, so no rulesDirs either.
                try CustomRuleSources.load(directories: CustomRuleSources.directories(
                    paths: scope,
                    extra: (noNestedConfig && config == nil ? [] : Configuration.rulesDirectories(explicit: config, paths: scope, confinement: confinement))
                        + rulesDir,
                    confinement: confinement))
            }
        } catch let problem as Configuration.Problem {
            FileHandle.writeToStandardError("meshlint: \(problem)\n")
            throw ExitCode.usageOrIOError
        }
        let configuration: Configuration
        var notices: [String] = []
        let ruleDescriptions = RuleCatalog.builtIn.map { $0.description } + customRules.map(\.description)
        do {
            let customIDs = Set(customRules.map(\.description.id))
            configuration = noNestedConfig && config == nil
                ? Configuration()
                : try Configuration.resolve(explicit: config, paths: scope, customRuleIDs: customIDs, confinement: confinement)
            if noNestedConfig {
                notices += try compareRepositoryConfiguration(with: configuration, scope: scope, customIDs: customIDs, rules: ruleDescriptions, confinement: confinement)
            } else if config == nil, let found = try Configuration.locate(explicit: nil, paths: scope, confinement: confinement),
                      let notice = Configuration.nestingNotice(for: found) {
                FileHandle.writeToStandardError("meshlint: warning: \(notice)\n")
                notices.append(notice)
            }
            let known = Set(RuleCatalog.builtIn.map { $0.description.id }).union(customRules.map(\.description.id))
            for id in enable + disable where !known.contains(id) {
                FileHandle.writeToStandardError("meshlint: no rule \"\(id)\" (see `meshlint rules`)\n")
                throw ExitCode.usageOrIOError
            }
        } catch let problem as Configuration.Problem {
            FileHandle.writeToStandardError("meshlint: \(problem)\n")
            throw ExitCode.usageOrIOError
        }
        let request = try scanRequest(configuration, customRules: customRules)
        let disabled = Set(ruleDescriptions.map(\.id)).subtracting(request.rules.map(\.description.id))
        let effective = EffectiveConfiguration(
            configuration: configuration, rules: ruleDescriptions, disabled: disabled, baseline: baseline, pinned: noNestedConfig, notices: notices)
        return Prepared(customRules: customRules, configuration: configuration, request: request, effective: effective)
    }

    /// In pinned mode, the `.meshlint.yaml` the scanned tree holds is read and compared, never used:
    /// if it would weaken the pinned configuration, the run stops (exit 2) and says how.
    private func compareRepositoryConfiguration(
        with pinned: Configuration, scope: [String], customIDs: Set<String>, rules: [RuleDescription], confinement: PathConfinement
    ) throws -> [String] {
        guard let found = try Configuration.locate(explicit: nil, paths: scope, confinement: confinement) else { return [] }
        let display = Discovery.displayPath(found, workingDirectory: Discovery.currentDirectory())
        if let pinnedPath = pinned.path, PathConfinement.resolved(pinnedPath) == PathConfinement.resolved(found) { return [] }
        let repository = try Configuration.load(path: found, display: display, customRuleIDs: customIDs)
        let reasons = ConfigurationWeakening.reasons(repository: repository, pinned: pinned, rules: rules)
        guard reasons.isEmpty else {
            for reason in reasons {
                FileHandle.writeToStandardError("meshlint: \(display) weakens the pinned configuration: \(reason)\n")
            }
            FileHandle.writeToStandardError("meshlint: --no-nested-config: the repository's configuration may not weaken the pinned one; "
                + "change it, or the pinned configuration\n")
            throw ExitCode.usageOrIOError
        }
        return ["\(display) was compared with the pinned configuration (it weakens nothing) and not used"]
    }

    func run() throws {
        // The time limit counts from the start: loading rules and configuration is part of the scan.
        let deadline = timeout.map { ContinuousClock.now.advanced(by: .milliseconds(Int64(($0 * 1000).rounded(.up)))) }
        var measured = Timings(reported: timings)
        defer { if timings { FileHandle.writeToStandardError(measured.report()) } }
        let prepared = try prepare(&measured)
        let customRules = prepared.customRules
        var request = prepared.request
        request.deadline = deadline
        let result: Scanner.Result
        do {
            result = try Scanner.run(request, timings: &measured)
        } catch let failure as Scanner.Failure {
            FileHandle.writeToStandardError("meshlint: \(failure)\n")
            throw ExitCode.usageOrIOError
        }
        for error in result.readErrors {
            FileHandle.writeToStandardError("meshlint: \(error)\n")
        }
        for notice in result.notices { FileHandle.writeToStandardError("meshlint: \(notice)\n") }
        if result.summary.files == 0 && !result.readErrors.isEmpty {
            FileHandle.writeToStandardError("meshlint: no input could be read\n")
            throw ExitCode.usageOrIOError
        }
        if let report = result.baseline, !report.stale.isEmpty {
            FileHandle.writeToStandardError(
                "meshlint: \(report.stale.count) entr\(report.stale.count == 1 ? "y" : "ies") of \(report.file) no longer occur; "
                    + "run with --write-baseline to shrink it\n")
        }

        let workingDirectory = Discovery.currentDirectory()
        var reportContext = ReportContext(
            repositoryRoot: repoRoot.map { RepositoryRoot.absolute($0, workingDirectory: workingDirectory) }
                ?? RepositoryRoot.find(from: (paths + context).first { $0 != "-" } ?? ".", workingDirectory: workingDirectory),
            workingDirectory: workingDirectory,
            rules: RuleCatalog.builtIn.map { $0.description } + customRules.map(\.description),
            sarifCategory: sarifCategory,
            showSuppressed: showSuppressed, includeSuppressedInSARIF: sarifIncludeSuppressed, jobs: jobs)
        reportContext.configuration = prepared.effective
        for destination in destinations {
            let colored = destination.path == nil && destination.format == .text && !noColor
                && FileHandle.standardOutputIsTerminal && getenv("NO_COLOR") == nil
            try measured.measure("report \(destination.format.rawValue)") {
                if let document = Self.document(destination.format, result, context: reportContext) {
                    // JSON-shaped reports stream: a monorepo's SARIF is tens of megabytes.
                    if let path = destination.path {
                        try AtomicFile.write(to: path) { emit in document.serialize(into: emit) }
                    } else {
                        _ = document.serialize { FileHandle.writeToStandardOutput($0) }
                    }
                    return
                }
                let rendered = Self.render(destination.format, result, context: reportContext, colored: colored)
                if let path = destination.path {
                    try AtomicFile.write(rendered, to: path)
                } else if destination.format == .github || colored {
                    FileHandle.writeToStandardOutput(verbatim: rendered)
                } else {
                    FileHandle.writeToStandardOutput(rendered)
                }
            }
        }

        // Before the baseline: an incomplete scan must not be recorded as the accepted state.
        if result.incomplete {
            FileHandle.writeToStandardError("meshlint: the time limit (--timeout \(timeout ?? 0) s) ran out; the scan is incomplete\n")
            throw ExitCode.usageOrIOError
        }
        // Pinned: a baseline the pull request can edit may not hide what the pinned run reports.
        if noNestedConfig, let baseline, result.summary.baselined > 0,
           PathConfinement.workTree(containing: RepositoryRoot.absolute(baseline, workingDirectory: workingDirectory)) != nil {
            FileHandle.writeToStandardError(
                "meshlint: --no-nested-config: the baseline \(baseline) is in the repository and hides \(result.summary.baselined) "
                    + "finding\(result.summary.baselined == 1 ? "" : "s") the pinned configuration reports; keep the baseline "
                    + "with the pinned configuration, outside the repository\n")
            throw ExitCode.usageOrIOError
        }
        if let writeBaseline {
            try AtomicFile.write(Baseline(findings: result.unbaselined).serialized(), to: writeBaseline)
            FileHandle.writeToStandardError("meshlint: wrote \(result.unbaselined.count) findings to \(writeBaseline)\n")
            return
        }
        if let threshold = failOn.threshold, result.findings.contains(where: { $0.severity >= threshold }) {
            throw ExitCode.findings
        }
    }

    /// The directory of a file path (`.` for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The scan the options and the configuration ask for; command-line options win.
    private func scanRequest(_ configuration: Configuration, customRules: [CustomRule]) throws -> Scanner.Request {
        let defaults = ParseLimits.default
        var disabled = Set(configuration.rules.filter { $0.value.enabled == false }.map(\.key)).union(disable)
        disabled.subtract(enable)
        var request = Scanner.Request(
            paths: changedSince == nil && paths.isEmpty ? ["."] : paths,
            contextPaths: context,
            changedSince: changedSince,
            limits: ParseLimits(
                maxFileSize: maxFileSize ?? configuration.limits.maxFileSize ?? defaults.maxFileSize,
                maxDepth: maxDepth ?? configuration.limits.maxDepth ?? defaults.maxDepth,
                maxAliasExpansion: maxAliasExpansion ?? configuration.limits.maxAliasExpansion ?? defaults.maxAliasExpansion),
            indexOptions: configuration.indexOptions(rootNamespace: rootNamespace, completeNamespaces: complete),
            settings: configuration.lintSettings(today: Today.date),
            rules: RuleCatalog.builtIn.filter { !disabled.contains($0.description.id) }.map { $0.init() }
                + customRules.filter { !disabled.contains($0.description.id) } as [any Rule],
            severityOverrides: configuration.rules.compactMapValues(\.severity),
            exclude: configuration.exclude,
            standardInputName: stdinFilename ?? Scanner.standardInputName,
            jobs: jobs,
            pruning: .standard.retaining(keys: customRules.reduce(into: Set<String>()) { $0.formUnion($1.fieldPathKeys) }),
            followSymlinks: followSymlinks)
        request.render = RenderRequest(
            enabled: !noRender, kustomize: kustomize, helm: helm, cache: !noRenderCache, allowOutsideRepository: allowOutsideRepository,
            releases: configuration.render.releases, skip: configuration.render.skip,
            names: configuration.render.names, clusters: configuration.render.clusters, repositories: configuration.render.repositories,
            configurationDirectory: configuration.path.map { RepositoryRoot.absolute(Self.directory(of: $0), workingDirectory: Discovery.currentDirectory()) })
        request.render.allowRemote = allowRemote
        request.standardInputNamespace = namespace
        if let baseline {
            switch FileReader.read(path: baseline, maxSize: 64 << 20) {
            case .bytes(let bytes):
                do {
                    request.baseline = (try Baseline.parse(bytes, file: baseline), baseline)
                } catch let problem as Baseline.Problem {
                    FileHandle.writeToStandardError("meshlint: \(problem)\n")
                    throw ExitCode.usageOrIOError
                }
            case .tooLarge, .failed:
                FileHandle.writeToStandardError("meshlint: cannot read baseline \(baseline)\n")
                throw ExitCode.usageOrIOError
            }
        }
        return request
    }

    /// The report as a JSON value, for the formats that are JSON (written as they are made).
    static func document(_ format: Format, _ result: Scanner.Result, context: ReportContext) -> JSONValue? {
        switch format {
        case .json: JSONReporter(jobs: context.jobs).document(result)
        case .sarif: SARIFReporter(context: context).document(result)
        default: nil
        }
    }

    static func render(_ format: Format, _ result: Scanner.Result, context: ReportContext, colored: Bool) -> String {
        switch format {
        case .text:
            TextReporter(
                colored: colored,
                sources: SourceLines(
                    standardInput: result.standardInput, standardInputName: result.standardInputName,
                    unreadable: result.renderedFiles),
                showSuppressed: context.showSuppressed,
                configuration: context.configuration
            ).render(result)
        case .json: JSONReporter().render(result)
        case .sarif: SARIFReporter(context: context).render(result)
        case .github: GitHubReporter(context: context).render(result)
        case .markdown: MarkdownReporter(context: context).render(result)
        }
    }
}

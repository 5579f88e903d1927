import ArgumentParser
import CustomRules
import Glibc
import MeshLintConfig
import Posture
import Rules
import YAMLModel

/// `meshlint report`: the auditors' posture report, reproducibly from the repository.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the posture report: controls per namespace with evidence, access, compliance mapping, findings.",
        discussion: """
            One self-contained document: HTML (inline CSS, printable to PDF), Markdown, or JSON (which \
            --compare reads back). SOURCE_DATE_EPOCH, when set, fixes the report's time.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, markdown, json
    }

    @Argument(help: "Files or directories to report on (default: the current directory).")
    var paths: [String] = []

    @Option(name: [.short, .long], help: "html, markdown or json.")
    var format: Format = .markdown

    @Option(name: [.short, .long], help: "Write the report to this file (atomically) instead of standard output.")
    var output: String?

    @Option(help: "A JSON report of an earlier state: show controls gained and lost, findings new and fixed.")
    var compare: String?

    @Option(help: "Configuration file (default: the nearest .meshlint.yaml from the first path upward).")
    var config: String?

    @Option(name: .customLong("rules-dir"), help: "A directory of custom rules (and a ComplianceMapping). Repeatable.")
    var rulesDir: [String] = []

    @Option(name: .customLong("repo-root"), help: "Repository root (default: the git work tree of the first path, else the working directory).")
    var repoRoot: String?

    @Option(name: .customLong("complete"), help: "A namespace the input holds whole (patterns: '*', 'team-*'). Repeatable; adds to the configuration's complete:.")
    var complete: [String] = []

    @Option(help: "The environment (a Kustomize root, Helm release or Argo CD Application with variants); default: each in turn (JSON and Markdown; HTML takes one).")
    var env: String?

    func run() throws {
        // The scan the report rests on, configured as `meshlint scan` would be with these options.
        var arguments = config.map { ["--config", $0] } ?? []
        for directory in rulesDir { arguments += ["--rules-dir", directory] }
        for namespace in complete { arguments += ["--complete", namespace] }
        let scan = try ScanCommand.parse(arguments + ["--"] + paths)
        var timings = Timings(reported: false)
        let prepared = try scan.prepare(&timings)
        let result: Scanner.Result
        do {
            result = try Scanner.run(prepared.request)
        } catch let failure as Scanner.Failure {
            FileHandle.writeToStandardError("meshlint: \(failure)\n")
            throw ExitCode.usageOrIOError
        }
        for error in result.readErrors { FileHandle.writeToStandardError("meshlint: \(error)\n") }
        guard result.index != nil, result.summary.files > 0 || result.readErrors.isEmpty else {
            FileHandle.writeToStandardError("meshlint: no input could be read\n")
            throw ExitCode.usageOrIOError
        }
        let meshes = try Meshes.select(result.meshes.isEmpty ? [Mesh(name: nil, index: result.index!)] : result.meshes, env: env)
        if meshes.count > 1, format == .html || compare != nil {
            FileHandle.writeToStandardError("meshlint: the input has \(meshes.count) environments; "
                + "\(format == .html ? "an HTML report" : "--compare") takes one: name it with --env (\(meshes.compactMap(\.name).joined(separator: ", ")))\n")
            throw ExitCode.usageOrIOError
        }

        let workingDirectory = Discovery.currentDirectory()
        let root = repoRoot.map { RepositoryRoot.absolute($0, workingDirectory: workingDirectory) }
            ?? RepositoryRoot.find(from: paths.first ?? ".", workingDirectory: workingDirectory)
        let header = PostureReport.Header(
            repository: root.split(separator: "/").last.map(String.init) ?? root,
            commit: Self.commit(in: root), generatedAt: Self.timestamp(), version: ToolInfo.version,
            inputs: paths.isEmpty ? ["."] : paths, configuration: prepared.configuration.path,
            ruleCount: prepared.request.rules.count)
        let compliance = try Self.complianceMapping(
            directories: CustomRuleSources.directories(
                paths: paths, extra: Configuration.rulesDirectories(explicit: config, paths: paths) + rulesDir))
        // One report per environment: its mesh, and the findings found in it (or in what every
        // environment shares).
        let reports = meshes.map { mesh -> (name: String?, report: PostureReport) in
            let held = { (finding: Finding) in mesh.name == nil || finding.environments.isEmpty || finding.environments.contains(mesh.name!) }
            return (mesh.name, PostureReport(
                header: header, index: mesh.index, findings: result.findings.filter(held),
                suppressions: result.suppressed.filter { held($0.finding) }.map {
                    PostureReport.Suppression(
                        finding: $0.finding, kind: $0.kind.rawValue, reason: $0.reason,
                        location: "\($0.file):\($0.span.start.line)", expires: $0.expires?.description)
                },
                sensitive: prepared.configuration.sensitiveNamespaces, compliance: compliance,
                rules: prepared.request.rules.map(\.description), audiences: prepared.configuration.mintedAudiences,
                locate: mesh.sourced))
        }
        guard reports.count == 1 else {
            try write(Self.each(reports, format: format))
            return
        }
        let report = reports[0].report

        var comparison: PostureComparison?
        if let compare {
            guard case .bytes(let bytes) = FileReader.read(path: compare, maxSize: 256 << 20) else {
                FileHandle.writeToStandardError("meshlint: cannot read \(compare)\n")
                throw ExitCode.usageOrIOError
            }
            do {
                comparison = try PostureComparison(earlier: bytes, file: compare, current: report)
            } catch {
                FileHandle.writeToStandardError("meshlint: \(error)\n")
                throw ExitCode.usageOrIOError
            }
        }
        let rendered: String
        switch format {
        case .json: rendered = PostureJSON.render(report, comparison: comparison)
        case .markdown: rendered = PostureMarkdown(report: report, comparison: comparison).render()
        case .html: rendered = PostureHTML(report: report, comparison: comparison).render()
        }
        try write(rendered)
    }

    private func write(_ rendered: String) throws {
        if let output {
            try AtomicFile.write(rendered, to: output)
        } else {
            FileHandle.writeToStandardOutput(rendered)
        }
    }

    /// The reports of several environments, each in turn: Markdown one after another under a
    /// heading naming the environment; JSON as `{"environments": [{"environment", "report"}]}`.
    static func each(_ reports: [(name: String?, report: PostureReport)], format: Format) -> String {
        switch format {
        case .json:
            let entries = reports.map { entry in
                "    {\n      \"environment\": " + (entry.name.map { JSONValue.string($0).serialized(indent: 0) } ?? "null")
                    + ",\n      \"report\": " + PostureJSON.render(entry.report, comparison: nil).trimmingSuffixNewlines()
                    .split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n      ") + "\n    }"
            }
            return "{\n  \"environments\": [\n" + entries.joined(separator: ",\n") + "\n  ]\n}\n"
        case .markdown, .html:
            return reports.map { entry in
                "<!-- environment -->\n# Environment \(Markdown.code(entry.name ?? "(shared)"))\n\n"
                    + PostureMarkdown(report: entry.report, comparison: nil).render()
            }.joined(separator: "\n---\n\n")
        }
    }

    /// The commit checked out in `root`, when it is a git work tree.
    static func commit(in root: String) -> String? {
        guard let output = Subprocess.run(["git", "-C", root, "rev-parse", "--verify", "-q", "HEAD"]), output.status == 0 else {
            return nil
        }
        let commit = output.text.trimmingSuffixNewlines()
        return commit.isEmpty ? nil : commit
    }

    /// Now, or SOURCE_DATE_EPOCH (reproducible reports), as ISO 8601 UTC.
    static func timestamp() -> String {
        var seconds = time(nil)
        if let epoch = getenv("SOURCE_DATE_EPOCH").map({ String(cString: $0) }), let value = Int(epoch) { seconds = time_t(value) }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// The last ComplianceMapping found in the rules directories, else the one MeshLint ships.
    static func complianceMapping(directories: [String]) throws -> ComplianceMapping {
        var found: ComplianceMapping?
        for directory in directories {
            let (inputs, _) = Discovery.inputs(for: [directory])
            for case .file(let path, let display) in inputs {
                guard case .bytes(let bytes) = FileReader.read(path: path, maxSize: 4 << 20) else { continue }
                do {
                    if let mapping = try ComplianceMapping.load(bytes, file: Self.lexicallyNormalized(display)) { found = mapping }
                } catch {
                    FileHandle.writeToStandardError("meshlint: \(error)\n")
                    throw ExitCode.usageOrIOError
                }
            }
        }
        return found ?? .builtIn
    }
}

extension ReportCommand {
    /// `a/b/../c` as `a/c` (for display: `rulesDirs` are written relative to the configuration).
    static func lexicallyNormalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            if part == "..", let last = parts.last, last != "..", !last.isEmpty {
                parts.removeLast()
            } else if part != "." {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }
}

extension String {
    func trimmingSuffixNewlines() -> String {
        var text = self
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }
}

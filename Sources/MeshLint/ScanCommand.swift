import ArgumentParser
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

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        case error, warning, note, never

        var threshold: Severity? { Severity(rawValue: rawValue) }
    }

    @Argument(help: "Files or directories to scan ('-' for standard input).")
    var paths: [String] = ["."]

    @Option(name: [.short, .long], help: "Output format: text or json.")
    var format: Format = .text

    @Option(name: [.short, .long], help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above this severity (error, warning, note, never).")
    var failOn: FailOn = .error

    @Option(name: .customLong("root-namespace"), help: "Istio's root namespace (meshConfig.rootNamespace).")
    var rootNamespace: String = WellKnown.defaultRootNamespace

    @Option(name: .customLong("max-file-size"), help: "Largest file read, in bytes.")
    var maxFileSize: Int = ParseLimits.default.maxFileSize

    @Option(name: .customLong("max-depth"), help: "Deepest YAML nesting read.")
    var maxDepth: Int = ParseLimits.default.maxDepth

    @Option(name: .customLong("max-alias-expansion"), help: "Most nodes the aliases of one file may expand to.")
    var maxAliasExpansion: Int = ParseLimits.default.maxAliasExpansion

    @Flag(name: .customLong("no-color"), help: "Never colour the text output.")
    var noColor = false

    func validate() throws {
        guard maxFileSize > 0, maxDepth > 0, maxAliasExpansion >= 0 else {
            throw ValidationError("limits must be positive")
        }
    }

    func run() throws {
        let request = Scanner.Request(
            paths: paths,
            limits: ParseLimits(maxFileSize: maxFileSize, maxDepth: maxDepth, maxAliasExpansion: maxAliasExpansion),
            indexOptions: MeshIndexOptions(rootNamespace: rootNamespace))
        let result = Scanner.run(request)
        for error in result.readErrors {
            FileHandle.writeToStandardError("meshlint: \(error)\n")
        }
        if result.summary.files == 0 && !result.readErrors.isEmpty {
            FileHandle.writeToStandardError("meshlint: no input could be read\n")
            throw ExitCode.usageOrIOError
        }

        let rendered: String
        switch format {
        case .json:
            rendered = JSONReporter().render(result)
        case .text:
            let colored = output == nil && !noColor && FileHandle.standardOutputIsTerminal && getenv("NO_COLOR") == nil
            rendered = TextReporter(colored: colored, sources: SourceLines(standardInput: result.standardInput)).render(result)
        }
        if let output {
            try write(rendered, to: output)
        } else {
            FileHandle.writeToStandardOutput(rendered)
        }

        if let threshold = failOn.threshold, result.findings.contains(where: { $0.severity >= threshold }) {
            throw ExitCode.findings
        }
    }

    private func write(_ text: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            FileHandle.writeToStandardError("meshlint: cannot write \(path): \(String(cString: strerror(errno)))\n")
            throw ExitCode.usageOrIOError
        }
        defer { close(descriptor) }
        var text = text
        let ok = text.withUTF8 { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 { if errno == EINTR { continue } else { return false } }
                offset += written
            }
            return true
        }
        guard ok else {
            FileHandle.writeToStandardError("meshlint: cannot write \(path): \(String(cString: strerror(errno)))\n")
            throw ExitCode.usageOrIOError
        }
    }
}

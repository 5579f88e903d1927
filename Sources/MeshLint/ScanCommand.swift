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

    @Option(help: "Configuration file (default: the nearest .meshlint.yaml from the first path upward).")
    var config: String?

    @Option(name: .customLong("root-namespace"), help: "Istio's root namespace, meshConfig.rootNamespace (default istio-system).")
    var rootNamespace: String?

    @Option(name: .customLong("max-file-size"), help: "Largest file read, in bytes (default 64 MiB).")
    var maxFileSize: Int?

    @Option(name: .customLong("max-depth"), help: "Deepest YAML nesting read (default 512).")
    var maxDepth: Int?

    @Option(name: .customLong("max-alias-expansion"), help: "Most nodes the aliases of one file may expand to (default 100000).")
    var maxAliasExpansion: Int?

    @Flag(name: .customLong("no-color"), help: "Never colour the text output.")
    var noColor = false

    func validate() throws {
        for limit in [maxFileSize, maxDepth, maxAliasExpansion].compactMap({ $0 }) where limit <= 0 {
            throw ValidationError("limits must be positive")
        }
    }

    func run() throws {
        let configuration = try loadConfiguration()
        let defaults = ParseLimits.default
        let request = Scanner.Request(
            paths: paths,
            limits: ParseLimits(
                maxFileSize: maxFileSize ?? configuration.limits.maxFileSize ?? defaults.maxFileSize,
                maxDepth: maxDepth ?? configuration.limits.maxDepth ?? defaults.maxDepth,
                maxAliasExpansion: maxAliasExpansion ?? configuration.limits.maxAliasExpansion ?? defaults.maxAliasExpansion),
            indexOptions: MeshIndexOptions(
                rootNamespace: rootNamespace ?? configuration.rootNamespace ?? WellKnown.defaultRootNamespace),
            settings: configuration.lintSettings)
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

    /// `--config`, else the nearest `.meshlint.yaml` from the first scanned path upward, else none.
    private func loadConfiguration() throws -> Configuration {
        let path: String?
        if let config {
            path = config
        } else {
            let first = paths.first { $0 != "-" } ?? "."
            var info = stat()
            let isDirectory = stat(first, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            let directory = isDirectory ? first : String(first.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/"))
            path = Configuration.find(from: first.hasPrefix("/") && directory.isEmpty ? "/" : directory)
        }
        guard let path else { return Configuration() }
        do {
            return try Configuration.load(path: path, display: Discovery.displayPath(path, workingDirectory: Discovery.currentDirectory()))
        } catch let problem as Configuration.Problem {
            FileHandle.writeToStandardError("meshlint: \(problem)\n")
            throw ExitCode.usageOrIOError
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

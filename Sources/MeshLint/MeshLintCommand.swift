import ArgumentParser
import Rules
#if canImport(Glibc)
import Glibc
#endif

/// `meshlint`: the root command. `scan` is the default subcommand.
struct MeshLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meshlint",
        abstract: "Lint Kubernetes manifests of an Istio ambient mesh for security gaps and broken traffic.",
        discussion: """
            Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; \
            2 usage, configuration or I/O error.
            """,
        version: ToolInfo.version,
        subcommands: [ScanCommand.self, ReportCommand.self, AccessCommand.self, MigrateCommand.self, RulesCommand.self, ExplainCommand.self, InitCommand.self, VersionCommand.self],
        defaultSubcommand: ScanCommand.self)

    /// Runs the command and maps every outcome to MeshLint's exit codes: argument errors are 2,
    /// not ArgumentParser's 64, because CI scripts branch on 0 / 1 / 2 only.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            FileHandle.writeToStandardError(fullMessage(for: error) + "\n")
            Glibc.exit(ExitCode.usageOrIOError.rawValue)
        }
    }
}

extension ExitCode {
    /// Findings at or above the `--fail-on` threshold.
    static let findings = ExitCode(1)
    /// Usage, configuration or I/O error.
    static let usageOrIOError = ExitCode(2)
}

/// Standard output and standard error without Foundation. Both end up in CI logs, where the
/// runner executes workflow commands from any line: what MeshLint prints for people goes through
/// `UntrustedText.inertInLog` here, in one place, so no message (a config key, a rule file's name,
/// a symlink's target, an argument) can smuggle one in.
enum FileHandle {
    static func writeToStandardError(_ text: String) {
        var text = UntrustedText.inertInLog(text)
        text.withUTF8 { buffer in _ = write(STDERR_FILENO, buffer.baseAddress, buffer.count) }
    }

    static func writeToStandardOutput(_ text: String) {
        writeToStandardOutput(verbatim: UntrustedText.inertInLog(text))
    }

    /// Text whose lines MeshLint built to be exactly what they are: the GitHub annotations it means
    /// the runner to read, and colored text for a terminal (whose values the reporter made visible).
    static func writeToStandardOutput(verbatim text: String) {
        var text = text
        text.withUTF8 { _ = writeToStandardOutput($0) }
    }

    /// Writes bytes to standard output; false when it is closed or failing.
    @discardableResult
    static func writeToStandardOutput(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            if written <= 0 { if errno == EINTR { continue } else { return false } }
            offset += written
        }
        return true
    }

    static var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print MeshLint's version.")

    func run() {
        print("\(ToolInfo.name) \(ToolInfo.version)")
    }
}

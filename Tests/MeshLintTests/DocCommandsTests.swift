import Foundation
import Rules
import Testing
@testable import MeshLint

/// Every `meshlint` command in the README and `docs/` runs as written, and where the page shows
/// its output, that output is what it prints. Commands run through `/bin/sh` in a scratch
/// repository holding the examples, with `deploy/` a copy of the hardened example and the git
/// history the `--base`/`--changed-since` commands need.
@Suite("Documented commands")
struct DocCommandsTests {
    /// One documented command, the output the page shows for it, and where it is written.
    struct Documented: CustomStringConvertible {
        let page: String
        let line: Int
        let command: String
        let shown: [String]
        var description: String { "\(page):\(line): \(command)" }
    }

    /// The pages: the README and every page of docs/ but the generated rules reference.
    static var pages: [String] {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("docs").path)) ?? []
        return ["README.md"] + docs.filter { $0.hasSuffix(".md") && $0 != "rules.md" }.sorted().map { "docs/\($0)" }
    }

    /// The commands of fenced blocks that hold shell or transcripts (not YAML, JSON, synopses):
    /// a line that starts with `meshlint` or `swift run meshlint` (after `$ `), continued by `\`;
    /// the lines after it, up to the next command, are its output as shown.
    static func commands(in page: String) throws -> [Documented] {
        let text = try String(contentsOf: packageRoot.appendingPathComponent(page), encoding: .utf8)
        var result: [Documented] = []
        var block: (info: String, start: Int, lines: [String])?
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                if let open = block {
                    if ["", "sh", "text", "console"].contains(open.info) {
                        result += parse(open.lines, page: page, start: open.start, withOutput: open.info != "sh")
                    }
                    block = nil
                } else {
                    block = (String(trimmed.dropFirst(3)), number + 2, [])
                }
                continue
            }
            block?.lines.append(String(line))
        }
        return result
    }

    /// The commands of a block's lines; a shell block (`withOutput` false) shows no output.
    static func parse(_ lines: [String], page: String, start: Int, withOutput: Bool) -> [Documented] {
        var result: [Documented] = []
        var index = 0
        while index < lines.count {
            var line = lines[index].trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("$ ") { line = String(line.dropFirst(2)) }
            guard line.hasPrefix("meshlint ") || line.hasPrefix("swift run meshlint ") else {
                index += 1
                continue
            }
            let at = start + index
            var command = line
            while command.hasSuffix("\\"), index + 1 < lines.count {
                index += 1
                command = String(command.dropLast()) + " " + lines[index].trimmingCharacters(in: .whitespaces)
            }
            index += 1
            var shown: [String] = []
            while index < lines.count {
                let next = lines[index].trimmingCharacters(in: .whitespaces)
                if next.hasPrefix("meshlint ") || next.hasPrefix("$ meshlint ") || next.hasPrefix("swift run meshlint ") { break }
                if withOutput { shown.append(lines[index]) }
                index += 1
            }
            result.append(Documented(page: page, line: at, command: command, shown: shown))
        }
        return result
    }

    @Test("the pages hold the commands they are known to, so none is missed by the reader")
    func commandsAreFound() throws {
        let all = try Self.pages.flatMap(Self.commands)
        #expect(all.count >= 15, "\(all)")
        #expect(all.contains { $0.page == "README.md" && $0.command == "swift run meshlint scan examples/payments-guide" })
        #expect(all.contains { $0.page == "docs/migrating-from-sidecars.md" && !$0.shown.isEmpty })
        // The synopsis is not a command to run.
        #expect(!all.contains { $0.command.contains("[PATH") })
    }

    @Test("every documented command runs as written and prints what its page shows")
    func commandsRun() async throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch.deletingLastPathComponent()) }
        let binary = meshlintExecutable
        var documented = try Self.pages.flatMap(Self.commands)
        // A command that compares with an earlier report needs that report first.
        documented.sort { ($0.command.contains("--compare") ? 1 : 0, $0.page, $0.line) < ($1.command.contains("--compare") ? 1 : 0, $1.page, $1.line) }
        let path = binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        for entry in documented {
            // A chart renders with a helm: the tests' own when installed, else the command is not run here.
            var environment = ["PATH": path, "RUNNER_TEMP": scratch.path, "NO_COLOR": "1",
                               "MESHLINT_CACHE_DIR": scratch.appendingPathComponent(".cache").path, "HOME": scratch.path]
            if entry.command.contains("helm-chart") {
                guard let helm = HelmRenderingTests.helper else { continue }
                environment["MESHLINT_HELM"] = helm
            }
            let command = entry.command.hasPrefix("swift run meshlint ")
                ? "meshlint " + entry.command.dropFirst("swift run meshlint ".count) : entry.command
            let run = try await runChild(URL(fileURLWithPath: "/bin/sh"), ["-c", command], in: scratch, environment: environment)
            let (stdout, stderr) = (String(decoding: run.stdout, as: UTF8.self), String(decoding: run.stderr, as: UTF8.self))
            let showsAnError = entry.shown.contains { $0.hasPrefix("meshlint: ") }
            #expect(run.status == 0 || run.status == 1 || (showsAnError && run.status == 2), "\(entry): exit \(run.status)\n\(stderr)")
            let printed = stdout + stderr
            let missing = entry.shown.filter { Self.isVerbatim($0) && !printed.contains($0) }
            #expect(missing.isEmpty, "\(entry): shows lines it does not print:\n\(missing.prefix(3).joined(separator: "\n"))")
        }
    }

    /// A shown line to find in the output: not elided (`...`, `(…)`), not blank.
    static func isVerbatim(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return !trimmed.isEmpty && !trimmed.contains("...") && !trimmed.contains("…") && !trimmed.hasPrefix("#")
    }

    /// A repository like a user's: the examples, `deploy/` (the hardened example), an empty
    /// configuration at $RUNNER_TEMP/meshlint.yaml, committed, with `origin/main` at the commit.
    static func scratch() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("meshlint-docs-\(UUID().uuidString)")
        let repo = root.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        for item in ["examples", "rules.d"] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(item), to: repo.appendingPathComponent(item))
        }
        try FileManager.default.copyItem(
            at: packageRoot.appendingPathComponent("examples/payments-hardened"), to: repo.appendingPathComponent("deploy"))
        // deploy/ sits one level higher than examples/payments-hardened: its rules directory too.
        let configuration = repo.appendingPathComponent("deploy/.meshlint.yaml")
        let text = try String(contentsOf: configuration, encoding: .utf8)
        try text.replacingOccurrences(of: "../../rules.d", with: "../rules.d").write(to: configuration, atomically: true, encoding: .utf8)
        try "# the CI's own configuration\n".write(to: repo.appendingPathComponent("meshlint.yaml"), atomically: true, encoding: .utf8)
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/bin/sh")
        git.arguments = ["-c", "git init -q && git add -A && git -c user.name=t -c user.email=t@example.com commit -qm base && git update-ref refs/remotes/origin/main HEAD"]
        git.currentDirectoryURL = repo
        try git.run()
        git.waitUntilExit()
        return repo
    }
}

/// docs/rules.md is generated from the rules' own descriptions; it must not fall behind them.
@Suite("Rules reference")
struct RulesReferenceTests {
    @Test("docs/rules.md is what `meshlint rules --format markdown` prints (MESHLINT_UPDATE_GOLDEN=1 rewrites it)")
    func referenceIsCurrent() throws {
        let url = packageRoot.appendingPathComponent("docs/rules.md")
        let generated = RulesCommand.reference(RuleCatalog.builtIn.map { $0.description })
        if ProcessInfo.processInfo.environment["MESHLINT_UPDATE_GOLDEN"] == "1" {
            try generated.write(to: url, atomically: true, encoding: .utf8)
        }
        let written = try String(contentsOf: url, encoding: .utf8)
        #expect(written == generated, "docs/rules.md is stale: run MESHLINT_UPDATE_GOLDEN=1 swift test --filter RulesReference")
        for description in RuleCatalog.builtIn.map({ $0.description }) {
            #expect(written.contains("(`\(description.id)`)"), "\(description.id) has no section")
        }
    }
}

import Foundation
import Testing

/// `meshlint migrate` on the command line: exit codes, the JSON contract, the patch file.
@Suite("meshlint migrate command")
struct MigrateCommandTests {
    /// A copy of examples/sidecar-migration in a scratch repository.
    private func scratch() throws -> Scratch {
        var files: [String: String] = [:]
        let example = packageRoot.appendingPathComponent("examples/sidecar-migration")
        for name in try FileManager.default.contentsOfDirectory(atPath: example.path) {
            files[name] = try String(contentsOf: example.appendingPathComponent(name), encoding: .utf8)
        }
        return try Scratch(files, git: true)
    }

    @Test("the example moves with its patch: exit 0, the patch written, and run again with it exit 0 with nothing to add")
    func patchRoundTrip() async throws {
        let scratch = try scratch()
        defer { scratch.cleanUp() }
        let first = try await meshlint(["migrate", "--namespace", "payments", "--write-patch", "migration-patch.yaml"], directory: scratch.root)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("After the move as is: 0 newly allowed, 1 newly denied"))
        #expect(first.stdout.contains("After the move with the patch: no access changes"))
        let patch = try scratch.read("migration-patch.yaml")
        #expect(patch.contains("name: \"ledger-debit-waypoint\""))
        let again = try await meshlint(["migrate", "--namespace", "payments", "--format", "json"], directory: scratch.root)
        #expect(again.status == 0, "\(again.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: again.stdoutData) as? [String: Any])
        #expect((object["patch"] as? [String: Any])?["objects"] as? [Any] != nil)
        #expect(((object["patch"] as? [String: Any])?["objects"] as? [Any])?.isEmpty == true)
    }

    @Test("--format json has namespace, policies, newlyAllowed, newlyDenied and patch at the top, each change with both traces")
    func jsonContract() async throws {
        let run = try await meshlint(["migrate", "examples/sidecar-migration", "--namespace", "payments", "--format", "json"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        for key in ["namespace", "policies", "newlyAllowed", "newlyDenied", "patch"] { #expect(object[key] != nil, "\(key)") }
        #expect(object["namespace"] as? String == "payments")
        let denied = try #require((object["newlyDenied"] as? [[String: Any]])?.first)
        #expect((denied["before"] as? [String: Any])?["decision"] as? String == "allow")
        #expect((denied["after"] as? [String: Any])?["decision"] as? String == "deny")
        #expect(((denied["after"] as? [String: Any])?["hops"] as? [Any])?.isEmpty == false)
    }

    @Test("a move the patch cannot keep exits 1; a usage error exits 2")
    func exitCodes() async throws {
        let scratch = try scratch()
        defer { scratch.cleanUp() }
        let policies = try scratch.read("policies.yaml")
        try scratch.write("policies.yaml", policies.replacingOccurrences(
            of: #"principals: ["cluster.local/ns/accounts/sa/accounts"]"#,
            with: #"principals: ["cluster.local/ns/accounts/sa/accounts", "cluster.local/ns/legacy/sa/batch"]"#))
        let lossy = try await meshlint(["migrate", "--namespace", "payments"], directory: scratch.root)
        #expect(lossy.status == 1)
        #expect(lossy.stdout.contains("newly denied: legacy/batch -> ledger.payments:8080"))
        #expect(try await meshlint(["migrate", "--namespace", "accounts"], directory: scratch.root).status == 2)
        #expect(try await meshlint(["migrate", "--namespace", "Not A Name"], directory: scratch.root).status == 2)
        #expect(try await meshlint(["migrate"], directory: scratch.root).status == 2)
    }

    @Test("a --write-patch path a pull request turned into a link out of the repository is refused")
    func patchPathIsConfined() async throws {
        let scratch = try scratch()
        defer { scratch.cleanUp() }
        let outside = scratch.root.deletingLastPathComponent().appendingPathComponent("outside-\(UUID().uuidString).yaml")
        try "kept\n".write(to: outside, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(atPath: scratch.root.appendingPathComponent("migration-patch.yaml").path, withDestinationPath: outside.path)
        let run = try await meshlint(["migrate", "--namespace", "payments", "--write-patch", "migration-patch.yaml"], directory: scratch.root)
        #expect(run.status == 2)
        #expect(run.stderr.contains("outside the repository"))
        #expect(try String(contentsOf: outside, encoding: .utf8) == "kept\n")
    }

    @Test("docs/migrating-from-sidecars.md shows the example's real output")
    func documentedOutputIsReal() async throws {
        let page = try String(contentsOf: packageRoot.appendingPathComponent("docs/migrating-from-sidecars.md"), encoding: .utf8)
        let block = try #require(page.components(separatedBy: "```text\n").dropFirst().first?.components(separatedBy: "\n```").first)
        let lines = block.split(separator: "\n", omittingEmptySubsequences: false)
        let command = try #require(lines.first).dropFirst(2).split(separator: " ").map(String.init)
        #expect(command.first == "meshlint")
        let run = try await meshlint(Array(command.dropFirst()))
        #expect(run.status == 0)
        #expect(run.stdout == lines.dropFirst().joined(separator: "\n") + "\n")
        // The README's command runs too.
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("meshlint migrate examples/sidecar-migration --namespace payments --write-patch payments-ambient-patch.yaml"))
    }

    @Test("--format markdown keeps each trace as a list")
    func markdownTraces() async throws {
        let run = try await meshlint(["migrate", "examples/sidecar-migration", "--namespace", "payments", "--format", "markdown"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("## Moving namespace `payments` to ambient"))
        #expect(run.stdout.contains("\n  - today: allow\n    - "))
    }
}

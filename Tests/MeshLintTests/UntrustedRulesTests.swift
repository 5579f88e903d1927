import Foundation
import Testing

/// A repository's rules.d is written by whoever opens the pull request: its patterns must not
/// stall the scan, and what RE2 cannot match in linear time is refused when the rule loads.
@Suite("Untrusted custom rules")
struct UntrustedRulesTests {
    static func repository(pattern: String) throws -> URL {
        let root = try temporaryDirectory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let rules = root.appendingPathComponent(".meshlint/rules.d")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try """
            apiVersion: meshlint.io/v1alpha1
            kind: Rule
            metadata: {name: team-owner}
            spec:
              severity: error
              summary: Teams name an owner.
              rationale: Someone answers for it.
              remediation: Add an owner label.
              match: {kinds: [Namespace], labels: {team: {matches: '\(pattern)'}}}
              assert:
                - path: metadata.labels["owner"]
                  exists: true
            """.write(to: rules.appendingPathComponent("owner.yaml"), atomically: true, encoding: .utf8)
        try """
            apiVersion: v1
            kind: Namespace
            metadata: {name: slow, labels: {team: '\(String(repeating: "a", count: 28))!'}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: fast, labels: {team: aaaa}}
            """.write(to: root.appendingPathComponent("ns.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    @Test("(a+)+$ against 28 characters answers at once, completely, and rightly")
    func catastrophicPattern() async throws {
        let root = try Self.repository(pattern: "(a+)+$")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try await meshlint(["scan", ".", "--timeout", "30", "--format", "json"], directory: root)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(!run.stdout.contains("scan-incomplete"))
        #expect(run.stdout.components(separatedBy: "\"rule\": \"team-owner\"").count - 1 == 1)
        #expect(run.stdout.contains("Namespace fast"))
    }

    @Test("Lookaround and backreferences are refused when the rule loads, with exit 2", arguments: ["(?=a)a+", "(a)\\1"])
    func unsupportedSyntax(pattern: String) async throws {
        let root = try Self.repository(pattern: pattern)
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try await meshlint(["scan", "."], directory: root)
        #expect(run.status == 2)
        #expect(run.stderr.contains("owner.yaml:9:") && run.stderr.contains("is not a pattern MeshLint can match"))
        #expect(run.stderr.contains("not supported: custom-rule patterns use RE2 syntax"), "\(run.stderr)")
    }

    @Test("Exclude and custom-rule globs that backtrack exponentially elsewhere answer at once")
    func hostileGlobs() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let stars = String(repeating: "*a", count: 12) + "b"
        try "exclude: ['\(stars)']\nignore:\n  - rule: ambient-namespace-without-default-deny\n    paths: ['\(stars)']\n    reason: a test\n"
            .write(to: root.appendingPathComponent(".meshlint.yaml"), atomically: true, encoding: .utf8)
        try """
            apiVersion: v1
            kind: Namespace
            metadata: {name: \(String(repeating: "a", count: 60)), labels: {istio.io/dataplane-mode: ambient}}
            """.write(to: root.appendingPathComponent(String(repeating: "a", count: 50) + ".yaml"), atomically: true, encoding: .utf8)
        let run = try await meshlint(["scan", ".", "--timeout", "60", "--format", "json"], directory: root)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(!run.stdout.contains("scan-incomplete"))
        #expect(run.stdout.contains("ambient-namespace-without-default-deny"))
    }
}

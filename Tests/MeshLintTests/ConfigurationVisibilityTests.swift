import Foundation
import Testing

/// A pull request's `.meshlint.yaml` can silence a scan: what it changed is shown in text,
/// Markdown and SARIF, a nested file that replaces its parent is said to, and CI can pin a
/// configuration and fail when the repository's weakens it.
@Suite("The configuration in effect")
struct ConfigurationVisibilityTests {
    static let namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: pay, labels: {istio.io/dataplane-mode: ambient}}\n"

    static func repository(_ files: [String: String]) throws -> URL {
        let root = try temporaryDirectory()
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try write(files, under: root)
        return root
    }

    @Test("A nested exclude of everything is a warning and shows in every report, not a quiet 'no findings'")
    func nestedExcludeIsShown() async throws {
        let root = try Self.repository([
            ".meshlint.yaml": "rules: {peer-authentication-not-strict: {severity: error}}\n",
            "deploy/.meshlint.yaml": "exclude: ['**']\n",
            "deploy/ns.yaml": Self.namespace,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let text = try await meshlint(["scan", "deploy", "--no-color"], directory: root)
        #expect(text.status == 0)
        #expect(text.stderr.contains("warning: deploy/.meshlint.yaml replaces .meshlint.yaml"), "\(text.stderr)")
        #expect(text.stdout.contains("configuration: deploy/.meshlint.yaml"))
        #expect(text.stdout.contains("excluded: 1 file not read (exclude: **)"), "\(text.stdout)")
        let markdown = try await meshlint(["scan", "deploy", "--format", "markdown"], directory: root)
        #expect(markdown.stdout.contains("No findings in 0 files"))
        #expect(markdown.stdout.contains("### Configuration in effect"))
        #expect(markdown.stdout.contains("excluded: 1 file not read (exclude: \\*\\*)"), "\(markdown.stdout)")
        #expect(markdown.stdout.contains("notice: deploy/.meshlint.yaml replaces .meshlint.yaml"))
        let sarif = try await meshlint(["scan", "deploy", "--format", "sarif"], directory: root)
        let log = try #require(try JSONSerialization.jsonObject(with: sarif.stdoutData) as? [String: Any])
        let invocation = try #require(((log["runs"] as? [[String: Any]])?.first?["invocations"] as? [[String: Any]])?.first)
        let properties = try #require((invocation["properties"] as? [String: Any])?["meshlint/configuration"] as? [String: Any])
        #expect(properties["filesExcluded"] as? Int == 1)
        #expect(properties["configurationFile"] as? String == "deploy/.meshlint.yaml")
        #expect((invocation["toolConfigurationNotifications"] as? [Any])?.count == 1)
    }

    @Test("Disabled and re-levelled rules are SARIF rule configuration overrides and listed in text")
    func disabledAndRelevelled() async throws {
        let root = try Self.repository([
            ".meshlint.yaml": "rules: {ambient-namespace-without-default-deny: {enabled: false}, peer-authentication-not-strict: {severity: note}}\n",
            "ns.yaml": Self.namespace,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let text = try await meshlint(["scan", ".", "--no-color"], directory: root)
        #expect(text.stdout.contains("rules disabled (1): ambient-namespace-without-default-deny"))
        #expect(text.stdout.contains("severities changed (1): peer-authentication-not-strict warning -> note"))
        let sarif = try await meshlint(["scan", ".", "--format", "sarif"], directory: root)
        let log = try #require(try JSONSerialization.jsonObject(with: sarif.stdoutData) as? [String: Any])
        let invocation = try #require(((log["runs"] as? [[String: Any]])?.first?["invocations"] as? [[String: Any]])?.first)
        let overrides = try #require(invocation["ruleConfigurationOverrides"] as? [[String: Any]])
        let byRule = Dictionary(uniqueKeysWithValues: overrides.compactMap { item -> (String, [String: Any])? in
            guard let id = (item["descriptor"] as? [String: Any])?["id"] as? String, let configuration = item["configuration"] as? [String: Any]
            else { return nil }
            return (id, configuration)
        })
        #expect(byRule["ambient-namespace-without-default-deny"]?["enabled"] as? Bool == false)
        #expect(byRule["peer-authentication-not-strict"]?["level"] as? String == "note")
    }

    @Test("Pinned: a repository configuration that weakens the pinned one fails the run, saying how", arguments: [
        ("rules: {ambient-namespace-without-default-deny: {enabled: false}}", "it disables rule ambient-namespace-without-default-deny"),
        ("rules: {ambient-namespace-without-default-deny: {severity: note}}", "it lowers rule ambient-namespace-without-default-deny from error to note"),
        ("exclude: ['deploy/**']", "it adds exclude \"deploy/**\""),
        ("ignore: [{rule: peer-authentication-not-strict, reason: later}]", "it adds an ignore entry (rule peer-authentication-not-strict"),
    ])
    func pinnedWeakening(repositoryConfiguration: String, reason: String) async throws {
        let root = try Self.repository([".meshlint.yaml": repositoryConfiguration + "\n", "ns.yaml": Self.namespace])
        defer { try? FileManager.default.removeItem(at: root) }
        let pinned = root.deletingLastPathComponent().appendingPathComponent("pinned-\(UUID().uuidString).yaml")
        try "rules: {}\n".write(to: pinned, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: pinned) }
        let run = try await meshlint(["scan", ".", "--config", pinned.path, "--no-nested-config"], directory: root)
        #expect(run.status == 2)
        #expect(run.stderr.contains(".meshlint.yaml weakens the pinned configuration: \(reason)"), "\(run.stderr)")
        // Without pinning, the repository's configuration is simply used.
        #expect(try await meshlint(["scan", "."], directory: root).status != 2)
    }

    @Test("Pinned: a harmless repository configuration is compared and set aside; a repository baseline may not hide findings")
    func pinnedHarmlessAndBaseline() async throws {
        let root = try Self.repository([".meshlint.yaml": "trustDomain: cluster.local\n", "ns.yaml": Self.namespace])
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try await meshlint(["scan", ".", "--no-nested-config", "--no-color"], directory: root)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("configuration: none (pinned: --no-nested-config)"))
        #expect(run.stdout.contains("notice: .meshlint.yaml was compared with the pinned configuration (it weakens nothing) and not used"))
        let written = try await meshlint(["scan", ".", "--write-baseline", "baseline.json"], directory: root)
        #expect(written.status == 0)
        let baselined = try await meshlint(["scan", ".", "--no-nested-config", "--baseline", "baseline.json"], directory: root)
        #expect(baselined.status == 2)
        #expect(baselined.stderr.contains("the baseline baseline.json is in the repository and hides 2 findings"), "\(baselined.stderr)")
        // Unpinned, the same baseline is reported in the summary.
        let plain = try await meshlint(["scan", ".", "--baseline", "baseline.json", "--no-color"], directory: root)
        #expect(plain.status == 0 && plain.stdout.contains("baselined: 2 findings hidden by baseline.json"))
    }
}

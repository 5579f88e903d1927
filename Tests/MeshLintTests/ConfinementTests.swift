import Foundation
import Testing

/// A pull request controls the tree it is checked out as: links out of it and configuration paths
/// out of it are refused, in one place (`PathConfinement`), unless --allow-outside-repository.
@Suite("Paths outside the repository")
struct ConfinementTests {
    /// A repository `repo` (with .git) and, beside it, a directory `outside` holding a Secret and a
    /// rule file, as a runner's other files would be.
    static func layout() throws -> (root: URL, repo: URL, outside: URL) {
        let root = try temporaryDirectory()
        let repo = root.appendingPathComponent("repo")
        let outside = root.appendingPathComponent("outside")
        for directory in [repo.appendingPathComponent(".git"), outside] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        try """
            apiVersion: v1
            kind: Secret
            metadata: {name: runner-token, namespace: ci}
            stringData: {token: outside-secret-value}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: outside-ns, labels: {istio.io/dataplane-mode: ambient}}
            """.write(to: outside.appendingPathComponent("secret.yaml"), atomically: true, encoding: .utf8)
        try """
            apiVersion: meshlint.io/v1alpha1
            kind: Rule
            metadata: {name: outside-rule}
            spec:
              severity: error
              summary: Outside.
              rationale: Outside.
              remediation: Outside.
              match: {kinds: [Namespace]}
              assert:
                - {fact: ambient}
            """.write(to: outside.appendingPathComponent("rule.yaml"), atomically: true, encoding: .utf8)
        try "apiVersion: v1\nkind: Namespace\nmetadata: {name: inside}\n".write(
            to: repo.appendingPathComponent("ns.yaml"), atomically: true, encoding: .utf8)
        return (root, repo, outside)
    }

    @Test("A scan root that is a symlink out of the repository is refused; the option reads it")
    func symlinkedScanRoot() async throws {
        let (root, repo, outside) = try Self.layout()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createSymbolicLink(at: repo.appendingPathComponent("deploy"), withDestinationURL: outside)
        let run = try await meshlint(["scan", "deploy", "--format", "markdown"], directory: repo)
        #expect(run.status == 2)
        #expect(run.stderr.contains("path deploy resolves to") && run.stderr.contains("outside the repository"), "\(run.stderr)")
        #expect(!run.stdout.contains("runner-token") && !run.stdout.contains("outside-ns"))
        let allowed = try await meshlint(["scan", "deploy", "--allow-outside-repository", "--format", "json"], directory: repo)
        #expect(allowed.status == 1)
        #expect(allowed.stdout.contains("outside-ns"))
        // A file named on the command line, and the report command, likewise.
        try FileManager.default.createSymbolicLink(
            at: repo.appendingPathComponent("x.yaml"), withDestinationURL: outside.appendingPathComponent("secret.yaml"))
        #expect(try await meshlint(["scan", "x.yaml"], directory: repo).status == 2)
        #expect(try await meshlint(["report", "deploy"], directory: repo).status == 2)
        #expect(try await meshlint(["access", "matrix", "deploy"], directory: repo).status == 2)
    }

    @Test("rulesDirs outside the repository, absolute or by ../, are refused at the configuration", arguments: ["ABSOLUTE", "../outside"])
    func rulesDirectoriesOutside(entry: String) async throws {
        let (root, repo, outside) = try Self.layout()
        defer { try? FileManager.default.removeItem(at: root) }
        let named = entry == "ABSOLUTE" ? outside.path : entry
        try "rulesDirs: ['\(named)']\n".write(to: repo.appendingPathComponent(".meshlint.yaml"), atomically: true, encoding: .utf8)
        let run = try await meshlint(["scan", "."], directory: repo)
        #expect(run.status == 2)
        #expect(run.stderr.contains(".meshlint.yaml:1:1: rulesDirs entry") && run.stderr.contains("outside the repository"), "\(run.stderr)")
        #expect(!run.stdout.contains("outside-rule") && !run.stderr.contains("outside-rule"))
    }

    @Test("A .meshlint.yaml, a baseline or a rules.d that links out of the repository is refused")
    func linkedConfigurationBaselineAndRules() async throws {
        let (root, repo, outside) = try Self.layout()
        defer { try? FileManager.default.removeItem(at: root) }
        try "exclude: ['**']\n".write(to: outside.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        let link = repo.appendingPathComponent(".meshlint.yaml")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside.appendingPathComponent("config.yaml"))
        let config = try await meshlint(["scan", "."], directory: repo)
        #expect(config.status == 2 && config.stderr.contains("repo/.meshlint.yaml resolves to"), "\(config.stderr)")
        try FileManager.default.removeItem(at: link)

        try FileManager.default.createSymbolicLink(
            at: repo.appendingPathComponent("baseline.json"), withDestinationURL: outside.appendingPathComponent("secret.yaml"))
        let baseline = try await meshlint(["scan", ".", "--baseline", "baseline.json"], directory: repo)
        #expect(baseline.status == 2 && baseline.stderr.contains("baseline baseline.json resolves to"), "\(baseline.stderr)")

        try FileManager.default.createDirectory(at: repo.appendingPathComponent(".meshlint"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: repo.appendingPathComponent(".meshlint/rules.d"), withDestinationURL: outside)
        let rules = try await meshlint(["scan", "."], directory: repo)
        #expect(rules.status == 2 && rules.stderr.contains("rules directory") && rules.stderr.contains("outside the repository"), "\(rules.stderr)")
    }
}

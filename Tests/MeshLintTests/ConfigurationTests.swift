import Foundation
import MeshLintConfig
import Rules
import Testing
@testable import MeshLint

@Suite("Configuration file")
struct ConfigurationTests {
    @Test func readsEveryKey() throws {
        let configuration = try Configuration.parse(Array("""
            rootNamespace: mesh-root
            limits: {maxFileSize: 1000, maxDepth: 64, maxAliasExpansion: 500}
            identity:
              audiences:
                "https://login.microsoftonline.com/t/v2.0": [7d3c1a52-90e4-4b8f-a6d1-2f0e9c4b8a71]
                ledger.payments: [a, b]
            """.utf8), file: ".meshlint.yaml")
        #expect(configuration.rootNamespace == "mesh-root")
        #expect(configuration.limits == Configuration.Limits(maxFileSize: 1000, maxDepth: 64, maxAliasExpansion: 500))
        #expect(configuration.audiences["ledger.payments"]?.values == ["a", "b"])
        let settings = configuration.lintSettings(today: CalendarDate(year: 2026, month: 11, day: 27))
        #expect(settings.expectedAudiences["https://login.microsoftonline.com/t/v2.0"]?.values.count == 1)
        #expect(settings.expectedAudiences["ledger.payments"]?.file == ".meshlint.yaml")
        #expect(settings.expectedAudiences["ledger.payments"]?.span?.start.line == 6)
    }

    @Test(arguments: [
        ("rootNamespce: x\n", "1:1", "unknown key \"rootNamespce\""),
        ("limits: {maxDepth: -1}\n", "1:20", "limits.maxDepth must be a positive integer"),
        ("limits: {maxDepth: \"64\"}\n", "1:20", "limits.maxDepth must be a positive integer"),
        ("identity: {audiences: {ledger.payments: aud}}\n", "1:41", "must be a list of strings"),
        ("identity: {audience: {}}\n", "1:12", "unknown key \"audience\"; expected one of: audiences"),
        ("- a\n", "1:1", "expected a mapping"),
        ("a: [\n", "2:1", "did not find expected node content"),
    ])
    func rejectsWithPositionAndShape(_ text: String, _ position: String, _ message: String) {
        do {
            _ = try Configuration.parse(Array(text.utf8), file: "c.yaml")
            Issue.record("accepted \(text)")
        } catch let problem as Configuration.Problem {
            #expect("\(problem.mark.line):\(problem.mark.column)" == position)
            #expect(problem.message.contains(message), "\(problem.message)")
            #expect(problem.description.hasPrefix("c.yaml:\(position): "))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func emptyFileIsAnEmptyConfiguration() throws {
        #expect(try Configuration.parse([], file: "c.yaml").path == "c.yaml")
        #expect(try Configuration.parse(Array("# nothing yet\n".utf8), file: "c.yaml").audiences.isEmpty)
    }

    @Test func foundFromTheScannedPathUpward() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let nested = root.appendingPathComponent("a/b")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try "rootNamespace: x\n".write(to: root.appendingPathComponent(".meshlint.yaml"), atomically: true, encoding: .utf8)
        #expect(Configuration.find(from: nested.path) == root.appendingPathComponent(".meshlint.yaml").path)
    }

    @Test func invalidConfigurationIsExitTwoWithPosition() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try "identity:\n  audiences: [x]\n".write(to: root.appendingPathComponent(".meshlint.yaml"), atomically: true, encoding: .utf8)
        try "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n".write(
            to: root.appendingPathComponent("ns.yaml"), atomically: true, encoding: .utf8)
        let run = try await meshlint(["scan", root.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains(".meshlint.yaml:2:14: expected audiences:"), "\(run.stderr)")
        let explicit = try await meshlint(["scan", root.appendingPathComponent("ns.yaml").path, "--config", "/does/not/exist.yaml"])
        #expect(explicit.status == 2)
        #expect(explicit.stderr.contains("cannot read the configuration file"))
    }

    @Test func rootNamespaceFromTheConfigurationApplies() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try "rootNamespace: mesh-root\n".write(to: root.appendingPathComponent(".meshlint.yaml"), atomically: true, encoding: .utf8)
        try """
            apiVersion: v1
            kind: Namespace
            metadata: {name: a, labels: {istio.io/dataplane-mode: ambient}}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: deny-all, namespace: mesh-root}
            spec: {}
            """.write(to: root.appendingPathComponent("mesh.yaml"), atomically: true, encoding: .utf8)
        #expect(try await meshlint(["scan", root.path]).status == 0)
        // The command line wins over the file.
        #expect(try await meshlint(["scan", root.path, "--root-namespace", "istio-system"]).status == 1)
    }

    /// A reference to an object absent from the input is a note until the namespace is declared
    /// complete, on the command line or in the file; a severity override never raises the note.
    @Test func completeNamespacesTurnAbsenceIntoFindings() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {selector: {app: web}, ports: [{port: 80}]}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: p, namespace: shop}
            spec:
              targetRefs: [{kind: Service, group: "", name: orders}]
              rules: [{to: [{operation: {methods: [GET]}}]}]
            """.write(to: root.appendingPathComponent("shop.yaml"), atomically: true, encoding: .utf8)
        #expect(try await meshlint(["scan", root.path, "--disable", "l7-policy-without-waypoint"]).status == 0)
        #expect(try await meshlint(["scan", root.path, "--disable", "l7-policy-without-waypoint", "--complete", "shop"]).status == 1)
        try "rules: {policy-target-invalid: {severity: error}}\n"
            .write(to: root.appendingPathComponent(".meshlint.yaml"), atomically: true, encoding: .utf8)
        let overridden = try await meshlint(["scan", root.path, "--format", "json"])
        #expect(overridden.status == 0)
        #expect(overridden.stdout.contains("\"severity\": \"note\""))
        try "complete: [shop]\n".write(to: root.appendingPathComponent(".meshlint.yaml"), atomically: true, encoding: .utf8)
        #expect(try await meshlint(["scan", root.path, "--disable", "l7-policy-without-waypoint"]).status == 1)
    }
}

import Foundation
import Testing
@testable import Access
@testable import Migration
import YAMLModel

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Every YAML file of a directory of the repository (plus `extra` documents), as one index.
func meshIndex(directory: String, extra: [(String, String)] = []) throws -> MeshIndex {
    let url = packageRoot.appendingPathComponent(directory)
    var resources: [Resource] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: url.path).filter({ $0.hasSuffix(".yaml") }).sorted() {
        let data = try Data(contentsOf: url.appendingPathComponent(name))
        resources += ManifestLoader.load(path: "\(directory)/\(name)", bytes: Array(data)).resources
    }
    for (path, text) in extra {
        let file = ManifestLoader.load(path: path, bytes: Array(text.utf8))
        #expect(file.problems.isEmpty, "\(file.problems.map(\.message))")
        resources += file.resources
    }
    return MeshIndex(resources: resources)
}

/// A patch object's YAML read back as the cluster would get it.
func readBack(_ yaml: String) -> MeshIndex {
    let file = ManifestLoader.load(path: "patch.yaml", bytes: Array(yaml.utf8))
    #expect(file.problems.isEmpty, "\(file.problems.map(\.message))")
    return MeshIndex(resources: file.resources)
}

func meshIndex(_ yaml: String) -> MeshIndex {
    let file = ManifestLoader.load(path: "mesh.yaml", bytes: Array(yaml.utf8))
    #expect(file.problems.isEmpty, "\(file.problems.map(\.message))")
    return MeshIndex(resources: file.resources)
}

/// `meshlint migrate` on the sidecar-mode payments namespace of `examples/sidecar-migration`: a
/// selector L7 ALLOW for POST /ledger/v1/debit, a RequestAuthentication by selector, a
/// `selector: {}` DENY, an ambient caller in `accounts` and a sidecar caller in `legacy`.
@Suite("meshlint migrate")
struct MigrationTests {
    static let example = "examples/sidecar-migration"

    @Test("the raw move newly denies the debit; the patch keeps every outcome, and run again with it exits clean")
    func examplePatchKeepsAccess() throws {
        let index = try meshIndex(directory: Self.example)
        let report = try Migration.plan(index: index, namespace: "payments", waypoint: nil)

        #expect(report.move.waypoint?.name == "waypoint")
        #expect(report.move.waypoint?.isInInput == true)
        let denied = report.rawChanges.filter { !$0.isNewlyAllowed }
        #expect(denied.map(\.caller) == ["accounts/accounts"])
        #expect(denied.first?.request == "POST /ledger/v1/debit with a valid token, claims roles=Ledger.Debit")
        #expect(denied.first?.before.decision == .allow)
        #expect(denied.first?.after.trace.steps.contains { $0.message.contains("istiod leaves it out of ztunnel's policy") } == true)

        #expect(report.patchedChanges.isEmpty)
        #expect(report.keepsAccess)
        #expect(report.patchChangesToday.isEmpty)
        #expect(report.patch.map(\.name) == ["ledger-debit-waypoint", "ledger-debit-ztunnel", "deny-admin-waypoint", "ledger-jwt-waypoint"])
        #expect(report.deletions == [
            "AuthorizationPolicy payments/ledger-debit", "AuthorizationPolicy payments/deny-admin", "RequestAuthentication payments/ledger-jwt",
        ])
        #expect(report.sidecarCallers == ["legacy/batch: refused by ztunnel at the namespace's pods"])

        // Run again with the patch in the input: nothing new to add, and the move keeps access.
        let again = try Migration.plan(
            index: try meshIndex(directory: Self.example, extra: [("patch.yaml", report.patchYAML)]), namespace: "payments", waypoint: nil)
        #expect(again.patch.isEmpty)
        #expect(again.keepsAccess)
        #expect(again.policies.filter { $0.kind == .conversion }.count == 4)
    }

    @Test("each policy's change is named as the migration guide lists them")
    func policyChanges() throws {
        let report = try Migration.plan(index: try meshIndex(directory: Self.example), namespace: "payments", waypoint: nil)
        let kinds = Dictionary(uniqueKeysWithValues: report.policies.map { ($0.policy, $0.kind) })
        #expect(kinds["AuthorizationPolicy payments/ledger-debit"] == .l7MovesToWaypoint)
        #expect(kinds["AuthorizationPolicy payments/deny-admin"] == .emptySelector)
        #expect(kinds["RequestAuthentication payments/ledger-jwt"] == .authenticationNeedsWaypoint)
        #expect(report.steps.first?.isDone == true)
        // The guide's order: bind the waypoint, enable ambient, then turn injection off.
        let commands = report.steps.compactMap(\.command)
        let bind = try #require(commands.firstIndex { $0.hasPrefix("kubectl label namespace payments istio.io/use-waypoint=waypoint") })
        let enable = try #require(commands.firstIndex { $0.hasPrefix("kubectl label namespace payments istio.io/dataplane-mode=ambient") })
        let injectionOff = try #require(commands.firstIndex { $0 == "kubectl label namespace payments istio-injection-" })
        #expect(bind < enable && enable < injectionOff)
        #expect(report.windowChanges.isEmpty)
    }

    @Test("the patch's YAML reads back as the objects it names, with the rules at the waypoint and the waypoint admitted at ztunnel")
    func patchReadsBack() throws {
        let report = try Migration.plan(index: try meshIndex(directory: Self.example), namespace: "payments", waypoint: nil)
        let file = ManifestLoader.load(path: "patch.yaml", bytes: Array(report.patchYAML.utf8))
        #expect(file.problems.isEmpty)
        let index = MeshIndex(resources: file.resources)
        let atWaypoint = try #require(index.authorizationPolicies(in: "payments").first { $0.name == "ledger-debit-waypoint" })
        #expect(atWaypoint.targetRefs.map(\.nameValue) == ["ledger"])
        #expect(atWaypoint.rules.first?.operations.first?.field("paths")?.values.map(\.value) == ["/ledger/v1/debit"])
        let atZtunnel = try #require(index.authorizationPolicies(in: "payments").first { $0.name == "ledger-debit-ztunnel" })
        #expect(atZtunnel.rules.first?.sources.first?.field("principals")?.values.map(\.value) == ["cluster.local/ns/payments/sa/waypoint"])
        #expect(atZtunnel.selector?.matchLabels.map(\.value) == ["ledger"])
    }

    @Test("a sidecar caller the L7 rule admits today is refused after the move: listed, and the exit is not clean")
    func allowedSidecarCallerCannotBeKept() throws {
        let yaml = try String(contentsOf: packageRoot.appendingPathComponent("\(Self.example)/policies.yaml"), encoding: .utf8)
            .replacingOccurrences(
                of: #"principals: ["cluster.local/ns/accounts/sa/accounts"]"#,
                with: #"principals: ["cluster.local/ns/accounts/sa/accounts", "cluster.local/ns/legacy/sa/batch"]"#)
        let others = try ["namespaces.yaml", "workloads.yaml"].map {
            try String(contentsOf: packageRoot.appendingPathComponent("\(Self.example)/\($0)"), encoding: .utf8)
        }
        let report = try Migration.plan(index: meshIndex((others + [yaml]).joined(separator: "\n---\n")), namespace: "payments", waypoint: nil)
        #expect(!report.keepsAccess)
        let lost = report.patchedChanges.filter { $0.caller == "legacy/batch" }
        #expect(!lost.isEmpty && lost.allSatisfy { !$0.isNewlyAllowed })
        #expect(lost.first?.after.trace.steps.contains { $0.message.contains("the caller's pods run a sidecar") } == true)
    }

    @Test("a pod port in a rule is read as the Service port that forwards to it")
    func portsAreTranslated() throws {
        let index = meshIndex("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {istio-injection: enabled}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec:
              template:
                metadata: {labels: {app: api}}
                spec:
                  serviceAccountName: api
                  containers: [{name: api, ports: [{name: http, containerPort: 8080}]}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: shop}
            spec: {selector: {app: api}, ports: [{name: http, port: 80, targetPort: http}]}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: api-get, namespace: shop}
            spec:
              selector: {matchLabels: {app: api}}
              rules:
              - from: [{source: {namespaces: [shop]}}]
                to: [{operation: {methods: [GET], ports: ["8080"]}}]
            """)
        let report = try Migration.plan(index: index, namespace: "shop", waypoint: nil)
        #expect(report.move.waypoint?.isInInput == false)
        #expect(report.patch.first?.kind == "Gateway")
        let yaml = try #require(report.patch.first { $0.name == "api-get-waypoint" }?.yaml)
        let policy = try #require(readBack(yaml)
            .authorizationPolicies(in: "shop").first)
        #expect(policy.rules.first?.operations.first?.field("ports")?.values.map(\.value) == ["80"])
        #expect(report.keepsAccess)
    }

    @Test("hostile values are written quoted and read back unchanged")
    func hostileValuesStayValues() throws {
        let hostile = "x\"\n---\nkind: Secret\u{7}"
        let index = meshIndex("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {istio-injection: enabled}}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: deny-odd, namespace: shop}
            spec:
              selector: {}
              action: DENY
              rules:
              - to: [{operation: {paths: [\(YAMLWriter.quoted(hostile))]}}]
            """)
        let report = try Migration.plan(index: index, namespace: "shop", waypoint: nil)
        let file = ManifestLoader.load(path: "patch.yaml", bytes: Array(report.patchYAML.utf8))
        #expect(file.problems.isEmpty)
        #expect(!file.resources.contains { $0.kind == "Secret" })
        let policy = try #require(MeshIndex(resources: file.resources).authorizationPolicies(in: "shop").first { $0.name == "deny-odd-waypoint" })
        #expect(policy.rules.first?.operations.first?.field("paths")?.values.map(\.value) == [hostile])
    }

    @Test("a namespace already in ambient, or not in the input, is a usage error")
    func usageErrors() throws {
        let index = meshIndex("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient}}
            """)
        #expect(throws: MigrationError.self) { try Migration.plan(index: index, namespace: "shop", waypoint: nil) }
        #expect(throws: MigrationError.self) { try Migration.plan(index: index, namespace: "nowhere", waypoint: nil) }
    }
}

import Rules
import Testing
import YAMLModel

/// The same object twice in one scan: reported at every copy, and what the copies disagree on is
/// unknown, never decided by path order (issue 18, cause 8).
@Suite("duplicate resources")
struct DuplicateResourceTests {
    static let ambient = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}}
        """
    static let plain = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: payments, labels: {istio.io/use-waypoint: waypoint}}
        """
    static let workload = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ledger, namespace: payments}
        spec:
          template:
            metadata: {labels: {app: ledger}}
        """

    /// The findings of `rule` on the documents as two files, in this order.
    static func scan(_ first: String, _ second: String, rule: String) -> [Finding] {
        let files = [
            ManifestLoader.load(path: "a.yaml", bytes: Array(first.utf8)),
            ManifestLoader.load(path: "b.yaml", bytes: Array((second + "\n---\n" + workload).utf8)),
        ]
        return RuleCatalog.rule(withID: rule)!.init().check(LintContext(files: files))
    }

    @Test func fileOrderDecidesNothing() throws {
        for (first, second) in [(Self.ambient, Self.plain), (Self.plain, Self.ambient)] {
            #expect(Self.scan(first, second, rule: "ambient-namespace-without-default-deny").isEmpty)
            let duplicates = Self.scan(first, second, rule: "duplicate-resource")
            #expect(duplicates.map(\.file) == ["a.yaml", "b.yaml"])
            #expect(duplicates.allSatisfy { $0.severity == .note && $0.message.contains("(labels istio.io/dataplane-mode) as unknown") })
            #expect(duplicates.first?.related.map(\.file) == ["b.yaml"])
            let note = try #require(Self.scan(first, second, rule: "namespace-not-in-input").first)
            #expect(note.message.contains("Namespace payments is written 2 times in the input with different labels"))
        }
    }

    @Test func agreeingCopiesKeepWhatTheyAgreeOn() throws {
        let other = Self.ambient.replacingOccurrences(of: ", istio.io/use-waypoint: waypoint", with: "")
        let found = Self.scan(Self.ambient, other, rule: "ambient-namespace-without-default-deny")
        #expect(found.count == 1)
        let files = [ManifestLoader.load(path: "a.yaml", bytes: Array((Self.ambient + "\n---\n" + other + "\n---\n" + Self.workload).utf8))]
        let index = MeshIndex(resources: files.flatMap(\.resources))
        let workload = try #require(index.workloads.first)
        // Whether the namespace's pods use the waypoint is what the copies disagree on.
        #expect(index.binding(of: workload.resource).isBound == nil)
        #expect(index.namespace("payments").dataplaneMode == .ambient)
    }

    @Test func identicalCopiesAreSaidToBeTheSame() {
        let found = Self.scan(Self.ambient, Self.ambient, rule: "duplicate-resource")
        #expect(found.count == 2)
        #expect(found.allSatisfy { $0.message.hasSuffix("The copies are the same.") })
    }

    @Test func servicesWithDifferentWaypointLabelsLeaveTheTargetUnknown() throws {
        func service(_ label: String) -> String {
            """
            apiVersion: v1
            kind: Service
            metadata: {name: ledger, namespace: payments, labels: {\(label)}}
            spec: {selector: {app: ledger}, ports: [{port: 80}]}
            """
        }
        let policyYAML = """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: p, namespace: payments}
            spec:
              targetRefs: [{kind: Service, group: "", name: ledger}]
              rules: [{to: [{operation: {methods: [GET]}}]}]
            """
        let yaml = [Self.ambient, service("istio.io/use-waypoint: none"), service("app: ledger"), policyYAML].joined(separator: "\n---\n")
        let index = MeshIndex(resources: ManifestLoader.load(path: "x.yaml", bytes: Array(yaml.utf8)).resources)
        let policy = try #require(index.authorizationPolicies.first)
        let target = try #require(index.attachment(of: policy).targets.first)
        guard case .unresolved = target.outcome else {
            Issue.record("expected an unresolved target, got \(target.outcome)")
            return
        }
    }

    @Test func gatewaysThatDifferLeaveTheWaypointUnknown() throws {
        func gateway(_ className: String) -> String {
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: waypoint, namespace: payments}
            spec:
              gatewayClassName: \(className)
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            """
        }
        let service = """
            apiVersion: v1
            kind: Service
            metadata: {name: ledger, namespace: payments, labels: {istio.io/use-waypoint: waypoint}}
            spec: {selector: {app: ledger}, ports: [{port: 80}]}
            """
        for classes in [("istio-waypoint", "istio"), ("istio", "istio-waypoint")] {
            let yaml = [gateway(classes.0), gateway(classes.1), service].joined(separator: "\n---\n")
            let index = MeshIndex(resources: ManifestLoader.load(path: "x.yaml", bytes: Array(yaml.utf8)).resources)
            let bound = try #require(index.services.first)
            #expect(index.binding(of: bound.resource).isBound == nil)
            #expect(index.waypoints.isEmpty)
        }
        let same = [gateway("istio-waypoint"), gateway("istio-waypoint"), service].joined(separator: "\n---\n")
        let index = MeshIndex(resources: ManifestLoader.load(path: "x.yaml", bytes: Array(same.utf8)).resources)
        #expect(index.binding(of: try #require(index.services.first).resource).isBound == true)
    }
}

import Rules
import Testing
import YAMLModel

@Suite("waypoint-traffic-type-mismatch")
struct WaypointTrafficTypeMismatchRuleTests {
    static let id = "waypoint-traffic-type-mismatch"

    static func namespace(waypointFor: String) -> String {
        """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: payments
          labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: waypoint
          namespace: payments
          labels: {istio.io/waypoint-for: \(waypointFor)}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ledger, namespace: payments}
        spec: {selector: {app: ledger}, ports: [{port: 8080}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: accounts, namespace: payments}
        spec: {selector: {app: accounts}, ports: [{port: 8080}]}
        ---

        """ + ExampleFixtures.ledgerDeployment
    }

    @Test func aNamespaceBoundToANoneWaypointIsReportedOnce() throws {
        let found = findings(of: Self.id, in: Example(Self.namespace(waypointFor: "none"))).findings
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.resource?.display == "Namespace payments")
        #expect(finding.related.map(\.message) == ["istio.io/waypoint-for: none on waypoint payments/waypoint"])
        #expect(finding.remediation.contains("kubectl label gateway waypoint -n payments istio.io/waypoint-for=service --overwrite"))
    }

    @Test func aNamespaceBoundToAWorkloadWaypointNamesTheServicesLeftWithout() throws {
        let finding = try #require(findings(of: Self.id, in: Example(Self.namespace(waypointFor: "workload"))).findings.first)
        #expect(finding.message.contains("(Service payments/ledger, Service payments/accounts)"))
        // Keep the workload traffic it takes today.
        #expect(finding.remediation.contains("istio.io/waypoint-for=all"))
    }

    @Test func anotherWaypointThatTakesTheTrafficIsOffered() throws {
        let yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: pod-waypoint
              namespace: payments
              labels: {istio.io/waypoint-for: workload}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: svc-waypoint, namespace: payments}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: ledger
              namespace: payments
              labels: {istio.io/use-waypoint: pod-waypoint}
            spec: {selector: {app: ledger}, ports: [{port: 8080}]}
            """
        let finding = try #require(findings(of: Self.id, in: Example(yaml)).findings.first)
        #expect(finding.remediation.contains("Or bind to a waypoint that takes it (payments/svc-waypoint"))
        #expect(finding.remediation.contains("istio.io/use-waypoint: svc-waypoint"))
    }
}

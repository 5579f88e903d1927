import Rules
import Testing
import YAMLModel

@Suite("waypoint-listener-invalid")
struct WaypointListenerInvalidRuleTests {
    static let id = "waypoint-listener-invalid"

    static func client(_ namespace: String) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: ledger
          namespace: \(namespace)
          labels: {istio.io/use-waypoint: shared-waypoint, istio.io/use-waypoint-namespace: mesh-infra}
        spec: {selector: {app: ledger}, ports: [{port: 8080}]}
        ---

        """
    }

    @Test func withoutAnHBONEListenerOnlyTheGatewayIsReportedAndItsFixAdmitsTheClients() throws {
        let yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: shared-waypoint, namespace: mesh-infra}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HTTP}]
            ---

            """ + Self.client("payments") + Self.client("orders")
        let found = findings(of: Self.id, in: Example(yaml)).findings
        #expect(found.map(\.resource?.display) == ["Gateway mesh-infra/shared-waypoint"])
        let finding = try #require(found.first)
        #expect(finding.message.contains("namespace orders, namespace payments"))
        #expect(finding.remediation.contains("operator: In\n            values: [orders, payments]"))
    }

    @Test func eachRefusedClientGetsAFixAdmittingEveryRefusedNamespace() {
        let yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: shared-waypoint, namespace: mesh-infra}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            ---

            """ + Self.client("payments") + Self.client("orders")
        let found = findings(of: Self.id, in: Example(yaml)).findings
        #expect(found.map(\.resource?.display) == ["Service payments/ledger", "Service orders/ledger"])
        for finding in found {
            #expect(finding.remediation.contains("values: [orders, payments]"))
            #expect(finding.related.first?.message == "listener mesh of waypoint mesh-infra/shared-waypoint does not allow namespace \(finding.resource?.namespace ?? "")")
        }
    }
}

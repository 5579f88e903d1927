import Rules
import Testing
import YAMLModel

@Suite("unknown-waypoint")
struct UnknownWaypointRuleTests {
    static let id = "unknown-waypoint"

    @Test func aBadNamespaceLabelIsReportedOnceWhateverInheritsIt() {
        let yaml = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: payments
              labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}
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
            """ + "\n" + ExampleFixtures.ledgerDeployment
        let found = findings(of: Self.id, in: Example(yaml)).findings
        #expect(found.map(\.resource?.display) == ["Namespace payments"])
    }

    @Test func aTypoListsTheNamespacesWaypointsAndKeepsTheCrossNamespaceLabel() throws {
        let yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: shared-waypoint, namespace: mesh-infra}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE, allowedRoutes: {namespaces: {from: All}}}]
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: ledger
              namespace: payments
              labels: {istio.io/use-waypoint: shared-waypiont, istio.io/use-waypoint-namespace: mesh-infra}
            spec: {selector: {app: ledger}, ports: [{port: 8080}]}
            """
        let finding = try #require(findings(of: Self.id, in: Example(yaml)).findings.first)
        #expect(finding.message.contains("namespace mesh-infra is, with waypoint shared-waypoint"))
        #expect(finding.related.map(\.message).contains("waypoint mesh-infra/shared-waypoint is in the input"))
        #expect(finding.remediation.contains("""
            # Service payments/ledger
            metadata:
              labels:
                istio.io/use-waypoint: shared-waypoint
                istio.io/use-waypoint-namespace: mesh-infra
            """))
    }

    @Test func anIstioIngressGatewayAsTheWaypointIsAWarning() throws {
        let yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: waypoint, namespace: payments}
            spec:
              gatewayClassName: istio
              listeners: [{name: http, port: 80, protocol: HTTP}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: ledger, namespace: payments}
            spec:
              template:
                metadata: {labels: {app: ledger, istio.io/use-waypoint: waypoint}}
            """
        let finding = try #require(findings(of: Self.id, in: Example(yaml)).findings.first)
        #expect(finding.severity == .warning)
        #expect(finding.message.contains("class istio is Istio's ingress and egress gateway"))
        #expect(finding.related.first?.message == "Gateway payments/waypoint, of class istio")
        #expect(finding.remediation.contains("ambient.istio.io/waypoint-inbound-binding: PROXY/15088"))
    }
}

import Rules
import Testing
import YAMLModel

/// Namespace `edge` with the Istio ingress Gateway `public` (class `istio`) and Deployment `web`.
let edgeWithIstioGateway = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: edge, labels: {istio.io/dataplane-mode: ambient}}
    ---
    apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    metadata: {name: public, namespace: edge}
    spec:
      gatewayClassName: istio
      listeners: [{name: http, port: 80, protocol: HTTP}]
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: edge}
    spec:
      template:
        metadata: {labels: {app: web}}
    ---

    """

@Suite("selector-matches-no-workload")
struct SelectorMatchesNoWorkloadRuleTests {
    static let id = "selector-matches-no-workload"

    @Test func istioGatewayPodsAreSelectedByTheirGatewayName() {
        let example = Example(edgeWithIstioGateway + """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ingress-allow, namespace: edge}
            spec:
              selector: {matchLabels: {gateway.networking.k8s.io/gateway-name: public}}
              rules: [{from: [{source: {ipBlocks: [203.0.113.0/24]}}]}]
            """)
        #expect(findings(of: Self.id, in: example).findings.isEmpty)
    }

    @Test func unrelatedWorkloadsAreListedNotSuggested() throws {
        let example = Example(edgeWithIstioGateway + """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: orders-strict, namespace: edge}
            spec:
              selector: {matchLabels: {app: orders}}
              mtls: {mode: STRICT}
            """)
        let finding = try #require(findings(of: Self.id, in: example).findings.first)
        #expect(!finding.message.contains("Closest"))
        #expect(finding.related.map(\.message) == ["the pods of Deployment edge/web have app=web, not orders"])
        #expect(finding.remediation.contains("Deployment edge/web: app=web"))
    }

    @Test func aMisspeltValueIsSuggestedWithItsFix() throws {
        let example = Example(edgeWithIstioGateway + """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: web-allow, namespace: edge}
            spec:
              selector: {matchLabels: {app: wbe}}
            """)
        let finding = try #require(findings(of: Self.id, in: example).findings.first)
        #expect(finding.message.hasSuffix("Closest: Deployment edge/web, whose pods have app=web."))
        #expect(finding.remediation.hasSuffix("selector:\n    matchLabels:\n      app: web"))
    }
}

import Rules
import Testing
import YAMLModel

@Suite("ingress-bypasses-waypoint")
struct IngressBypassesWaypointRuleTests {
    static let id = "ingress-bypasses-waypoint"

    static func input(namespace: String?, policyAnnotations: String = "{}") -> String {
        (namespace ?? "") + """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: payments-waypoint, namespace: payments}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: ledger
              namespace: payments
              labels: {istio.io/use-waypoint: payments-waypoint}
            spec: {selector: {app: ledger}, ports: [{port: 8080}]}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ledger-get, namespace: payments, annotations: \(policyAnnotations)}
            spec:
              targetRefs: [{kind: Service, group: "", name: ledger}]
              rules:
              - to: [{operation: {methods: [GET]}}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: public, namespace: payments}
            spec:
              gatewayClassName: istio
              listeners: [{name: http, port: 80, protocol: HTTP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: ledger, namespace: payments}
            spec:
              parentRefs: [{name: public}]
              rules:
              - matches: [{path: {type: PathPrefix, value: /v1}}]
                backendRefs: [{name: ledger, port: 8080}]
              - matches: [{path: {type: PathPrefix, value: /v2}}]
                backendRefs: [{name: ledger, port: 8080}]
            """
    }

    static let ambientNamespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: payments
          labels: {istio.io/dataplane-mode: ambient}
        ---

        """

    @Test func oneFindingPerRouteWithTheServiceLabelAsFix() throws {
        let found = findings(of: Self.id, in: Example(Self.input(namespace: Self.ambientNamespace))).findings
        #expect(found.count == 1)
        let finding = try #require(found.first)
        #expect(finding.resource?.display == "HTTPRoute payments/ledger")
        #expect(finding.related.map(\.resource?.display) == [
            "AuthorizationPolicy payments/ledger-get", "Gateway payments/public", "Service payments/ledger",
        ])
        #expect(finding.remediation.contains("kubectl label service ledger -n payments istio.io/ingress-use-waypoint=true --overwrite"))
    }

    /// Without the Namespace object, its labels may carry `istio.io/ingress-use-waypoint: "true"`.
    @Test func anUnknownNamespaceCannotBeJudged() {
        #expect(findings(of: Self.id, in: Example(Self.input(namespace: nil))).findings.isEmpty)
    }

    @Test func aDryRunPolicyEnforcesNothingToSkip() {
        let yaml = Self.input(namespace: Self.ambientNamespace, policyAnnotations: #"{istio.io/dry-run: "true"}"#)
        #expect(findings(of: Self.id, in: Example(yaml)).findings.isEmpty)
    }
}

import Rules
import Testing
import YAMLModel

/// An ALLOW that admits every caller is the design of an ingress gateway, and the usual way to let
/// the API server reach an admission webhook (issue 18, cause 7).
@Suite("open by design")
struct OpenByDesignTests {
    static let meshDeny = """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: allow-nothing, namespace: istio-system}
        spec: {}
        ---

        """

    @Test(arguments: [
        "{app: istio-ingressgateway, istio: ingressgateway}",
        "{gateway.networking.k8s.io/gateway-name: public-ingressgateway}",
    ])
    func anIngressGatewayMustAdmitExternalClients(_ labels: String) {
        let example = Example(Self.meshDeny + """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ingress, namespace: istio-system}
            spec:
              selector: {matchLabels: \(labels)}
              rules: [{}]
            """)
        #expect(findings(of: "overly-broad-allow", in: example).findings.isEmpty)
    }

    @Test func anApplicationAllowingEveryoneIsStillReported() {
        let example = Example(Self.meshDeny + """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: metadata, namespace: kubeflow}
            spec:
              selector: {matchLabels: {app: metadata-grpc}}
              rules: [{}]
            """)
        #expect(findings(of: "overly-broad-allow", in: example).findings.map(\.severity) == [.warning])
    }

    @Test func anAdmissionWebhookServerIsANote() throws {
        let example = Example(Self.meshDeny + """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: poddefaults, namespace: kubeflow}
            spec:
              template:
                metadata: {labels: {app: poddefaults}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: admission-webhook-service, namespace: kubeflow}
            spec: {selector: {app: poddefaults}, ports: [{port: 443, targetPort: 4443}]}
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: MutatingWebhookConfiguration
            metadata: {name: admission-webhook}
            webhooks:
            - name: poddefaults.kubeflow.org
              clientConfig:
                service: {name: admission-webhook-service, namespace: kubeflow, path: /apply-poddefault}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: webhook-allow-all, namespace: kubeflow}
            spec:
              selector: {matchLabels: {app: poddefaults}}
              rules: [{}]
            """)
        let found = findings(of: "overly-broad-allow", in: example).findings
        #expect(found.map(\.severity) == [.note])
        let note = try #require(found.first)
        #expect(note.message.contains("MutatingWebhookConfiguration admission-webhook sends admission requests"))
        #expect(note.related.contains { $0.message.contains("admission-webhook-service") })
    }
}

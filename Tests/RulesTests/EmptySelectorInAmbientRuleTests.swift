import Rules
import Testing
import YAMLModel

@Suite("empty-selector-in-ambient")
struct EmptySelectorInAmbientRuleTests {
    @Test("the message says what the policy no longer does, and which sidecar pods it still covers")
    func messageNamesTheEffectAndTheSidecarPods() throws {
        let example = Example("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {istio-injection: enabled}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: cart, namespace: shop}
            spec:
              template:
                metadata: {labels: {app: cart, istio.io/dataplane-mode: ambient, sidecar.istio.io/inject: "false"}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              template:
                metadata: {labels: {app: web}}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: deny-all, namespace: shop}
            spec:
              selector: {}
            """)
        let finding = try #require(findings(of: "empty-selector-in-ambient", in: example).findings.first)
        #expect(finding.message.contains("the allow-nothing blocks nothing for namespace shop's ambient workloads"))
        #expect(finding.message.contains("it still applies to the sidecar pods (Deployment shop/web)"))
        #expect(finding.related.first?.message == "the pods of Deployment shop/cart are in ambient")
        #expect(finding.remediation.contains(#"kubectl patch authorizationpolicy deny-all -n shop --type json -p '[{"op": "remove", "path": "/spec/selector"}]'"#))
    }

    @Test("a selector: {} in the root namespace is reported when any namespace is in ambient")
    func rootNamespace() throws {
        let example = Example("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: deny-debug, namespace: istio-system}
            spec:
              selector: {}
              action: DENY
              rules: [{to: [{operation: {ports: ["15000"]}}]}]
            """)
        let finding = try #require(findings(of: "empty-selector-in-ambient", in: example).findings.first)
        #expect(finding.message.contains("the DENY denies nothing for any ambient workload of the mesh"))
    }

    @Test("ambient-namespace-without-default-deny names the empty-selector deny-all as what it is")
    func defaultDenyNamesTheEmptySelector() throws {
        let example = Example("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: deny-all, namespace: payments}
            spec: {selector: {}}
            """)
        let finding = try #require(findings(of: "ambient-namespace-without-default-deny", in: example).findings.first)
        #expect(finding.related.contains { $0.message.contains("uses `selector: {}`: in ambient it attaches to no workload") })
    }

    @Test("a name a shell could misread gets no command in the fix")
    func hostileNameGetsNoCommand() throws {
        let example = Example("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: "x;rm -rf ~", namespace: payments}
            spec: {selector: {}}
            """)
        let finding = try #require(findings(of: "empty-selector-in-ambient", in: example).findings.first)
        #expect(!finding.remediation.contains("kubectl"))
    }
}

import Rules
import Testing
import YAMLModel

@Suite("overly-broad-allow")
struct OverlyBroadAllowRuleTests {
    static let id = "overly-broad-allow"

    @Test func aBroadPolicyBeforeTheDefaultDenyIsStillReported() throws {
        let example = Example(ExampleFixtures.ambientPayments + """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: allow-mesh, namespace: payments}
            spec:
              rules: [{from: [{source: {principals: ["*"]}}]}]
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: default-deny, namespace: payments}
            spec: {}
            """)
        let found = findings(of: Self.id, in: example).findings
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.resource?.name == "allow-mesh")
        #expect(finding.related.first?.resource?.name == "default-deny")
        #expect(finding.message.hasPrefix("AuthorizationPolicy payments/allow-mesh admits every workload of the mesh"))
    }

    @Test func policiesEnforcedNowhereAreLeftToOtherRules() {
        let example = Example(ExampleFixtures.ambientPayments + """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: default-deny, namespace: payments}
            spec: {}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: ledger, namespace: payments}
            spec: {selector: {app: ledger}}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ledger-open, namespace: payments}
            spec:
              targetRefs: [{kind: Service, group: "", name: ledger}]
              rules: [{}]
            """)
        #expect(findings(of: Self.id, in: example).findings.isEmpty)
    }

    @Test func aMeshWideBroadAllowIsToBeDeleted() throws {
        let example = Example("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: mesh-default-deny, namespace: istio-system}
            spec: {}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: mesh-allow-all, namespace: istio-system}
            spec:
              rules: [{}]
            """)
        let finding = try #require(findings(of: Self.id, in: example).findings.first)
        #expect(finding.message.contains("to every workload of the mesh"))
        #expect(finding.remediation.hasPrefix("Delete AuthorizationPolicy istio-system/mesh-allow-all"))
    }
}

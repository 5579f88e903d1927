import Rules
import Testing
import YAMLModel

@Suite("unknown-principal")
struct UnknownPrincipalRuleTests {
    static let id = "unknown-principal"

    @Test func istioGatewayAccountsExist() {
        let example = Example(edgeWithIstioGateway + """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: web-allow, namespace: edge}
            spec:
              selector: {matchLabels: {app: web}}
              rules: [{from: [{source: {principals: [cluster.local/ns/edge/sa/public-istio]}}]}]
            """)
        #expect(findings(of: Self.id, in: example).findings.isEmpty)
    }

    @Test func reportsEachBadValueOnceAtTheValue() throws {
        let example = Example(edgeWithIstioGateway + """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: web-allow, namespace: edge}
            spec:
              rules:
              - from:
                - source:
                    principals: [cluster.local/ns/edge/sa/pubic-istio, spiffe.example/ns/edge/sa/web]
                    namespaces: [edge, partner, egde]
            """)
        let found = findings(of: Self.id, in: example).findings
        // `partner` is not in the input: unknown, not missing. `egde` is a misspelling of `edge`.
        #expect(found.map(\.fieldPath) == [
            "spec.rules[0].from[0].source.principals[0]", "spec.rules[0].from[0].source.principals[1]",
            "spec.rules[0].from[0].source.namespaces[2]",
        ])
        let typo = try #require(found.first)
        #expect(typo.message.contains("Did you mean cluster.local/ns/edge/sa/public-istio?"))
        #expect(typo.related.first?.message == "istiod runs Gateway edge/public as ServiceAccount edge/public-istio")
        #expect(found[1].message.contains("trust domain spiffe.example is not the mesh's (cluster.local)"))
        #expect(found[2].message.contains("egde"))
    }

    @Test func suggestsOnlyNearNames() throws {
        let example = Example(edgeWithIstioGateway + """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: web-allow, namespace: edge}
            spec:
              rules: [{from: [{source: {serviceAccounts: [orders, edge/defualt]}}]}]
            """)
        let found = findings(of: Self.id, in: example).findings
        #expect(found.count == 2)
        #expect(!found[0].message.contains("Did you mean"))
        #expect(found[1].message.hasSuffix("Did you mean edge/default?"))
    }
}

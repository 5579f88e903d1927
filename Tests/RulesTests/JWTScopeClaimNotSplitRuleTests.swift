import Rules
import Testing
import YAMLModel

@Suite("jwt-scope-claim-not-split")
struct JWTScopeClaimNotSplitRuleTests {
    @Test func remediationAddsScpToTheExistingJwtRule() throws {
        let example = Example("""
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: orders-jwt, namespace: orders}
            spec:
              selector: {matchLabels: {app: orders}}
              jwtRules:
              - issuer: https://login.microsoftonline.com/6f1c2a4e-8b3d-4c71-9a5e-2d7f0b9c1e38/v2.0
                spaceDelimitedClaims: [groups]
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: orders-write, namespace: orders}
            spec:
              selector: {matchLabels: {app: orders}}
              rules:
              - when: [{key: "request.auth.claims[scp]", values: [orders.write]}]
              - when: [{key: "request.auth.claims[scp]", notValues: [orders.admin]}]
            """)
        let found = findings(of: "jwt-scope-claim-not-split", in: example).findings
        #expect(found.count == 2)
        #expect(found.first?.remediation.contains(#"spaceDelimitedClaims: ["groups", "scp"]"#) == true)
        #expect(found.first?.remediation.contains("request.auth.claims[roles]") == true)
        #expect(found.first?.message.contains("carry `roles`, not `scp`") == true)
        #expect(found.last?.message.contains("`notValues: [orders.admin]` excludes only") == true)
        #expect(found.first?.related.map(\.resource?.name) == ["orders-jwt"])
    }

    @Test func nestedAndOtherClaimsAreIgnored() throws {
        let example = Example("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: orders-write, namespace: orders}
            spec:
              rules:
              - when:
                - {key: "request.auth.claims[ext][scp]", values: [orders.write]}
                - {key: "request.auth.claims[scope]", values: [orders.write]}
            """)
        #expect(findings(of: "jwt-scope-claim-not-split", in: example).findings.isEmpty)
    }
}

import Rules
import Testing
import YAMLModel

/// An access case says where its token travels (`request.tokenIn`), as `access --token-in` does.
@Suite("Access expectations: where the token travels")
struct AccessExpectationTokenLocationTests {
    static func mesh(tokenIn: String?) -> Example {
        Example(ExampleFixtures.paymentsWithWaypoint + ExampleFixtures.ledgerDeployment + """
            apiVersion: v1
            kind: Service
            metadata: {name: ledger, namespace: payments}
            spec: {selector: {app: ledger}, ports: [{name: http, port: 8080}]}
            ---
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: ledger-jwt, namespace: payments}
            spec:
              targetRefs: [{kind: Service, group: "", name: ledger}]
              jwtRules:
              - issuer: https://issuer.example.com
                fromHeaders: [{name: x-jwt}]
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ledger-needs-token, namespace: payments}
            spec:
              targetRefs: [{kind: Service, group: "", name: ledger}]
              rules:
              - from: [{source: {requestPrincipals: ["*"]}}]
            ---
            apiVersion: meshlint.io/v1alpha1
            kind: AccessExpectations
            metadata: {name: ledger, namespace: payments}
            spec:
              cases:
              - name: a token in x-jwt is validated
                from: payments/ledger
                to: ledger.payments:8080
                request:
                  token: {iss: https://issuer.example.com, sub: caller}
            \(tokenIn.map { "      tokenIn: \"\($0)\"" } ?? "")
                expect: allow
            """)
    }

    @Test("with tokenIn the header the jwtRule reads, the case passes; sent as a bearer token it is ignored and the case fails")
    func tokenLocationDecides() throws {
        #expect(findings(of: "access-expectation-failed", in: Self.mesh(tokenIn: "header:x-jwt")).findings.isEmpty)
        let bearer = try #require(findings(of: "access-expectation-failed", in: Self.mesh(tokenIn: nil)).findings.first)
        #expect(bearer.message.contains("where no jwtRule here reads it"), "\(bearer.message)")
    }

    @Test("a tokenIn MeshLint cannot read makes the case unevaluable, said at the case")
    func badTokenLocation() throws {
        let finding = try #require(findings(of: "access-expectation-failed", in: Self.mesh(tokenIn: "carrier-pigeon")).findings.first)
        #expect(finding.message.contains("cannot be evaluated"), "\(finding.message)")
    }
}

import Rules
import Testing
import YAMLModel

@Suite("jwt-audience-mismatch")
struct JWTAudienceMismatchRuleTests {
    static let issuer = "https://login.microsoftonline.com/6f1c2a4e-8b3d-4c71-9a5e-2d7f0b9c1e38/v2.0"
    static let clientID = "b4c1e9a2-3f5d-4e8a-9c7b-1d2e3f4a5b6c"

    static let waypointAndService = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: waypoint, namespace: payments}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ledger, namespace: payments, labels: {istio.io/use-waypoint: waypoint}}
        spec: {selector: {app: ledger}, ports: [{port: 8080}]}
        ---

        """

    @Test func entraV2MessageSaysEveryTokenIsRejected() throws {
        let example = Example("""
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: ledger-jwt, namespace: payments}
            spec:
              jwtRules:
              - issuer: \(Self.issuer)
                audiences: ["api://\(Self.clientID)"]
            """)
        let found = findings(of: "jwt-audience-mismatch", in: example).findings
        #expect(found.count == 1)
        #expect(found.first?.message.contains("every token will be rejected with 403") == true)
        // The App ID URI `api://<client id>` names the client ID to use.
        #expect(found.first?.remediation.contains("- \"\(Self.clientID)\"") == true)
    }

    @Test func declaredAudiencePointsAtTheConfigurationEntry() throws {
        let entry = Span(line: 3, column: 5, length: 12)
        let example = Example("""
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: ledger-jwt, namespace: payments}
            spec:
              targetRefs: [{kind: Service, group: "", name: ledger}]
              jwtRules:
              - issuer: https://auth.example.com
                audiences: [orders.example.com]
            """,
            settings: LintSettings(expectedAudiences: [
                "https://auth.example.com": ExpectedAudiences(values: ["payments.example.com"], file: ".meshlint.yaml", span: entry),
                "ledger.payments": ExpectedAudiences(values: ["ledger.example.com"]),
            ]))
        let found = findings(of: "jwt-audience-mismatch", in: example).findings
        #expect(found.count == 1)
        let finding = try #require(found.first)
        // Both declarations exclude the audience; only the one with a position becomes a related location.
        #expect(finding.message.contains("issuer https://auth.example.com"))
        #expect(finding.message.contains("Service payments/ledger"))
        #expect(finding.related.count == 1)
        #expect(finding.related.first?.file == ".meshlint.yaml")
        #expect(finding.related.first?.span == entry)
        #expect(finding.related.first?.resource == nil)
    }

    @Test func conditionAtTheWaypointIsReportedOnceWithTheRequestAuthenticationsConsidered() throws {
        let example = Example(Self.waypointAndService + """
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: entra-jwt, namespace: payments}
            spec:
              targetRefs: [{kind: Service, group: "", name: ledger}]
              jwtRules:
              - issuer: \(Self.issuer)
                audiences: ["\(Self.clientID)"]
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ledger-callers, namespace: payments}
            spec:
              targetRefs:
              - {kind: Service, group: "", name: ledger}
              - {kind: Service, name: ledger}
              rules:
              - when: [{key: request.auth.audiences, values: ["api://ledger"]}]
            """)
        let found = findings(of: "jwt-audience-mismatch", in: example).findings
        #expect(found.count == 1)
        #expect(found.first?.message.contains("this rule can never match") == true)
        #expect(found.first?.related.map(\.resource?.name) == ["entra-jwt"])
        #expect(found.first?.remediation.contains(Self.clientID) == true)
    }

    @Test func conditionOnAPolicyAtNoWaypointIsNotThisRulesConcern() throws {
        let example = Example("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ledger-callers, namespace: payments}
            spec:
              selector: {matchLabels: {app: ledger}}
              rules:
              - when: [{key: request.auth.audiences, values: ["api://ledger"]}]
            """)
        #expect(findings(of: "jwt-audience-mismatch", in: example).findings.isEmpty)
    }
}

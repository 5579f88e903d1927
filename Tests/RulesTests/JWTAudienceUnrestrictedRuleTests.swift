import Rules
import Testing
import YAMLModel

@Suite("jwt-audience-unrestricted")
struct JWTAudienceUnrestrictedRuleTests {
    private static let tenant = "6f1c2a4e-8b3d-4c71-9a5e-2d7f0b9c1e38"
    private static let clientID = "b4c1e9a2-3f5d-4e8a-9c7b-1d2e3f4a5b6c"
    private static let authentication = """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: ledger-jwt, namespace: payments}
        spec:
          targetRefs: [{kind: Service, group: "", name: ledger}]
          jwtRules:
          - issuer: https://login.microsoftonline.com/\(tenant)/v2.0
            forwardOriginalToken: true
        """

    @Test func messageNamesTheTenantAndTheFixKeepsTheRule() throws {
        let found = findings(of: "jwt-audience-unrestricted", in: Example(Self.authentication)).findings
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.message.contains("any application of Entra tenant \(Self.tenant)"))
        #expect(finding.remediation.contains("audiences: [\"<api-client-id>\"]"))
        #expect(finding.remediation.contains("# keep: forwardOriginalToken"))
    }

    @Test func declaredAudiencesFillTheFix() throws {
        let byService = Example(Self.authentication, settings: LintSettings(expectedAudiences: [
            "ledger.payments": ExpectedAudiences(values: [Self.clientID]),
        ]))
        let finding = try #require(findings(of: "jwt-audience-unrestricted", in: byService).findings.first)
        #expect(finding.remediation.contains("audiences: [\"\(Self.clientID)\"]"))
        #expect(finding.remediation.contains("declares for ledger.payments"))
    }
}

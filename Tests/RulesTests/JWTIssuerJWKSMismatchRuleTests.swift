import Rules
import Testing
import YAMLModel

@Suite("jwt-issuer-jwks-mismatch")
struct JWTIssuerJWKSMismatchRuleTests {
    private static let tenant = "6f1c2a4e-8b3d-4c71-9a5e-2d7f0b9c1e38"
    private static let otherTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

    private func found(_ jwtRules: String) -> [Finding] {
        findings(of: "jwt-issuer-jwks-mismatch", in: Example("""
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: ledger-jwt, namespace: payments}
            spec:
              jwtRules:
            \(jwtRules)
            """)).findings
    }

    @Test func tenantAndVersionMismatchIsOneFindingWithTheIssuersOwnKeys() throws {
        let result = found("""
              - issuer: https://login.microsoftonline.com/\(Self.tenant)/v2.0
                jwksUri: https://login.microsoftonline.com/\(Self.otherTenant)/discovery/keys
            """)
        let finding = try #require(result.first)
        #expect(result.count == 1)
        #expect(finding.message.contains("tenant \(Self.otherTenant) instead of the issuer's tenant \(Self.tenant)"))
        #expect(finding.message.contains("v1 tokens instead of the issuer's v2 tokens"))
        #expect(finding.remediation.contains(
            "jwksUri: \"https://login.microsoftonline.com/\(Self.tenant)/discovery/v2.0/keys\""))
        #expect(finding.remediation.contains("https://sts.windows.net/\(Self.tenant)/"))
        #expect(finding.related.count == 1)
    }

    @Test func multiTenantIssuerTakesTheTenantFromTheKeySet() throws {
        let result = found("""
              - issuer: https://login.microsoftonline.com/organizations/v2.0
                jwksUri: https://login.microsoftonline.com/\(Self.tenant)/discovery/v2.0/keys
            """)
        let finding = try #require(result.first)
        #expect(result.count == 1)
        #expect(finding.message.contains("multi-tenant `organizations` endpoint"))
        #expect(finding.remediation.contains("issuer: \"https://login.microsoftonline.com/\(Self.tenant)/v2.0\""))
    }

    @Test func plaintextKeysOfAnEntraIssuerPointAtItsKeySet() throws {
        let result = found("""
              - issuer: https://sts.windows.net/\(Self.tenant)/
                jwksUri: http://login.microsoftonline.com/\(Self.tenant)/discovery/keys
            """)
        let finding = try #require(result.first)
        #expect(result.count == 1)
        #expect(finding.message.contains("not https"))
        #expect(finding.remediation.contains("jwksUri: \"https://login.microsoftonline.com/\(Self.tenant)/discovery/keys\""))
    }

    @Test func otherCloudsKeepTheirLoginHost() throws {
        let result = found("""
              - issuer: https://login.microsoftonline.us/\(Self.tenant)/v2.0
                jwksUri: https://login.microsoftonline.us/\(Self.tenant)/discovery/keys
            """)
        let finding = try #require(result.first)
        #expect(finding.remediation.contains("https://login.microsoftonline.us/\(Self.tenant)/discovery/v2.0/keys"))
    }
}

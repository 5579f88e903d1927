import Rules
import Testing
import YAMLModel

@Suite("authorization-policy-invalid")
struct AuthorizationPolicyInvalidRuleTests {
    @Test func rejectedPoliciesNameTheValidatorAndItsWords() throws {
        let example = Example(PolicyTargetInvalidRuleTests.payments + PolicyTargetInvalidRuleTests.policy("""
              action: DENY
              rules:
              - to: [{operation: {ports: ["8080"], paths: ["/{**}/admin/{*}"]}}]
            """))
        let finding = try #require(findings(of: "authorization-policy-invalid", in: example).findings.first)
        #expect(finding.message.hasPrefix("AuthorizationPolicy payments/p is invalid: istiod's validation rejects it: "))
        #expect(finding.message.contains("{**} is not the last operator"))
        #expect(finding.message.hasSuffix("It is never stored, so nothing it denies is denied."))
        #expect(finding.fieldPath == "spec.rules[0].to[0].operation.paths[0]")
    }

    @Test func anEmptyFromIsExplainedNotCalledARejection() throws {
        let example = Example(PolicyTargetInvalidRuleTests.payments + PolicyTargetInvalidRuleTests.policy("  action: DENY\n  rules:\n  - from: []\n    to: [{operation: {ports: [\"8080\"]}}]"))
        let finding = try #require(findings(of: "authorization-policy-invalid", in: example).findings.first)
        #expect(finding.message.contains("has `from: []` in spec.rules[0], which istiod reads as no `from` at all"))
        #expect(finding.message.hasSuffix("A DENY rule that matches every source denies more than intended."))
    }
}

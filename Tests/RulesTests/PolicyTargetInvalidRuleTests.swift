import Rules
import Testing
import YAMLModel

@Suite("policy-target-invalid")
struct PolicyTargetInvalidRuleTests {
    static let payments = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ledger, namespace: payments}
        spec: {selector: {app: ledger}, ports: [{port: 8080}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: accounts, namespace: payments}
        spec: {selector: {app: accounts}, ports: [{port: 8080}]}
        ---

        """

    static func policy(_ spec: String) -> String {
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: p, namespace: payments}\nspec:\n\(spec)\n"
    }

    @Test func aMistypedServiceIsReportedWithTheNamesThatExist() throws {
        let example = Example(Self.payments + Self.policy("  targetRefs: [{kind: Service, group: \"\", name: ledgr}]"))
        let finding = try #require(findings(of: "policy-target-invalid", in: example).findings.first)
        #expect(finding.message.contains("targets Service payments/ledgr (did you mean ledger?), which is not in the input"))
        #expect(finding.severity == .error)
        #expect(finding.message.hasSuffix("it is enforced nowhere."))
        #expect(finding.remediation.contains("(Services of the namespace: accounts, ledger)"))
        #expect(finding.fieldPath == "spec.targetRefs[0].name")
    }

    @Test func oneIgnoredRefAmongGoodOnesDoesNotSayNowhere() throws {
        let example = Example(Self.payments + Self.policy("""
              targetRefs:
              - {kind: Service, group: "", name: ledger}
              - {kind: Service, group: "", name: ledgr}
            """))
        let found = findings(of: "policy-target-invalid", in: example).findings
        #expect(found.count == 1)
        #expect(found.first?.message.hasSuffix("so the policy does not apply there.") == true)
    }

    @Test func aCrossNamespaceRefSuggestsMovingThePolicy() throws {
        let example = Example(Self.payments + Self.policy("  targetRefs: [{kind: Service, group: \"\", name: ledger, namespace: orders}]"))
        let finding = try #require(findings(of: "policy-target-invalid", in: example).findings.first)
        #expect(finding.message.contains("the API server rejects the policy (cross namespace referencing is not currently supported)"))
        #expect(finding.remediation.contains("namespace: orders"))
        #expect(finding.remediation.contains("name: ledger"))
    }
}

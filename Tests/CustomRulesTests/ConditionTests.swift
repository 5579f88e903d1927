import CustomRules
import Rules
import Testing
import YAMLModel

private let policy = """
    apiVersion: security.istio.io/v1
    kind: AuthorizationPolicy
    metadata:
      name: ledger-allow
      namespace: payments
      labels:
        pci: "true"
        tier: gold
      annotations:
        owner: team-payments
    spec:
      action: ALLOW
      rules:
        - from:
            - source:
                principals: [cluster.local/ns/payments/sa/accounts, cluster.local/ns/shop/sa/cart]
    """

@Suite("Custom rules: match and field conditions")
struct ConditionTests {
    @Test("Each field condition holds or fails, at the failing field when there is one", arguments: [
        // (assertion, expected finding line:column or nil when it holds)
        (#"{path: 'metadata.labels["pci"]', exists: true}"#, nil),
        (#"{path: 'metadata.labels["owner"]', exists: true}"#, "4:9"),
        (#"{path: 'metadata.labels["pci"]', absent: true}"#, "7:10"),
        (#"{path: 'metadata.labels["debug"]', absent: true}"#, nil),
        (#"{path: spec.action, equals: ALLOW}"#, nil),
        (#"{path: spec.action, equals: DENY}"#, "12:11"),
        (#"{path: 'metadata.labels["tier"]', in: [gold, silver]}"#, nil),
        (#"{path: 'metadata.labels["tier"]', in: [bronze]}"#, "8:11"),
        (#"{path: metadata.name, matches: "^ledger-.*"}"#, nil),
        (#"{path: metadata.name, matches: "^deny-.*"}"#, "4:9"),
        (#"{path: 'spec.rules[*].from[*].source.principals', all: {matches: "cluster.local/ns/payments/.*"}}"#, "16:65"),
        (#"{path: 'spec.rules[*].from[*].source.principals', all: {matches: "cluster.local/ns/.*"}}"#, nil),
        (#"{path: 'spec.rules[*].from[*].source.principals', any: {equals: cluster.local/ns/shop/sa/cart}}"#, nil),
        (#"{path: 'spec.rules[0].from[0].source.principals', any: {in: [x, y]}}"#, "16:25"),
        (#"{path: 'metadata.annotations["owner"]', equals: team-payments}"#, nil),
    ] as [(String, String?)])
    func fieldCondition(_ assertion: String, _ expected: String?) throws {
        let rule = try rule(match: "{kinds: [AuthorizationPolicy]}", assert: "  - \(assertion)")
        let found = check(rule, policy)
        #expect(found.map { "\($0.span.start)" } == (expected.map { [$0] } ?? []), "\(found.map(\.message))")
        #expect(found.allSatisfy { $0.ruleID == "org-test-rule" && $0.severity == .error })
    }

    @Test("match selects by kind, name, namespace glob, labels, annotations and namespace labels", arguments: [
        ("{kinds: [AuthorizationPolicy]}", 1),
        ("{kinds: [Service]}", 0),
        ("{names: ['ledger-*']}", 1),
        ("{namespaces: ['pay*']}", 2),
        ("{namespaces: [shop]}", 0),
        ("{kinds: [AuthorizationPolicy], labels: {pci: 'true'}}", 1),
        ("{kinds: [AuthorizationPolicy], labels: {pci: {equals: 'false'}}}", 0),
        ("{kinds: [AuthorizationPolicy], labels: {tier: {in: [gold, silver]}}}", 1),
        ("{kinds: [AuthorizationPolicy], labels: {missing: {exists: false}}}", 1),
        ("{kinds: [AuthorizationPolicy], labels: {missing: {exists: true}}}", 0),
        ("{kinds: [AuthorizationPolicy], annotations: {owner: {matches: 'team-.*'}}}", 1),
        ("{kinds: [AuthorizationPolicy], namespaceLabels: {pci: 'true'}}", 1),
        ("{kinds: [AuthorizationPolicy], namespaceLabels: {pci: {exists: false}}}", 0),
    ])
    func match(_ match: String, _ count: Int) throws {
        let namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n  labels: {pci: \"true\"}\n"
        // Every matched resource fails `absent` on its kind, so findings count matches.
        let rule = try rule(match: match, assert: "  - {path: kind, absent: true}")
        #expect(check(rule, policy, namespace).count == count)
    }
}

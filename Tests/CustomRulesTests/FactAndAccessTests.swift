import CustomRules
import Rules
import Testing
import YAMLModel

private let namespaceMatch = "{kinds: [Namespace], names: [payments]}"

@Suite("Custom rules: mesh facts and access invariants")
struct FactAndAccessTests {
    @Test("Every fact holds for payments in examples/payments-hardened", arguments: [
        "{fact: ambient}", "{fact: defaultDeny}", "{fact: waypoint}", "{fact: waypoint, name: payments-waypoint}",
        "{fact: waypoint, name: payments/payments-waypoint}",
        "{fact: requestAuthentication, issuers: ['https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0'], audiences: [7d3c1a52-90e4-4b8f-a6d1-2f0e9c4b8a71]}",
        "{fact: mtls}", "{fact: mtls, equals: STRICT}", "{fact: waypointReplicas, min: 2}", "{fact: pdb}",
    ])
    func factHoldsOnHardened(_ assertion: String) throws {
        let rule = try rule(match: namespaceMatch, assert: "  - \(assertion)")
        let found = rule.check(LintContext(files: try exampleFiles("payments-hardened")))
        #expect(found.isEmpty, "\(found.map(\.message))")
    }

    @Test("tokenRequired holds for the ledger Service of payments-hardened, not for accounts")
    func tokenRequired() throws {
        let rule = try rule(match: "{kinds: [Service], namespaces: [payments]}", assert: "  - {fact: tokenRequired}")
        let found = rule.check(LintContext(files: try exampleFiles("payments-hardened")))
        #expect(found.map(\.resource?.name) == ["accounts"])
    }

    @Test("Every fact fails for a bare ambient namespace, one finding each, at the namespace", arguments: [
        ("{fact: ambient, equals: false}", "is in the ambient data plane"),
        ("{fact: defaultDeny}", "does not deny by default"),
        ("{fact: waypoint}", "not bound to a waypoint"),
        ("{fact: requestAuthentication}", "no RequestAuthentication"),
        ("{fact: tokenRequired}", "do not need a valid token"),
        ("{fact: mtls}", "mTLS mode is PERMISSIVE"),
        ("{fact: waypointReplicas, min: 2}", "no waypoint serves it"),
        ("{fact: pdb}", "no waypoint serves it"),
    ])
    func factFails(_ assertion: String, _ message: String) throws {
        let rule = try rule(match: namespaceMatch, assert: "  - \(assertion)")
        let found = check(rule, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n  labels: {istio.io/dataplane-mode: ambient}\n")
        #expect(found.count == 1)
        #expect(found.first?.message.contains(message) == true, "\(found.map(\.message))")
        #expect(found.first?.span.start == (assertion.contains("ambient") ? Mark(line: 5, column: 12) : Mark(line: 4, column: 9)))
    }

    @Test("The opposite facts hold for a bare namespace", arguments: [
        "{fact: ambient, equals: false}", "{fact: mtls, equals: PERMISSIVE}", "{fact: waypoint, bound: false}",
        "{fact: requestAuthentication, present: false}", "{fact: tokenRequired, equals: false}", "{fact: defaultDeny, equals: false}",
        "{fact: pdb, equals: false}",
    ])
    func oppositeFactsHold(_ assertion: String) throws {
        let rule = try rule(match: namespaceMatch, assert: "  - \(assertion)")
        #expect(check(rule, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n").isEmpty)
    }

    @Test("A waypoint with one replica and no PDB fails waypointReplicas and pdb")
    func singleReplicaWaypoint() throws {
        let manifests = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: payments
              labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: waypoint, namespace: payments}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            """
        let replicas = try rule(match: namespaceMatch, assert: "  - {fact: waypointReplicas, min: 2}")
        #expect(check(replicas, manifests).map(\.message).first?.contains("single replica") == true)
        let pdb = try rule(match: namespaceMatch, assert: "  - {fact: pdb}")
        #expect(check(pdb, manifests).map(\.message).first?.contains("no PodDisruptionBudget") == true)
        let bound = try rule(match: namespaceMatch, assert: "  - {fact: waypoint, name: other}")
        #expect(check(bound, manifests).map(\.message).first?.contains("not other") == true)
    }

    static let ledgerInvariant = """
          - access:
              to: ledger.payments:8080
              request:
                method: POST
                path: /ledger/v1/debit
                token:
                  iss: https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0
                  aud: 7d3c1a52-90e4-4b8f-a6d1-2f0e9c4b8a71
                  sub: a-client
                  roles: [Ledger.Debit]
              onlyFrom: [payments/accounts]
              requireToken: true
        """

    @Test("The ledger invariant holds on examples/payments-hardened")
    func invariantHolds() throws {
        let rule = try rule(match: "{kinds: [Service], names: [ledger]}", assert: Self.ledgerInvariant)
        let found = rule.check(LintContext(files: try exampleFiles("payments-hardened")))
        #expect(found.isEmpty, "\(found.map(\.message))")
        // The control: accounts itself does get through.
        let control = try CustomRulesTests.rule(
            match: "{kinds: [Service], names: [ledger]}",
            assert: Self.ledgerInvariant.replacingOccurrences(of: "payments/accounts", with: "payments/other"))
        #expect(control.check(LintContext(files: try exampleFiles("payments-hardened"))).map { $0.message.prefix(26) }
            == ["payments/accounts is allow"])
    }

    @Test("The ledger invariant fails when the ALLOW also admits another service account, naming it with the trace")
    func invariantFails() throws {
        let authorization = try exampleText("payments-hardened", "authorization.yaml").replacingOccurrences(
            of: "              - cluster.local/ns/payments/sa/accounts\n",
            with: "              - cluster.local/ns/payments/sa/accounts\n              - cluster.local/ns/payments/sa/reports\n")
        let reports = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: reports, namespace: payments}
            spec:
              selector: {matchLabels: {app: reports}}
              template:
                metadata: {labels: {app: reports}}
                spec:
                  serviceAccountName: reports
                  containers: [{name: reports, image: reports:1}]
            """
        let files = try exampleFiles("payments-hardened", replacing: ["authorization.yaml": authorization], adding: [reports])
        let rule = try rule(match: "{kinds: [Service], names: [ledger]}", assert: Self.ledgerInvariant)
        let found = rule.check(LintContext(files: files))
        #expect(found.count == 1)
        let message = try #require(found.first?.message)
        #expect(message.hasPrefix("payments/reports is allowed POST /ledger/v1/debit on ledger.payments:8080"))
        #expect(message.contains("Trace:") && message.contains("ledger-debit-allow"))
        #expect(found.first?.related.isEmpty == false)
    }

    @Test("requireToken reports a request without a token that gets through")
    func requireToken() throws {
        let manifests = """
            apiVersion: v1
            kind: Service
            metadata: {name: ledger, namespace: payments}
            spec:
              selector: {app: ledger}
              ports: [{port: 8080}]
            """
        let tokenRule = try rule(
            match: "{kinds: [Service]}",
            assert: "  - access: {to: ledger.payments:8080, request: {method: POST, path: /x}, requireToken: true}")
        let found = check(tokenRule, manifests)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("allowed without a token") == true)
        let only = try rule(match: "{kinds: [Service]}", assert: "  - access: {to: ledger.payments:8080, onlyFrom: [payments/accounts]}")
        // Nothing denies: anonymous and any other mesh identity both get through.
        #expect(check(only, manifests).map { $0.message.components(separatedBy: " is allowed").first ?? "" }
            == ["anonymous", "any other mesh identity"])
    }
}

import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import YAMLModel

/// The istiod golden files in the shared corpus: the `-in` policy and what istiod sends ztunnel.
private let oracleDirectory = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
private let oracle = "/" + oracleDirectory + "/../shared/corpus/istio/pilot__pkg__serviceregistry__ambient__testdata__"

private func policy(_ yaml: String) throws -> AuthorizationPolicyView {
    let file = ManifestLoader.load(path: "policy.yaml", bytes: Array(yaml.utf8))
    #expect(file.problems.isEmpty)
    return try #require(file.resources.first.flatMap(AuthorizationPolicyView.init))
}

private func readFile(_ path: String) -> String? {
    guard let handle = fopen(path, "r") else { return nil }
    defer { fclose(handle) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = fread(&buffer, 1, buffer.count, handle)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

@Suite("Ztunnel semantics")
struct ZtunnelSemanticsTests {
    static let oracleAvailable = readFile(oracle + "allow-groups-in.yaml") != nil

    /// istiod's translation for ztunnel keeps exactly the L4-only ALLOW rules (allow-groups golden).
    @Test(.enabled(if: oracleAvailable)) func allowOutcomesMatchIstiodGolden() throws {
        let input = try #require(readFile(oracle + "allow-groups-in.yaml"))
        let golden = try #require(readFile(oracle + "allow-groups.yaml"))
        let outcomes = try policy(input).rules.map { $0.ztunnelOutcome(for: .allow) }
        #expect(outcomes == [.dropped, .dropped, .asWritten, .dropped, .dropped, .asWritten, .dropped])
        let groups = YAMLParser.parse(Array(golden.utf8)).documents.first?.root["groups"]?.items ?? []
        #expect(groups.count == outcomes.filter { $0 == .asWritten }.count)
    }

    /// In DENY, istiod keeps a group per rule; an L7-only clause or condition becomes an empty match
    /// (`{}`), which ztunnel never matches (deny-groups golden).
    @Test(.enabled(if: oracleAvailable)) func denyOutcomesMatchIstiodGolden() throws {
        let input = try #require(readFile(oracle + "deny-groups-in.yaml"))
        let golden = try #require(readFile(oracle + "deny-groups.yaml"))
        let outcomes = try policy(input).rules.map { $0.ztunnelOutcome(for: .deny) }
        #expect(outcomes == [.broadened, .broadened, .asWritten, .neverMatches, .neverMatches, .asWritten, .neverMatches])
        let groups = YAMLParser.parse(Array(golden.utf8)).documents.first?.root["groups"]?.items ?? []
        #expect(groups.count == outcomes.count)
        for (group, outcome) in zip(groups, outcomes) {
            let matches = (group["rules"]?.items ?? []).flatMap { $0["matches"]?.items ?? [] }
            let hasEmptyMatch = matches.contains { $0.kind == .mapping && $0.count == 0 }
            #expect(hasEmptyMatch == (outcome == .neverMatches))
        }
    }

    @Test func l7AttributesAreListedWithSpans() throws {
        let view = try policy("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: p, namespace: a}
            spec:
              rules:
              - from: [{source: {principals: [x], remoteIpBlocks: [1.2.3.4]}}]
                to: [{operation: {hosts: [h], ports: ["80"]}}]
                when:
                - key: request.auth.claims[scp]
                  values: [read]
                - key: destination.port
                  values: ["80"]
            """)
        let attributes = try #require(view.rules.first).l7Attributes
        #expect(attributes.map(\.value) == ["remoteIpBlocks", "hosts", "request.auth.claims[scp]"])
        #expect(attributes.map(\.span.start.line) == [6, 7, 9])
    }

    @Test func identityMatching() throws {
        let view = try policy("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: p, namespace: payments}
            spec:
              rules:
              - from: [{source: {principals: [cluster.local/ns/payments/sa/accounts]}}]
              - from: [{source: {namespaces: [pay*]}}]
              - from: [{source: {serviceAccounts: [ledger]}}]
              - from: [{source: {notPrincipals: ["*/sa/waypoint"]}}]
              - when: [{key: source.principal, values: [cluster.local/ns/payments/sa/wp]}]
              - to: [{operation: {ports: ["8080"]}}]
            """)
        let rules = view.rules
        let accounts = MeshIdentity(namespace: "payments", serviceAccount: "accounts")
        let ledger = MeshIdentity(namespace: "payments", serviceAccount: "ledger")
        let waypoint = MeshIdentity(namespace: "orders", serviceAccount: "waypoint")
        let wp = MeshIdentity(namespace: "payments", serviceAccount: "wp")
        func admits(_ rule: Int, _ identity: MeshIdentity) -> Bool {
            rules[rule].ztunnelAdmits(identity, action: .allow, policyNamespace: "payments")
        }
        #expect(admits(0, accounts) && !admits(0, ledger))
        #expect(admits(1, ledger) && !admits(1, waypoint))
        #expect(admits(2, ledger) && !admits(2, accounts))
        #expect(admits(3, accounts) && !admits(3, waypoint))
        #expect(admits(4, wp) && !admits(4, accounts))
        #expect(admits(5, waypoint))
        #expect(rules[0].admitsOnly(accounts, policyNamespace: "payments"))
        #expect(!rules[1].admitsOnly(ledger, policyNamespace: "payments"))
        #expect(rules[2].admitsOnly(ledger, policyNamespace: "payments"))
        #expect(rules[4].admitsOnly(wp, policyNamespace: "payments"))
        #expect(!rules[5].admitsOnly(wp, policyNamespace: "payments"))
    }

    @Test func denyEveryoneButTheWaypoint() throws {
        let view = try policy("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: p, namespace: payments}
            spec:
              action: DENY
              rules:
              - from: [{source: {notPrincipals: [cluster.local/ns/payments/sa/wp]}}]
              - from: [{source: {notPrincipals: [cluster.local/ns/payments/sa/wp], namespaces: [x]}}]
              - from: [{source: {notServiceAccounts: [wp]}}]
            """)
        let wp = MeshIdentity(namespace: "payments", serviceAccount: "wp")
        #expect(view.rules.map { $0.deniesEveryoneExcept(wp, policyNamespace: "payments") } == [true, false, true])
    }

    @Test func tokenRequirements() throws {
        let view = try policy("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: p, namespace: payments}
            spec:
              rules:
              - from: [{source: {requestPrincipals: ["*"]}}]
              - when: [{key: "request.auth.claims[roles]", values: [Ledger.Debit]}]
              - from: [{source: {requestPrincipals: ["*"]}}, {source: {principals: [x]}}]
              - from: [{source: {notRequestPrincipals: ["*"]}}]
              - from: [{source: {notRequestPrincipals: ["*"]}}]
                to: [{operation: {paths: [/admin]}}]
              - from: [{source: {notRequestPrincipals: ["*"]}}]
                to: [{operation: {ports: ["8080"]}}]
            """)
        #expect(view.rules.map(\.requiresRequestPrincipal) == [true, true, false, false, false, false])
        // A token is mandatory only when the DENY covers every request (ports aside), not just /admin.
        #expect(view.rules.map(\.deniesRequestsWithoutToken) == [false, false, false, true, false, true])
    }

    @Test func istioStringMatching() {
        #expect(IstioStringMatch.matches("*", "a"))
        #expect(!IstioStringMatch.matches("*", ""))
        #expect(IstioStringMatch.matches("*/sa/wp", "cluster.local/ns/x/sa/wp"))
        #expect(IstioStringMatch.matches("cluster.local/ns/x/*", "cluster.local/ns/x/sa/wp"))
        #expect(!IstioStringMatch.matches("cluster.local/ns/x/sa/a", "cluster.local/ns/x/sa/b"))
    }
}

@Suite("Entra ID")
struct EntraIDTests {
    @Test func issuersAndKeySets() {
        let tenant = "11111111-2222-3333-4444-555555555555"
        #expect(EntraID.issuer("https://login.microsoftonline.com/\(tenant)/v2.0") == .init(tenant: tenant, version: .v2))
        #expect(EntraID.issuer("https://sts.windows.net/\(tenant)/") == .init(tenant: tenant, version: .v1))
        #expect(EntraID.issuer("https://accounts.google.com") == nil)
        #expect(EntraID.keySet("https://login.microsoftonline.com/\(tenant)/discovery/v2.0/keys") == .init(tenant: tenant, version: .v2))
        #expect(EntraID.keySet("https://login.microsoftonline.com/\(tenant)/discovery/keys") == .init(tenant: tenant, version: .v1))
        #expect(EntraID.keySet("https://example.com/keys") == nil)
    }

    @Test func guids() {
        #expect(EntraID.isGUID("7d3c1a52-90e4-4b8f-a6d1-2f0e9c4b8a71"))
        #expect(!EntraID.isGUID("api://payments-ledger"))
        #expect(!EntraID.isGUID("7d3c1a52-90e4-4b8f-a6d1-2f0e9c4b8a7"))
        #expect(!EntraID.isGUID("zd3c1a52-90e4-4b8f-a6d1-2f0e9c4b8a71"))
    }
}

import Testing
@testable import Access
import YAMLModel

@Suite("Matching forms")
struct MatchingTests {
    @Test(arguments: [
        ("*", "anything", true), ("*", "", false),
        ("prefix*", "prefix-and-more", true), ("prefix*", "other", false),
        ("*suffix", "has-suffix", true), ("*suffix", "suffix-not", false),
        ("exact", "exact", true), ("exact", "exactly", false),
    ])
    func stringPatterns(pattern: String, value: String, matches: Bool) {
        #expect(Matching.string(pattern, value) == matches)
    }

    @Test func principalsAtTheWaypointRewriteTheLocalTrustDomain() {
        let web = MeshIdentity(namespace: "shop", serviceAccount: "web")
        #expect(Matching.principal("cluster.local/ns/shop/sa/web", web, trustDomain: "cluster.local"))
        #expect(Matching.principal("cluster.local/ns/shop/sa/web", web, trustDomain: "corp.example"))
        #expect(Matching.principal("*/ns/shop/sa/web", web, trustDomain: "corp.example"))
        #expect(Matching.principal("cluster.local/ns/shop/*", web, trustDomain: "cluster.local"))
        #expect(!Matching.principal("cluster.local/ns/shop/sa/api", web, trustDomain: "cluster.local"))
        // ztunnel compares the strings as written: no rewriting of `cluster.local`.
        #expect(!Matching.ztunnelPrincipal("cluster.local/ns/shop/sa/web", web, trustDomain: "corp.example"))
    }

    @Test func namespacesAndServiceAccounts() {
        let web = MeshIdentity(namespace: "shop-eu", serviceAccount: "web")
        #expect(Matching.glob("shop-*", "shop-eu"))
        #expect(Matching.glob("*-eu", "shop-eu"))
        #expect(Matching.glob("s*-e*", "shop-eu"))
        #expect(!Matching.glob("shop", "shop-eu"))
        #expect(Matching.serviceAccount("shop-eu/web", web, policyNamespace: "other"))
        #expect(Matching.serviceAccount("web", web, policyNamespace: "shop-eu"))
        #expect(!Matching.serviceAccount("web", web, policyNamespace: "shop"))
    }

    /// istiod splits a request principal at its last `/` into issuer and subject.
    @Test(arguments: [
        ("*", "https://idp/", "alice", true),
        ("*", "https://idp/", nil, false),
        ("https://idp//alice", "https://idp/", "alice", true),
        ("https://idp//*", "https://idp/", "bob", true),
        ("https://idp//al*", "https://idp/", "alice", true),
        ("*idp//alice", "https://idp/", "alice", true),
        ("*ice", "https://idp/", "alice", true),
        ("idp*", "idp-eu", "anyone", true),
        // The last `/` splits even a prefix pattern: issuer "https:/", subject prefix "idp".
        ("https://idp*", "https://idp/", "anyone", false),
        ("https://other//alice", "https://idp/", "alice", false),
    ] as [(String, String, String?, Bool)])
    func requestPrincipals(pattern: String, issuer: String, subject: String?, matches: Bool) {
        #expect(Matching.requestPrincipal(pattern, issuer: issuer, subject: subject) == matches)
    }

    @Test(arguments: [
        ("/api/{*}/items", "/api/v1/items", true),
        ("/api/{*}/items", "/api//items", false),
        ("/api/{*}/items", "/api/v1/v2/items", false),
        ("/api/{**}", "/api/v1/items/7", true),
        ("/api/{**}", "/api/", true),
        ("/api/{**}", "/api", false),
        ("/api/{*}/items/{**}", "/api/v1/items/7?verbose=1", true),
        ("/api/*", "/api/anything/at/all", true),
        ("*/debit", "/ledger/v1/debit", true),
        ("/ledger/v1/debit", "/ledger/v1/debit?x=1", true),
        ("/ledger/v1/debit", "/ledger/v1/credit", false),
        ("*", "/", true),
    ])
    func paths(pattern: String, path: String, matches: Bool) {
        #expect(Matching.path(pattern, path) == matches)
    }

    @Test func hostsIgnoreCaseMethodsAndHeadersDoNot() {
        #expect(Matching.host("*.example.com", "API.Example.com"))
        #expect(Matching.host("api.example.*", "api.example.org"))
        #expect(!Matching.host("api.example.com", nil))
        #expect(Matching.header("POST", "POST"))
        #expect(!Matching.header("post", "POST"))
        #expect(Matching.header("*", ""))
        #expect(!Matching.header("*", nil))
    }

    /// Envoy compares audiences without `http(s)://` and a trailing slash; `api://` stays.
    @Test func audiencesAreSanitisedAsEnvoyDoes() {
        #expect(Matching.audienceAccepted(tokenAudiences: ["https://api.example.com/"], allowed: ["api.example.com"]))
        #expect(Matching.audienceAccepted(tokenAudiences: ["a", "b"], allowed: ["b"]))
        #expect(Matching.audienceAccepted(tokenAudiences: [], allowed: []))
        #expect(!Matching.audienceAccepted(tokenAudiences: [], allowed: ["x"]))
        #expect(!Matching.audienceAccepted(tokenAudiences: ["7d3c1a52-90e4-4b8f-a6d1-2f0e9c4b8a71"], allowed: ["api://ledger"]))
    }

    @Test func portsAreReadAsIstiodReadsThem() {
        #expect(Matching.port("8080") == 8080)
        #expect(Matching.port("08080") == 8080)
        #expect(Matching.port("65536") == nil)
        #expect(Matching.port("http") == nil)
    }
}

@Suite("Path normalization at the waypoint")
struct PathNormalizationTests {
    /// A DENY at the waypoint for /admin/* of Service shop/api.
    static let noAdmin = Fixture.authorizationPolicy("no-admin", in: "shop", spec: """
        \(Fixture.targetingService("api"))
        action: DENY
        rules:
          - to:
              - operation:
                  paths: ["/admin/*"]
        """)

    @Test("Istio's BASE normalization: unreserved %HH decoded once, backslashes, dot segments; slashes kept")
    func base() {
        #expect(PathNormalization.base("/public/../admin/keys") == "/admin/keys")
        #expect(PathNormalization.base("/public/./data/abc/../xyz") == "/public/data/xyz")
        #expect(PathNormalization.base("/some%2fdata/%61%62%63") == "/some%2fdata/abc")
        #expect(PathNormalization.base("/a/%2e%2e/admin") == "/admin")
        #expect(PathNormalization.base("/%252e%252e/x") == "/%252e%252e/x")
        #expect(PathNormalization.base("/some\\data") == "/some/data")
        #expect(PathNormalization.base("/a//b?x=/../y") == "/a//b")
        #expect(PathNormalization.base("/../../etc") == "/etc")
        #expect(PathNormalization.base("/") == "/")
    }

    @Test("the other modes of meshConfig.pathNormalization, as istio.io's normalization reference orders them")
    func otherModes() {
        #expect(PathNormalization.normalize("/a/../b//c?q", mode: .none) == "/a/../b//c")
        #expect(PathNormalization.normalize("/a//b///c", mode: .mergeSlashes) == "/a/b/c")
        #expect(PathNormalization.normalize("/a%2fb", mode: .mergeSlashes) == "/a%2fb")
        #expect(PathNormalization.normalize("/a%2Fb%5c..%5Cadmin", mode: .decodeAndMergeSlashes) == "/a/admin")
        #expect(PathNormalization.normalize("/x%2f%2fy", mode: .decodeAndMergeSlashes) == "/x/y")
    }

    @Test("the mode the input's mesh configuration declares is the one the waypoint applies")
    func declaredModeApplies() throws {
        let deny = Self.noAdmin
        let meshConfig = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: istio, namespace: istio-system}
            data:
              mesh: |
                pathNormalization:
                  normalization: DECODE_AND_MERGE_SLASHES
            """
        let request = AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80), path: "/public%2f..%2fadmin/keys")
        // BASE leaves %2f alone: the DENY does not match.
        #expect(try evaluate(shop(deny), request).decision == .allow)
        let strict = try evaluate(shop(deny, meshConfig), request)
        #expect(strict.decision == .deny)
        #expect(strict.hasStep("the waypoint normalizes the path (meshConfig.pathNormalization DECODE_AND_MERGE_SLASHES)", .info))
    }

    @Test("A DENY on /admin/* at the waypoint denies /public/../admin/keys, and the trace says why")
    func dotSegmentsCannotSlipPastADeny() throws {
        let deny = Self.noAdmin
        let result = try evaluate(shop(deny), AccessRequest(
            caller: identity("shop/web"), destination: service("shop", "api", port: 80), path: "/public/../admin/keys"))
        #expect(result.decision == .deny)
        #expect(result.hasStep("the waypoint normalizes the path (Istio's default BASE normalization): /public/../admin/keys is matched as /admin/keys", .info))
    }
}

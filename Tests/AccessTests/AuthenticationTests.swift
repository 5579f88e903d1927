import Testing
@testable import Access
import YAMLModel

@Suite("RequestAuthentication and claims at the waypoint")
struct AuthenticationTests {
    static let issuer = "https://idp.example.com"
    static let tenant = "11111111-2222-3333-4444-555555555555"
    static let v2Issuer = "https://login.microsoftonline.com/\(tenant)/v2.0"
    static let clientID = "7d3c1a52-90e4-4b8f-a6d1-2f0e9c4b8a71"

    private static func jwt(issuer: String = issuer, audiences: [String] = [], extra: String = "") -> String {
        var rule = "jwtRules:\n  - issuer: \(issuer)\n    jwksUri: \(issuer)/keys"
        if !audiences.isEmpty { rule += "\n    audiences: [" + audiences.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        if !extra.isEmpty { rule += "\n" + extra }
        return Fixture.requestAuthentication("api-jwt", in: "shop", spec: Fixture.targetingService("api") + "\n" + rule)
    }

    private static let requireJWT = Fixture.authorizationPolicy("require-jwt", in: "shop", spec: """
        \(Fixture.targetingService("api"))
        action: DENY
        rules:
          - from:
              - source:
                  notRequestPrincipals: ["*"]
        """)

    private func call(_ index: MeshIndex, token: JWTClaims?, path: String = "/") throws -> AccessResult {
        try evaluate(index, AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80), path: path, token: token))
    }

    /// A missing token passes RequestAuthentication as anonymous and is then denied by the DENY that
    /// requires a request principal; a token from an issuer no jwtRule names gets 401.
    @Test func missingTokenIsAnonymousButAnInvalidIssuerIs401() throws {
        let index = shop(Self.jwt(), Self.requireJWT)

        let missing = try call(index, token: nil)
        #expect(missing.decision == .deny)
        #expect(missing.hasStep("no token: RequestAuthentication shop/api-jwt accepts a request without one", .info))
        let deny = try #require(missing.step("DENY shop/require-jwt: rule 0 matches", .matched))
        #expect(deny.file == "mesh.yaml")

        let foreign = try call(index, token: ["iss": "https://evil.example.com", "sub": "mallory"])
        #expect(foreign.decision == .unauthorized)
        #expect(foreign.hasStep("the token's issuer https://evil.example.com is accepted by no jwtRule here", .unauthorized))

        let valid = try call(index, token: ["iss": .string(Self.issuer), "sub": "alice"])
        #expect(valid.decision == .allow)
        #expect(valid.hasStep("request principal https://idp.example.com/alice", .matched))
    }

    /// `fromHeaders` replaces the default `Authorization: Bearer`: a bearer token is not read, the
    /// request is anonymous (and the DENY requiring a principal refuses it); sent in the named
    /// header, the same token is validated.
    @Test func fromHeadersIgnoresABearerToken() throws {
        let index = shop(Self.jwt(extra: "    fromHeaders: [{name: X-Jwt-Assertion}]"), Self.requireJWT)
        let token: JWTClaims = ["iss": .string(Self.issuer), "sub": "alice"]
        let bearer = try call(index, token: token)
        #expect(bearer.decision == .deny)
        #expect(bearer.hasStep("the token is sent in Authorization: Bearer, where no jwtRule here reads it (they read [header x-jwt-assertion])", .info))
        var inHeader = AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80), token: token)
        inHeader.tokenLocation = try AccessSpecification.tokenLocation("header:x-jwt-assertion")
        let validated = try evaluate(index, inHeader)
        #expect(validated.decision == .allow)
        #expect(validated.hasStep("request principal https://idp.example.com/alice", .matched))
        // Without a named location, the access_token parameter is read as well as the bearer header.
        inHeader.tokenLocation = try AccessSpecification.tokenLocation("param:access_token")
        #expect(try evaluate(shop(Self.jwt(), Self.requireJWT), inHeader).decision == .allow)
        #expect(throws: AccessSpecification.Problem.self) { try AccessSpecification.tokenLocation("body:x") }
    }

    /// A v2 Entra issuer with an `api://` audience never accepts a v2 token, whose `aud` is the
    /// client ID (a GUID): Envoy answers 403.
    @Test func v2IssuerWithAppIDURIAudienceIs403() throws {
        let index = shop(Self.jwt(issuer: Self.v2Issuer, audiences: ["api://ledger"]))
        let result = try call(index, token: ["iss": .string(Self.v2Issuer), "aud": .string(Self.clientID), "sub": "svc"])
        #expect(result.decision == .forbidden)
        let step = try #require(result.step("is not among the audiences [api://ledger]", .forbidden))
        #expect(step.message.contains("Audiences in Jwt are not allowed"))
        #expect(result.trace.hops.first?.decision == .forbidden)

        let fixed = shop(Self.jwt(issuer: Self.v2Issuer, audiences: [Self.clientID]))
        #expect(try call(fixed, token: ["iss": .string(Self.v2Issuer), "aud": [.string(Self.clientID), "other"], "sub": "svc"]).decision == .allow)
    }

    /// `scp` holds space-separated scopes: only `spaceDelimitedClaims: [scp]` makes each one matchable.
    @Test func scpMatchesOneScopeOnlyWhenSpaceDelimited() throws {
        let debitOnly = Fixture.authorizationPolicy("debit", in: "shop", spec: """
            \(Fixture.targetingService("api"))
            rules:
              - when:
                  - key: request.auth.claims[scp]
                    values: ["ledger.debit"]
            """)
        let token: JWTClaims = ["iss": .string(Self.issuer), "sub": "alice", "scp": "ledger.read ledger.debit"]

        let unsplit = try call(shop(Self.jwt(), debitOnly), token: token)
        #expect(unsplit.decision == .deny)
        #expect(unsplit.hasStep("when request.auth.claims[scp] [ledger.debit] does not match claim scp = \"ledger.read ledger.debit\"", .notMatched))

        let split = try call(shop(Self.jwt(extra: "    spaceDelimitedClaims: [scp]"), debitOnly), token: token)
        #expect(split.decision == .allow)
        #expect(split.hasStep("claims split on spaces: scp", .matched))

        // `scope` is always split.
        let scope = Fixture.authorizationPolicy("scope", in: "shop", spec: """
            \(Fixture.targetingService("api"))
            rules:
              - when:
                  - key: request.auth.claims[scope]
                    values: ["ledger.debit"]
            """)
        let scoped: JWTClaims = ["iss": .string(Self.issuer), "sub": "alice", "scope": "ledger.read ledger.debit"]
        #expect(try call(shop(Self.jwt(), scope), token: scoped).decision == .allow)
    }

    /// Nested claims (`[realm_access][roles]`) and list claims match any element; a missing claim fails.
    @Test func nestedAndListClaims() throws {
        let admins = Fixture.authorizationPolicy("admins", in: "shop", spec: """
            \(Fixture.targetingService("api"))
            rules:
              - when:
                  - key: request.auth.claims[realm_access][roles]
                    values: ["admin"]
                  - key: request.auth.claims[groups]
                    values: ["ops-*"]
            """)
        let index = shop(Self.jwt(), admins)
        let token: JWTClaims = [
            "iss": .string(Self.issuer), "sub": "alice",
            "realm_access": ["roles": ["viewer", "admin"]], "groups": ["dev", "ops-eu"],
        ]
        let allowed = try call(index, token: token)
        #expect(allowed.decision == .allow)
        #expect(allowed.hasStep("ALLOW shop/admins: rule 0 matches", .matched))

        var viewer = token
        viewer["realm_access"] = ["roles": ["viewer"]]
        let denied = try call(index, token: viewer)
        #expect(denied.decision == .deny)
        #expect(denied.hasStep("when request.auth.claims[realm_access][roles] [admin] does not match claim realm_access.roles = [\"viewer\"]", .notMatched))

        var noRealm = token
        noRealm["realm_access"] = nil
        #expect(try call(index, token: noRealm).hasStep("does not match no claim realm_access.roles in the token", .notMatched))
    }

    /// `notValues` alone passes when the attribute is absent; `request.auth.principal`,
    /// `request.auth.audiences`, `requestPrincipals` and `hosts` read the validated token and request.
    @Test func notValuesAndOtherRequestAttributes() throws {
        let policy = Fixture.authorizationPolicy("attrs", in: "shop", spec: """
            \(Fixture.targetingService("api"))
            rules:
              - from:
                  - source:
                      requestPrincipals: ["\(Self.issuer)/*"]
                to:
                  - operation:
                      hosts: ["api.shop.svc.cluster.local", "*.example.com"]
                when:
                  - key: request.auth.claims[groups]
                    notValues: ["banned"]
                  - key: request.auth.audiences
                    values: ["shop-api"]
                  - key: request.auth.principal
                    values: ["\(Self.issuer)/alice"]
            """)
        let index = shop(Self.jwt(), policy)
        let token: JWTClaims = ["iss": .string(Self.issuer), "sub": "alice", "aud": "shop-api"]
        let allowed = try call(index, token: token)
        #expect(allowed.decision == .allow)
        #expect(allowed.hasStep("no host given: the request's host is taken to be api.shop.svc.cluster.local", .info))

        var banned = token
        banned["groups"] = ["users", "banned"]
        let denied = try call(index, token: banned)
        #expect(denied.decision == .deny)
        #expect(denied.hasStep("when request.auth.claims[groups] excludes banned", .notMatched))

        let otherHost = try evaluate(index, AccessRequest(
            caller: identity("shop/web"), destination: service("shop", "api", port: 80), host: "API.Example.COM", token: token))
        #expect(otherHost.decision == .allow)
    }
}

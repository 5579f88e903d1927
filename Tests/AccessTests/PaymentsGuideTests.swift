import Testing
@testable import Access
import YAMLModel

/// The payments guide's validation step, run against `examples/payments-hardened` as read from disk:
/// "accounts with a valid scoped token → 200; no token → 403; wrong scope → 403; DELETE → 403".
@Suite("The payments guide's validation calls")
struct PaymentsGuideTests {
    static let issuer = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"
    /// A client-credentials (app-only) v2 token for the ledger API: `aud` is its client ID, the app
    /// role is in `roles`.
    static func token(roles: [String]) -> JWTClaims {
        [
            "iss": .string(issuer), "aud": "7d3c1a52-90e4-4b8f-a6d1-2f0e9c4b8a71",
            "sub": "0b9f3c1e-accounts-service-principal", "azp": "accounts-client-id",
            "roles": .list(roles.map(ClaimValue.string)),
        ]
    }

    private func debit(method: String = "POST", token: JWTClaims?) throws -> AccessResult {
        let index = try meshIndex(directory: "examples/payments-hardened")
        return try evaluate(index, AccessRequest(
            caller: identity("payments/accounts"), destination: service("payments", "ledger", port: 8080),
            method: method, path: "/ledger/v1/debit", token: token))
    }

    @Test func accountsWithAValidTokenIsAllowed() throws {
        let result = try debit(token: Self.token(roles: ["Ledger.Debit"]))
        #expect(result.decision == .allow)
        #expect(!result.isUncertain)
        #expect(result.trace.hops.map(\.place) == [
            .waypoint(ObjectKey(namespace: "payments", name: "payments-waypoint")),
            .ztunnel(workload: ObjectKey(namespace: "payments", name: "ledger"), namespace: "payments"),
        ])
        let allow = try #require(result.step("ALLOW payments/ledger-debit-allow: rule 0 matches", .matched))
        #expect(allow.file == "examples/payments-hardened/authorization.yaml")
        #expect(allow.span?.start.line == 85)
        let accepted = try #require(result.step("RequestAuthentication payments/payments-entra-jwt accepts the token", .matched))
        #expect(accepted.file == "examples/payments-hardened/authentication.yaml")
        #expect(result.hasStep("ALLOW payments/ledger-allow-waypoint: rule 0 matches", .matched))
        #expect(result.hasStep(
            "Service payments/ledger is bound to waypoint payments/payments-waypoint (istio.io/use-waypoint: payments-waypoint on namespace payments)",
            .info))
    }

    @Test func noTokenIsDeniedAtTheWaypoint() throws {
        let result = try debit(token: nil)
        #expect(result.decision == .deny)
        #expect(result.trace.hops.count == 1)
        let deny = try #require(result.step("DENY payments/ledger-require-jwt: rule 0 matches", .matched))
        #expect(deny.file == "examples/payments-hardened/authorization.yaml")
        #expect(result.hasStep("the waypoint answers 403", .denied))
    }

    @Test func wrongRoleIsDenied() throws {
        let result = try debit(token: Self.token(roles: ["Ledger.Read"]))
        #expect(result.decision == .deny)
        #expect(result.hasStep("when request.auth.claims[roles] [Ledger.Debit] does not match claim roles = [\"Ledger.Read\"]", .notMatched))
    }

    @Test func deleteIsDenied() throws {
        let result = try debit(method: "DELETE", token: Self.token(roles: ["Ledger.Debit"]))
        #expect(result.decision == .deny)
        #expect(result.hasStep("to[0].operation.methods [POST] does not match method DELETE", .notMatched))
    }

    /// The anti-bypass policies: dialling a ledger pod directly is denied at ztunnel, and a client
    /// outside the mesh is refused by STRICT mTLS.
    @Test func bypassesAreClosed() throws {
        let index = try meshIndex(directory: "examples/payments-hardened")
        let direct = try evaluate(index, AccessRequest(
            caller: identity("payments/accounts"), destination: .workload(ObjectKey(namespace: "payments", name: "ledger"), port: 8080),
            method: "POST", path: "/ledger/v1/debit", token: Self.token(roles: ["Ledger.Debit"])))
        #expect(direct.decision == .deny)
        #expect(direct.hasStep("DENY payments/ledger-deny-waypoint-bypass: rule 0 matches", .matched))

        let outsider = try evaluate(index, AccessRequest(caller: .anonymous, destination: service("payments", "ledger", port: 8080)))
        #expect(outsider.decision == .refused)
        #expect(outsider.step("sets STRICT mTLS", .matched)?.file == "examples/payments-hardened/peer-authentication.yaml")
    }
}

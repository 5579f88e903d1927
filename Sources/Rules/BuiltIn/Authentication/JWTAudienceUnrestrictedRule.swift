import YAMLModel

/// A jwtRule that accepts tokens minted for any audience.
struct JWTAudienceUnrestrictedRule: BuiltInRule {
    private static let tenant = "6f1c2a4e-8b3d-4c71-9a5e-2d7f0b9c1e38"
    private static let clientID = "b4c1e9a2-3f5d-4e8a-9c7b-1d2e3f4a5b6c"

    static let description = RuleDescription(
        id: "jwt-audience-unrestricted",
        name: "JWT audience unrestricted",
        summary: "A RequestAuthentication jwtRule has no `audiences`, so it accepts tokens its issuer minted for any API.",
        rationale: """
            A jwtRule without `audiences` (absent, null or an empty list) skips Istio's audience check: \
            any token signed by the issuer is valid, whichever API it was minted for. With a shared identity \
            provider that is every other API registered there: in Microsoft Entra ID, a token any \
            application of the tenant obtained for its own API is accepted by this one, so a compromised or \
            merely over-privileged client of another service can call it with the identity and claims of \
            its users. `audiences` makes the proxy (in ambient, the waypoint) reject such tokens with 403 \
            before any AuthorizationPolicy is evaluated. For Entra ID v2 tokens the audience is the API's \
            application (client) ID; v1 tokens carry the client ID or the App ID URI. Audiences declared in \
            `.meshlint.yaml` (`identity.audiences`, by issuer or by `service.namespace`) are used in the fix \
            when present.
            """,
        remediation: """
            Accept only the tokens minted for this API:
            jwtRules:
            - issuer: "https://login.microsoftonline.com/<tenant>/v2.0"
              jwksUri: "https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys"
              audiences: ["<api-client-id>"]
            """,
        severity: .warning,
        area: .authentication,
        tags: ["security", "authentication", "jwt"],
        securitySeverity: 6.5,
        precision: .high,
        references: [
            "https://firebase.google.com/docs/auth/admin/verify-id-tokens#verify_id_tokens_using_a_third-party_jwt_library",
            "https://istio.io/latest/docs/reference/config/security/request_authentication/",
            "https://istio.io/latest/docs/reference/config/security/jwt/",
            "https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference",
        ],
        inputs: [.requestAuthentication],
        triggeringExamples: [
            // No `audiences` key.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - ↓issuer: https://login.microsoftonline.com/\(tenant)/v2.0
                    jwksUri: https://login.microsoftonline.com/\(tenant)/discovery/v2.0/keys
                """),
            // An empty list, or null, is the same; one finding per jwtRule.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
                  jwtRules:
                  - jwksUri: https://auth.example.com/.well-known/jwks.json
                    ↓issuer: https://auth.example.com
                    audiences: []
                  - {↓issuer: "https://partners.example.com", audiences: null}
                  - issuer: https://login.microsoftonline.com/\(tenant)/v2.0
                    audiences: ["\(clientID)"]
                """),
        ],
        nonTriggeringExamples: [
            // Firebase ID tokens always carry the project ID as their audience.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: firebase, namespace: shop}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
                  jwtRules:
                  - issuer: https://securetoken.google.com/shop-prod
                    jwksUri: https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com
                """),
            // Audiences restrict the accepted tokens.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: https://login.microsoftonline.com/\(tenant)/v2.0
                    jwksUri: https://login.microsoftonline.com/\(tenant)/discovery/v2.0/keys
                    audiences: ["\(clientID)"]
                """),
            // No jwtRules at all validates no token: nothing to restrict.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        // A rejected RequestAuthentication accepts nothing at all; another rule reports it.
        context.index.requestAuthentications.filter { !context.index.isRejected($0) }.flatMap { authentication in
            authentication.jwtRules.compactMap { jwtRule in
                jwtRule.node.kind == .mapping && Self.isUnrestricted(jwtRule) && !Self.hasFixedAudience(jwtRule)
                    ? finding(for: jwtRule, in: authentication, settings: context.settings) : nil
            }
        }
    }

    /// Issuers whose every token carries one audience the issuer itself fixes, so that no token of
    /// it was minted for another API: Firebase Authentication / Identity Platform ID tokens
    /// (`https://securetoken.google.com/<project-id>`, `aud` always the project ID, as the
    /// Firebase Admin SDKs verify).
    static let fixedAudienceIssuerPrefixes = ["https://securetoken.google.com/"]

    private static func hasFixedAudience(_ jwtRule: RequestAuthenticationView.JWTRule) -> Bool {
        guard let issuer = jwtRule.issuer?.value else { return false }
        return fixedAudienceIssuerPrefixes.contains { issuer.hasPrefix($0) && issuer.count > $0.count }
    }

    /// `audiences` absent, null or an empty list: Istio then checks no audience.
    private static func isUnrestricted(_ jwtRule: RequestAuthenticationView.JWTRule) -> Bool {
        guard let audiences = jwtRule.node["audiences"] else { return true }
        return audiences.isNull || (audiences.kind == .sequence && audiences.count == 0)
    }

    private func finding(
        for jwtRule: RequestAuthenticationView.JWTRule, in authentication: RequestAuthenticationView, settings: LintSettings
    ) -> Finding {
        let issuer = jwtRule.issuer
        let issuerText = issuer.map { "issuer `\($0.value)`" } ?? "its issuer"
        let entra = issuer.flatMap { EntraID.issuer($0.value) }
        let others: String = if let entra, entra.hasTenantID {
            "any application of Entra tenant \(entra.tenant) obtained for its own API"
        } else {
            "that issuer minted for any other API"
        }
        let message = "\(authentication.resource.displayName) accepts tokens from \(issuerText) for any audience: the jwtRule "
            + "has no `audiences`, so a token \(others) is accepted here too."
        let (audiences, source) = Self.suggestedAudiences(for: jwtRule, in: authentication, settings: settings, entra: entra)
        var lines = ["jwtRules:", "- issuer: \(AuthenticationRemediation.scalar(issuer?.value ?? "<issuer>"))"]
        if let keys = jwtRule.jwksUri { lines.append("  jwksUri: \(AuthenticationRemediation.scalar(keys.value))") }
        lines.append("  audiences: [\(audiences.map { "\"\($0)\"" }.joined(separator: ", "))]")
        let kept = jwtRule.node.pairs.compactMap(\.key.scalar).filter { !["issuer", "jwksUri", "audiences"].contains($0) }
        if !kept.isEmpty { lines.append("  # keep: \(kept.joined(separator: ", "))") }
        let remediation = "Accept only the tokens minted for this API\(source) in \(authentication.resource.displayName):\n"
            + lines.joined(separator: "\n")
        return finding(
            message, on: authentication.resource, at: issuer?.entrySpan ?? jwtRule.node.span, remediation: remediation)
    }

    /// The audiences declared for the issuer or a targeted Service, else a placeholder.
    private static func suggestedAudiences(
        for jwtRule: RequestAuthenticationView.JWTRule, in authentication: RequestAuthenticationView,
        settings: LintSettings, entra: EntraID.Endpoint?
    ) -> (values: [String], source: String) {
        if let issuer = jwtRule.issuer?.value, let declared = settings.expectedAudiences[issuer], !declared.values.isEmpty {
            return (declared.values, " (the audiences .meshlint.yaml declares for the issuer)")
        }
        let namespace = authentication.namespace ?? "default"
        for ref in authentication.targetRefs where ref.groupKind == .service {
            let key = "\(ref.nameValue).\(namespace)"
            if let declared = settings.expectedAudiences[key], !declared.values.isEmpty {
                return (declared.values, " (the audiences .meshlint.yaml declares for \(key))")
            }
        }
        switch entra?.version {
        case .v2?: return (["<api-client-id>"], " (Entra ID v2 tokens carry the API's application (client) ID)")
        case .v1?: return (["<api-client-id>"], " (Entra ID v1 tokens carry the API's client ID or App ID URI)")
        case nil: break
        }
        return (["<api-audience>"], "")
    }
}

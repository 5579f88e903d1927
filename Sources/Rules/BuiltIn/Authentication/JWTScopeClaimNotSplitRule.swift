import YAMLModel

/// A condition on the `scp` claim that Istio compares as one whole string.
struct JWTScopeClaimNotSplitRule: BuiltInRule {
    // MARK: Example fixtures

    private static let tenant = "6f1c2a4e-8b3d-4c71-9a5e-2d7f0b9c1e38"
    private static let clientID = "b4c1e9a2-3f5d-4e8a-9c7b-1d2e3f4a5b6c"
    private static let issuer = "https://login.microsoftonline.com/\(tenant)/v2.0"
    private static let keys = "https://login.microsoftonline.com/\(tenant)/discovery/v2.0/keys"

    /// A waypoint and two Services bound to it.
    private static let mesh = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: waypoint, namespace: payments}
        spec:
          gatewayClassName: istio-waypoint
          listeners:
          - {name: mesh, port: 15008, protocol: HBONE}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: ledger
          namespace: payments
          labels: {istio.io/use-waypoint: waypoint}
        spec: {selector: {app: ledger}, ports: [{port: 8080}]}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: accounts
          namespace: payments
          labels: {istio.io/use-waypoint: waypoint}
        spec: {selector: {app: accounts}, ports: [{port: 8080}]}
        ---

        """

    /// A RequestAuthentication at the waypoint, with `extra` lines appended to its jwtRule.
    private static func waypointAuthentication(_ extra: String = "") -> String {
        """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: entra-jwt, namespace: payments}
        spec:
          targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
          jwtRules:
          - issuer: \(issuer)
            jwksUri: \(keys)
            audiences: ["\(clientID)"]\(extra)
        ---

        """
    }

    /// An AuthorizationPolicy for the `ledger` Service at the waypoint; `↓` marks the condition's key.
    private static let markedLedgerPolicy = """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: ledger-debit, namespace: payments}
        spec:
          targetRefs: [{kind: Service, group: "", name: ledger}]
          rules:
          - to: [{operation: {methods: [POST], paths: [/debits]}}]
            when:
            - key: ↓request.auth.claims[scp]
              values: [ledger.debit]
        """
    private static let ledgerPolicy = String(markedLedgerPolicy.unicodeScalars.filter { Character($0) != Example.marker })

    static let description = RuleDescription(
        id: "jwt-scope-claim-not-split",
        name: "JWT scope claim not split",
        summary: "An AuthorizationPolicy matches `request.auth.claims[scp]`, which Istio compares as one whole string unless the jwtRule lists `scp` in `spaceDelimitedClaims`.",
        rationale: """
            Microsoft Entra ID puts every delegated scope of a user token in ONE space-separated string \
            claim, `scp` (for example `"ledger.read ledger.debit"`). Istio splits only the `scope` and \
            `permission` claims on spaces; any other claim is compared as a whole unless the jwtRule \
            names it in `spaceDelimitedClaims` (Istio 1.28+). So a condition \
            `request.auth.claims[scp]` with `values: [ledger.debit]` matches only tokens whose `scp` is \
            exactly that single scope: an ALLOW rule turns away users who were granted more scopes, and \
            a DENY rule misses them. App-only (client-credentials) tokens carry no `scp` at all, their \
            permissions are in `roles`, so a scope condition never matches service-to-service callers. \
            In ambient the condition is evaluated at the waypoint, with the tokens validated by the \
            RequestAuthentications enforced at that waypoint for the same traffic.
            """,
        remediation: """
            Split `scp` on spaces in the jwtRule that validates these tokens (Istio 1.28+):
            jwtRules:
            - issuer: https://login.microsoftonline.com/<tenant>/v2.0
              jwksUri: https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys
              audiences: ["<api-client-id>"]
              spaceDelimitedClaims: ["scp"]
            and match app-only (client-credentials) callers by their app roles:
            when:
            - key: request.auth.claims[roles]
              values: ["<app-role>"]
            """,
        severity: .warning,
        area: .authentication,
        tags: ["security", "authorization", "jwt"],
        securitySeverity: 4.3,
        precision: .medium,
        references: [
            "https://istio.io/latest/docs/reference/config/security/request_authentication/",
            "https://istio.io/latest/docs/reference/config/security/conditions/",
            "https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference",
        ],
        inputs: [.authorizationPolicy, .requestAuthentication, .gateway, .service],
        triggeringExamples: [
            // At a waypoint whose RequestAuthentication does not split `scp`.
            Example(mesh + waypointAuthentication() + markedLedgerPolicy),
            // Not at a waypoint: the RequestAuthentications of the policy's namespace count.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: orders-jwt, namespace: orders}
                spec:
                  selector: {matchLabels: {app: orders}}
                  jwtRules:
                  - issuer: \(issuer)
                    spaceDelimitedClaims: [roles]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: orders-write, namespace: orders}
                spec:
                  selector: {matchLabels: {app: orders}}
                  rules:
                  - when:
                    - {key: ↓"request.auth.claims[scp]", values: [orders.write]}
                """),
            // The RequestAuthentication that splits `scp` validates another Service's tokens.
            Example(mesh + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: accounts-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: accounts}]
                  jwtRules:
                  - issuer: \(issuer)
                    spaceDelimitedClaims: [scp]
                ---

                """ + markedLedgerPolicy),
            // No RequestAuthentication at the waypoint at all.
            Example(mesh + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: no-admin-scope, namespace: payments}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
                  action: DENY
                  rules:
                  - when:
                    - key: ↓request.auth.claims[scp]
                      values: [ledger.admin]
                """),
        ],
        nonTriggeringExamples: [
            // The waypoint's RequestAuthentication splits `scp`.
            Example(mesh + waypointAuthentication("\n    spaceDelimitedClaims: [\"scp\"]") + ledgerPolicy),
            // Not at a waypoint, and the namespace's RequestAuthentication splits `scp`.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: orders-jwt, namespace: orders}
                spec:
                  selector: {matchLabels: {app: orders}}
                  jwtRules:
                  - issuer: \(issuer)
                    spaceDelimitedClaims: [scp, roles]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: orders-write, namespace: orders}
                spec:
                  selector: {matchLabels: {app: orders}}
                  rules:
                  - when:
                    - {key: "request.auth.claims[scp]", values: [orders.write]}
                """),
            // A mesh-wide RequestAuthentication in the root namespace validates the tokens too.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: entra-jwt, namespace: istio-system}
                spec:
                  jwtRules:
                  - issuer: \(issuer)
                    spaceDelimitedClaims: [scp]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: orders-write, namespace: orders}
                spec:
                  selector: {matchLabels: {app: orders}}
                  rules:
                  - when:
                    - {key: "request.auth.claims[scp]", values: [orders.write]}
                """),
            // App-only callers matched by `roles`; `scope` is always split.
            Example(mesh + waypointAuthentication() + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-debit, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  rules:
                  - when:
                    - key: request.auth.claims[roles]
                      values: [Ledger.Debit]
                  - when:
                    - key: request.auth.claims[scope]
                      values: [ledger.debit]
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        var findings: [Finding] = []
        for policy in context.index.authorizationPolicies {
            let conditions = policy.rules.flatMap(\.conditions).filter { $0.readsClaim("scp") }
            guard !conditions.isEmpty else { continue }
            let scopes = context.index.tokenValidationScopes(of: policy)
            // Where some traffic the policy applies to is validated by no jwtRule that splits `scp`.
            let unsplit = scopes.filter { scope in
                scope.entries.contains { entry in !entry.jwtRules.contains { $0.splits(claim: "scp") } }
            }
            guard !unsplit.isEmpty else { continue }
            for condition in conditions {
                guard let key = condition.key else { continue }
                findings.append(finding(for: policy, condition: condition, key: key, unsplit: unsplit))
            }
        }
        return findings
    }

    private func finding(
        for policy: AuthorizationPolicyView, condition: Condition, key: Spanned<String>, unsplit: [TokenValidationScope]
    ) -> Finding {
        let places = unsplit.map { scope in
            switch scope.place {
            case .waypoint(let waypoint): "at waypoint \(waypoint.namespace)/\(waypoint.name)"
            case .namespace(let namespace): "in namespace \(namespace)"
            }
        }
        let (field, values) = condition.values.isEmpty ? ("notValues", condition.notValues) : ("values", condition.values)
        let written = "`\(field): [\(values.map(\.value).joined(separator: ", "))]`"
        let matches = field == "values" ? "matches" : "excludes"
        let message = "\(policy.resource.displayName) matches `\(key.value)`, but no RequestAuthentication "
            + "\(places.joined(separator: " or ")) lists `scp` in spaceDelimitedClaims. Entra ID puts every delegated "
            + "scope in ONE space-separated `scp` string, so \(written) \(matches) only tokens with exactly that single "
            + "scope; app-only (client-credentials) tokens carry `roles`, not `scp`."
        let authentications = Self.unique(unsplit.flatMap(\.requestAuthentications))
        var related = authentications.map { authentication in
            RelatedLocation(
                "\(authentication.resource.displayName) validates these tokens but does not list `scp` in spaceDelimitedClaims",
                in: authentication.resource)
        }
        for scope in unsplit where scope.requestAuthentications.isEmpty {
            if let waypoint = scope.waypoint {
                related.append(RelatedLocation(
                    "waypoint \(waypoint.namespace)/\(waypoint.name) enforces no RequestAuthentication for this traffic",
                    in: waypoint.gateway.resource))
            }
        }
        return finding(
            message, on: policy.resource, at: key.span, related: related,
            remediation: Self.remediation(authentications: authentications, waypoint: unsplit.compactMap(\.waypoint).first))
    }

    /// The jwtRules to change, with `scp` added to their `spaceDelimitedClaims`, and the `roles` condition.
    private static func remediation(authentications: [RequestAuthenticationView], waypoint: Waypoint?) -> String {
        var text: String
        if authentications.isEmpty {
            let jwtRule = """
                - issuer: https://login.microsoftonline.com/<tenant>/v2.0
                  jwksUri: https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys
                  audiences: ["<api-client-id>"]
                  spaceDelimitedClaims: ["scp"]
                """
            text = "Validate the tokens with a RequestAuthentication whose jwtRule splits `scp` (Istio 1.28+):\n"
            if let waypoint {
                text += """
                    apiVersion: security.istio.io/v1
                    kind: RequestAuthentication
                    metadata:
                      name: \(waypoint.name)-jwt
                      namespace: \(waypoint.namespace)
                    spec:
                      targetRefs:
                      - kind: Gateway
                        group: gateway.networking.k8s.io
                        name: \(waypoint.name)
                      jwtRules:
                    \(jwtRule.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
                    """
            } else {
                text += "jwtRules:\n" + jwtRule
            }
        } else {
            text = "Split `scp` on spaces in the jwtRules that validate these tokens (Istio 1.28+):"
            for authentication in authentications {
                text += "\nin \(authentication.resource.displayName):\njwtRules:"
                for jwtRule in authentication.jwtRules {
                    text += "\n" + jwtRuleYAML(jwtRule)
                }
            }
        }
        return text + """

            and match app-only (client-credentials) callers by their app roles:
            when:
            - key: request.auth.claims[roles]
              values: ["<app-role>"]
            """
    }

    /// One `jwtRules` entry with `scp` added to `spaceDelimitedClaims`.
    private static func jwtRuleYAML(_ jwtRule: RequestAuthenticationView.JWTRule) -> String {
        var lines = ["- issuer: \(quoted(jwtRule.issuer?.value ?? "<issuer>"))"]
        if let keys = jwtRule.jwksUri?.value { lines.append("  jwksUri: \(quoted(keys))") }
        let audiences = jwtRule.audiences.map(\.value)
        if !audiences.isEmpty { lines.append("  audiences: [\(audiences.map(quoted).joined(separator: ", "))]") }
        var claims = jwtRule.spaceDelimitedClaims.map(\.value)
        if !claims.contains("scp") { claims.append("scp") }
        lines.append("  spaceDelimitedClaims: [\(claims.map(quoted).joined(separator: ", "))]")
        return lines.joined(separator: "\n")
    }

    private static func quoted(_ text: String) -> String { AuthenticationRemediation.doubleQuoted(text) }

    private static func unique(_ views: [RequestAuthenticationView]) -> [RequestAuthenticationView] {
        var seen = Set<ResourceOrigin>()
        return views.filter { seen.insert($0.resource.origin).inserted }
    }
}

import YAMLModel

/// JWT `audiences` that cannot match the tokens their issuer mints, and `request.auth.audiences`
/// conditions that no RequestAuthentication at their waypoint lets through.
struct JWTAudienceMismatchRule: BuiltInRule {
    // MARK: Example fixtures

    private static let tenant = "6f1c2a4e-8b3d-4c71-9a5e-2d7f0b9c1e38"
    /// The API's application (client) ID: what Entra v2 tokens carry in `aud`.
    private static let clientID = "b4c1e9a2-3f5d-4e8a-9c7b-1d2e3f4a5b6c"
    private static let otherClientID = "0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a"
    private static let v2Issuer = "https://login.microsoftonline.com/\(tenant)/v2.0"
    private static let v2Keys = "https://login.microsoftonline.com/\(tenant)/discovery/v2.0/keys"
    private static let v1Issuer = "https://sts.windows.net/\(tenant)/"
    private static let v1Keys = "https://login.microsoftonline.com/\(tenant)/discovery/keys"
    /// Where the example configuration declares its audiences.
    private static let configEntry = Span(line: 4, column: 7, length: 20)

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

    /// Validates Entra v2 tokens for the API's client ID at the whole waypoint.
    private static let waypointAuthentication = """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: entra-jwt, namespace: payments}
        spec:
          targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
          jwtRules:
          - issuer: \(v2Issuer)
            jwksUri: \(v2Keys)
            audiences: ["\(clientID)"]
        ---

        """

    static let description = RuleDescription(
        id: "jwt-audience-mismatch",
        name: "JWT audience mismatch",
        summary: "A RequestAuthentication's `audiences` or an AuthorizationPolicy's audience condition cannot match the tokens the issuer mints.",
        rationale: """
            Istio rejects a token whose `aud` claim is not in the jwtRule's `audiences` (403), and a \
            `request.auth.audiences` (or `request.auth.claims[aud]`) condition only sees audiences that a \
            RequestAuthentication at the same proxy accepted. An audience list that differs from what the \
            identity provider puts in its tokens therefore turns away every legitimate caller, or lets \
            tokens minted for another API through. Microsoft Entra ID makes one case certain: access \
            tokens from a v2 issuer (`https://login.microsoftonline.com/<tenant>/v2.0`) always carry the \
            API's application (client) ID, a GUID, as `aud`; an App ID URI such as `api://ledger` only \
            appears in v1 tokens (`https://sts.windows.net/<tenant>/`). For other providers MeshLint \
            compares the audiences with those declared in `.meshlint.yaml` (`identity.audiences`, by \
            issuer URL or by `service.namespace`). In ambient, a RequestAuthentication is enforced at a \
            waypoint: an AuthorizationPolicy there whose audience condition names only audiences that \
            none of the waypoint's RequestAuthentications for the same traffic accepts can never match, \
            so an ALLOW rule admits no one and a DENY rule denies nothing.
            """,
        remediation: """
            Use the audience the identity provider puts in `aud`. For Entra ID v2 tokens that is the \
            API's application (client) ID:
            jwtRules:
            - issuer: https://login.microsoftonline.com/<tenant>/v2.0
              jwksUri: https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys
              audiences:
              - "<api-client-id>"
            and make AuthorizationPolicy conditions name an audience that a RequestAuthentication at the \
            same waypoint accepts:
            when:
            - key: request.auth.audiences
              values: ["<api-client-id>"]
            """,
        severity: .error,
        area: .authentication,
        tags: ["security", "authentication", "jwt", "availability"],
        securitySeverity: 5.9,
        precision: .high,
        references: [
            "https://istio.io/latest/docs/reference/config/security/request_authentication/",
            "https://istio.io/latest/docs/reference/config/security/conditions/",
            "https://istio.io/latest/docs/ambient/usage/l7-features/",
            "https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference",
        ],
        inputs: [.requestAuthentication, .authorizationPolicy, .gateway, .service],
        triggeringExamples: [
            // a. An App ID URI with the v2 issuer: v2 tokens carry the client ID, never the URI.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: \(v2Issuer)
                    jwksUri: \(v2Keys)
                    audiences:
                    - ↓api://ledger
                """),
            // a. One finding per non-GUID audience, even beside the right client ID.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  jwtRules:
                  - issuer: \(v2Issuer)
                    audiences: [↓"api://ledger", "\(clientID)", ↓"https://ledger.example.com"]
                """),
            // b. An audience other than the one declared for the issuer in .meshlint.yaml.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: \(v2Issuer)
                    jwksUri: \(v2Keys)
                    audiences: [↓"\(otherClientID)"]
                """,
                settings: LintSettings(expectedAudiences: [
                    v2Issuer: ExpectedAudiences(values: [clientID], file: ".meshlint.yaml", span: configEntry),
                ])),
            // b. An audience other than the one declared for the targeted Service (`service.namespace`).
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: https://auth.example.com
                    jwksUri: https://auth.example.com/.well-known/jwks.json
                    audiences:
                    - ledger.example.com
                    - ↓orders.example.com
                """,
                settings: LintSettings(expectedAudiences: [
                    "ledger.payments": ExpectedAudiences(values: ["ledger.example.com"], file: ".meshlint.yaml", span: configEntry),
                ])),
            // c. The waypoint's RequestAuthentication accepts only the client ID: the App ID URI never arrives.
            Example(mesh + waypointAuthentication + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-callers, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  rules:
                  - when:
                    - key: request.auth.audiences
                      values: ↓["api://ledger"]
                """),
            // c. `request.auth.claims[aud]` with no RequestAuthentication at the waypoint: no validated token at all.
            Example(mesh + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-callers, namespace: payments}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
                  action: DENY
                  rules:
                  - when:
                    - key: request.auth.claims[aud]
                      values: ↓["\(otherClientID)"]
                """),
            // c. A RequestAuthentication for another Service does not validate this Service's tokens.
            Example(mesh + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: accounts-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: accounts}]
                  jwtRules:
                  - issuer: \(v2Issuer)
                    audiences: ["\(clientID)"]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-callers, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  rules:
                  - when:
                    - key: request.auth.audiences
                      values: ↓["\(clientID)"]
                """),
            // c. A policy that reaches the same waypoint twice (Gateway and a bound Service) is reported once.
            Example(mesh + waypointAuthentication + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-callers, namespace: payments}
                spec:
                  targetRefs:
                  - {kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}
                  - {kind: Service, group: "", name: ledger}
                  rules:
                  - when:
                    - key: request.auth.audiences
                      values: ↓["api://ledger", "api://accounts"]
                """),
        ],
        nonTriggeringExamples: [
            // a. The v2 issuer with the API's client ID.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: \(v2Issuer)
                    jwksUri: \(v2Keys)
                    audiences: ["\(clientID)"]
                """),
            // a. v1 tokens may carry the App ID URI.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  jwtRules:
                  - issuer: \(v1Issuer)
                    jwksUri: \(v1Keys)
                    audiences: ["api://ledger"]
                """),
            // a. Not an Entra issuer, and nothing declared for it.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  jwtRules:
                  - issuer: https://auth.example.com
                    audiences: [ledger.example.com]
                """),
            // b. The audiences declared for the issuer.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: \(v2Issuer)
                    audiences: ["\(clientID)"]
                """,
                settings: LintSettings(expectedAudiences: [
                    v2Issuer: ExpectedAudiences(values: [clientID, otherClientID], file: ".meshlint.yaml", span: configEntry),
                    "ledger.payments": ExpectedAudiences(values: [clientID]),
                ])),
            // b. No `audiences` at all is jwt-audience-unrestricted's concern, not a mismatch.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: https://auth.example.com
                """,
                settings: LintSettings(expectedAudiences: [
                    "https://auth.example.com": ExpectedAudiences(values: ["ledger.example.com"]),
                ])),
            // b. A declaration for another Service does not apply.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: https://auth.example.com
                    audiences: [ledger.example.com]
                """,
                settings: LintSettings(expectedAudiences: [
                    "accounts.payments": ExpectedAudiences(values: ["accounts.example.com"]),
                ])),
            // c. The condition names the audience the waypoint's RequestAuthentication accepts.
            Example(mesh + waypointAuthentication + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-callers, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  rules:
                  - when:
                    - key: request.auth.audiences
                      values: ["\(clientID)"]
                """),
            // c. One accepted value is enough; patterns use Istio's prefix/suffix matching.
            Example(mesh + waypointAuthentication + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-callers, namespace: payments}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
                  rules:
                  - when:
                    - key: request.auth.claims[aud]
                      values: ["api://ledger", "b4c1e9a2-*"]
                """),
            // c. A jwtRule without `audiences` accepts any audience.
            Example(mesh + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: https://auth.example.com
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-callers, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  rules:
                  - when:
                    - key: request.auth.audiences
                      values: [ledger.example.com]
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        context.index.requestAuthentications.flatMap { audienceFindings(in: $0, settings: context.settings) }
            + context.index.authorizationPolicies.flatMap { conditionFindings(in: $0, index: context.index) }
    }

    // MARK: a, b: audiences of a jwtRule

    /// Audiences declared in the configuration that apply to a jwtRule, and what they are declared for.
    private struct Declaration {
        let subject: String
        let expected: ExpectedAudiences

        var related: RelatedLocation? {
            guard let file = expected.file, let span = expected.span else { return nil }
            return RelatedLocation(
                message: "the audiences expected for \(subject) are declared here: \(expected.values.joined(separator: ", "))",
                file: file, span: span, resource: nil)
        }
    }

    private func audienceFindings(in authentication: RequestAuthenticationView, settings: LintSettings) -> [Finding] {
        let namespace = authentication.namespace ?? "default"
        let services = authentication.targetRefs.filter { $0.groupKind == .service }.map(\.nameValue)
        var findings: [Finding] = []
        for jwtRule in authentication.jwtRules {
            let audiences = jwtRule.audiences
            guard !audiences.isEmpty else { continue }
            let issuer = jwtRule.issuer?.value
            var declarations: [Declaration] = []
            if let issuer, let expected = settings.expectedAudiences[issuer] {
                declarations.append(Declaration(subject: "issuer \(issuer)", expected: expected))
            }
            var seenServices = Set<String>()
            for service in services where seenServices.insert(service).inserted {
                if let expected = settings.expectedAudiences["\(service).\(namespace)"] {
                    declarations.append(Declaration(subject: "Service \(namespace)/\(service)", expected: expected))
                }
            }
            let entraV2 = issuer.flatMap(EntraID.issuer).map { $0.version == .v2 } ?? false
            for audience in audiences {
                let violated = declarations.filter { !$0.expected.values.contains(audience.value) }
                if entraV2, !EntraID.isGUID(audience.value), let issuer {
                    findings.append(entraFinding(
                        authentication, jwtRule: jwtRule, audience: audience, issuer: issuer, violated: violated,
                        declarations: declarations))
                } else if !violated.isEmpty {
                    findings.append(declaredFinding(authentication, jwtRule: jwtRule, audience: audience, violated: violated))
                }
            }
        }
        return findings
    }

    private func entraFinding(
        _ authentication: RequestAuthenticationView, jwtRule: RequestAuthenticationView.JWTRule,
        audience: Spanned<String>, issuer: String, violated: [Declaration], declarations: [Declaration]
    ) -> Finding {
        let guids = jwtRule.audiences.map(\.value).filter(EntraID.isGUID)
        let outcome = guids.isEmpty
            ? "so every token will be rejected with 403"
            : "so every token will be rejected with 403 unless its `aud` is \(Self.list(guids)), and this entry matches nothing"
        let message = "\(authentication.resource.displayName) accepts audience `\(audience.value)`, "
            + "which Entra ID v2 tokens never carry. Access tokens from the v2 issuer \(issuer) always carry the API's "
            + "application (client) ID, a GUID, as `aud`, \(outcome)."
        // The client ID to suggest: declared GUIDs first, then the GUIDs already listed, then an App ID URI's GUID.
        var suggested = declarations.flatMap(\.expected.values).filter(EntraID.isGUID)
        if suggested.isEmpty { suggested = guids }
        if suggested.isEmpty, audience.value.hasPrefix("api://"), EntraID.isGUID(String(audience.value.dropFirst(6))) {
            suggested = [String(audience.value.dropFirst(6))]
        }
        if suggested.isEmpty { suggested = ["<api-client-id>"] }
        var seen = Set<String>()
        let fixed = suggested.filter { seen.insert($0).inserted }
        let remediation = """
            Accept the API's application (client) ID, the only audience Entra ID v2 tokens carry (or, if the \
            API's app registration issues v1 tokens, use the v1 issuer https://sts.windows.net/<tenant>/):
            \(Self.jwtRuleYAML(jwtRule, audiences: fixed))
            """
        return finding(
            message, on: authentication.resource, at: audience.span, related: violated.compactMap(\.related),
            remediation: remediation)
    }

    private func declaredFinding(
        _ authentication: RequestAuthenticationView, jwtRule: RequestAuthenticationView.JWTRule,
        audience: Spanned<String>, violated: [Declaration]
    ) -> Finding {
        let declared = violated.map { "\($0.subject) (\(Self.list($0.expected.values)))" }.joined(separator: " and ")
        let accepted = Set(jwtRule.audiences.map(\.value))
        let anyDeclaredAccepted = violated.contains { $0.expected.values.contains(where: accepted.contains) }
        let consequence = anyDeclaredAccepted
            ? "A declared audience is accepted too, so this extra entry only lets through tokens minted for another API."
            : "None of the declared audiences is accepted, so every token minted for this API will be rejected with 403."
        let message = "\(authentication.resource.displayName) accepts audience `\(audience.value)`, "
            + "which .meshlint.yaml does not declare for \(declared). \(consequence)"
        // The audiences every violated declaration allows, else those of the first one.
        var suggested = violated[0].expected.values.filter { value in violated.allSatisfy { $0.expected.values.contains(value) } }
        if suggested.isEmpty { suggested = violated[0].expected.values }
        let remediation = """
            Accept the audiences declared for \(violated.map(\.subject).joined(separator: " and ")) (or update the \
            declaration in .meshlint.yaml if the identity provider changed):
            \(Self.jwtRuleYAML(jwtRule, audiences: suggested))
            """
        return finding(
            message, on: authentication.resource, at: audience.span, related: violated.compactMap(\.related),
            remediation: remediation)
    }

    // MARK: c: audience conditions at a waypoint

    private func conditionFindings(in policy: AuthorizationPolicyView, index: MeshIndex) -> [Finding] {
        let scopes = index.tokenValidationScopes(of: policy).filter { $0.waypoint != nil }
        guard !scopes.isEmpty else { return [] }
        var findings: [Finding] = []
        for rule in policy.rules {
            for condition in rule.conditions where condition.readsAudience {
                let values = condition.values
                guard !values.isEmpty, let key = condition.key else { continue }
                // At a waypoint the condition can never match when, for every way the policy reaches
                // it, no value is an audience that an applicable jwtRule accepts.
                let failing = scopes.filter { scope in
                    scope.entries.allSatisfy { entry in
                        let jwtRules = entry.jwtRules
                        return !values.contains { value in jwtRules.contains { $0.accepts(audienceMatching: value.value) } }
                    }
                }
                guard !failing.isEmpty else { continue }
                findings.append(conditionFinding(policy, condition: condition, key: key.value, values: values, failing: failing))
            }
        }
        return findings
    }

    private func conditionFinding(
        _ policy: AuthorizationPolicyView, condition: Condition, key: String, values: [Spanned<String>],
        failing: [TokenValidationScope]
    ) -> Finding {
        let waypoints = failing.compactMap(\.waypoint)
        let waypointNames = waypoints.map { "\($0.namespace)/\($0.name)" }
        let authentications = Self.unique(failing.flatMap(\.requestAuthentications))
        let accepted = Self.unique(authentications.flatMap(\.jwtRules).flatMap(\.audiences).map(\.value))
        let reason = authentications.isEmpty
            ? "no RequestAuthentication is enforced there for this traffic, so no request carries a validated audience"
            : "`\(key)` holds only audiences a RequestAuthentication at the waypoint accepted, and "
                + authentications.map(\.resource.displayName).joined(separator: ", ")
                + " accept\(authentications.count == 1 ? "s" : "") only \(Self.list(accepted))"
        let effect = switch policy.action {
        case .deny? where !policy.isDryRun: " A DENY rule that never matches denies nothing."
        case .allow? where !policy.isDryRun: " An ALLOW rule that never matches admits no one."
        default: ""
        }
        let expected = (values.count == 1 ? "" : "one of ") + Self.list(values.map(\.value))
        let message = "\(policy.resource.displayName) requires `\(key)` to be \(expected) "
            + "at waypoint \(waypointNames.joined(separator: ", ")), but \(reason): this rule can never match.\(effect)"
        var related = authentications.map { authentication in
            let audiences = Self.unique(authentication.jwtRules.flatMap(\.audiences).map(\.value))
            return RelatedLocation(
                "\(authentication.resource.displayName) is enforced at the waypoint and accepts "
                    + "audiences \(Self.list(audiences))",
                in: authentication.resource)
        }
        for scope in failing where scope.requestAuthentications.isEmpty {
            if let waypoint = scope.waypoint {
                related.append(RelatedLocation(
                    "waypoint \(waypoint.namespace)/\(waypoint.name) enforces no RequestAuthentication for this traffic",
                    in: waypoint.gateway.resource))
            }
        }
        return finding(
            message, on: policy.resource, at: condition.valuesSpan, related: related,
            remediation: Self.conditionRemediation(key: key, values: values.map(\.value), accepted: accepted, waypoint: waypoints[0]))
    }

    private static func conditionRemediation(key: String, values: [String], accepted: [String], waypoint: Waypoint) -> String {
        guard accepted.isEmpty else {
            return """
                Match an audience the waypoint's RequestAuthentication accepts (or add the audience to its \
                jwtRule if tokens for it are expected):
                when:
                - key: \(key)
                  values: [\(accepted.map(quoted).joined(separator: ", "))]
                """
        }
        return """
            Validate tokens at waypoint \(waypoint.namespace)/\(waypoint.name) with a RequestAuthentication that \
            accepts the audience:
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
              - issuer: https://login.microsoftonline.com/<tenant>/v2.0
                jwksUri: https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys
                audiences: [\(values.map(quoted).joined(separator: ", "))]
            """
    }

    // MARK: Helpers

    /// The jwtRule as a pasteable `jwtRules` entry with `audiences` replaced.
    private static func jwtRuleYAML(_ jwtRule: RequestAuthenticationView.JWTRule, audiences: [String]) -> String {
        var lines = ["jwtRules:", "- issuer: \(quoted(jwtRule.issuer?.value ?? "<issuer>"))"]
        if let keys = jwtRule.jwksUri?.value { lines.append("  jwksUri: \(quoted(keys))") }
        lines.append("  audiences:")
        lines += audiences.map { "  - \(quoted($0))" }
        return lines.joined(separator: "\n")
    }

    private static func quoted(_ text: String) -> String { AuthenticationRemediation.doubleQuoted(text) }

    private static func list(_ values: [String]) -> String {
        values.map { "`\($0)`" }.joined(separator: ", ")
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    private static func unique<View: ResourceView>(_ views: [View]) -> [View] {
        var seen = Set<ResourceOrigin>()
        return views.filter { seen.insert($0.resource.origin).inserted }
    }
}

import YAMLModel

/// An ALLOW rule at a waypoint that admits any request carrying an `Authorization` header, where no
/// RequestAuthentication validates it: any caller can write any header.
struct AuthorizationHeaderNotValidatedRule: BuiltInRule {
    /// The payments waypoint, with Service `ledger` bound to it by the namespace's label.
    private static let payments = ExampleFixtures.paymentsWithWaypoint + """
        apiVersion: v1
        kind: Service
        metadata: {name: ledger, namespace: payments}
        spec: {selector: {app: ledger}, ports: [{name: http, port: 8080}]}
        ---

        """

    private static let headerPolicy = """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: signed-in, namespace: payments}
        spec:
          targetRefs: [{kind: Service, group: "", name: ledger}]
          rules:
          - when:
            - key: ↓request.headers[Authorization]
              values: ["*"]
        """

    static let description = RuleDescription(
        id: "authorization-header-not-validated",
        name: "Authorization header not validated",
        summary: "An ALLOW rule admits any request that carries an Authorization header, at a waypoint where no RequestAuthentication validates it.",
        rationale: """
            A condition on `request.headers[authorization]` (`values: ["*"]`, or `notValues: [""]`) \
            only asks that the header be present: the waypoint compares strings and checks no \
            signature. Unless a RequestAuthentication is enforced at the same waypoint, any caller that \
            writes `Authorization: Bearer x` is admitted, so the rule reads like "signed-in users only" \
            and admits everyone. A RequestAuthentication at the waypoint rejects invalid tokens, and a \
            rule on `requestPrincipals` (or `request.auth.*`) then requires a valid one.
            """,
        remediation: """
            Validate the token at the waypoint and require a valid one instead of the header:
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata:
              name: <name>-jwt
              namespace: <namespace>
            spec:
              targetRefs:
              - kind: Gateway
                group: gateway.networking.k8s.io
                name: <waypoint>
              jwtRules:
              - issuer: <issuer>
                audiences: [<audience>]
            and in the AuthorizationPolicy rule:
              from:
              - source:
                  requestPrincipals: ["<issuer>/*"]
            """,
        severity: .warning,
        area: .authentication,
        tags: ["security", "authentication", "jwt"],
        securitySeverity: 7.0,
        precision: .high,
        references: [
            "https://istio.io/latest/docs/reference/config/security/conditions/",
            "https://istio.io/latest/docs/reference/config/security/request_authentication/",
            "https://istio.io/latest/docs/tasks/security/authentication/authn-policy/#require-a-valid-token",
        ],
        inputs: [.authorizationPolicy, .requestAuthentication, .gateway, .service],
        triggeringExamples: [
            Example(payments + headerPolicy),
            // `notValues: [""]` asks for the same: a non-empty header.
            Example(payments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: signed-in, namespace: payments}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: payments-waypoint}]
                  rules:
                  - to: [{operation: {methods: [GET]}}]
                    when: [{key: ↓"request.headers[authorization]", notValues: [""]}]
                """),
        ],
        nonTriggeringExamples: [
            // A RequestAuthentication at the waypoint validates the header's token.
            Example(payments + headerPolicy.filter { $0 != Example.marker } + """

                ---
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: payments-waypoint}]
                  jwtRules: [{issuer: "https://issuer.example.com", audiences: [ledger]}]
                """),
            // A specific header value, or a DENY on the header, is not authentication.
            Example(payments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: no-basic, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  action: DENY
                  rules: [{when: [{key: "request.headers[authorization]", values: ["Basic *"]}]}]
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        var seen = Set<ObjectIdentifier>()
        for waypoint in index.waypoints where index.requestAuthentications(at: waypoint).isEmpty {
            for placed in index.authorizationPolicies(at: waypoint) {
                let policy = placed.policy
                guard policy.action == .allow, !policy.isDryRun, seen.insert(ObjectIdentifier(policy.resource)).inserted else { continue }
                // A rule that names its callers admits only them, header or not.
                for rule in policy.rules where rule.sources.isEmpty || rule.sources.contains(where: \.admitsAnyPeer) {
                    guard let condition = rule.conditions.first(where: Self.onlyRequiresAuthorizationHeader), let key = condition.key
                    else { continue }
                    findings.append(finding(
                        "\(policy.resource.displayName) admits any request that carries an Authorization header, but no "
                            + "RequestAuthentication is enforced at waypoint \(waypoint.key): nothing validates the header, so any "
                            + "caller that writes one is admitted.",
                        on: policy.resource, at: key.span,
                        related: [RelatedLocation("waypoint \(waypoint.key), with no RequestAuthentication", in: waypoint.gateway.resource)]))
                }
            }
        }
        return findings
    }

    /// A condition that admits any non-empty `Authorization` header: `values: ["*"]` or `notValues: [""]`.
    private static func onlyRequiresAuthorizationHeader(_ condition: Condition) -> Bool {
        guard let key = condition.key?.value.lowercased(), key == "request.headers[authorization]" else { return false }
        return condition.values.contains { $0.value == "*" } || (condition.values.isEmpty && condition.notValues.map(\.value) == [""])
    }
}

import YAMLModel

/// A RequestAuthentication enforced at a waypoint where nothing makes a token mandatory: requests
/// without one pass as anonymous.
struct JWTNotRequiredRule: BuiltInRule {
    /// A waypoint in `payments` with two Services bound to it, `ledger` and `reports`.
    private static let mesh = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: waypoint, namespace: payments}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
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
          name: reports
          namespace: payments
          labels: {istio.io/use-waypoint: waypoint}
        spec: {selector: {app: reports}, ports: [{port: 8080}]}
        ---

        """

    /// A RequestAuthentication at the waypoint (all of its traffic); `marker` before its targetRefs entry.
    private static func gatewayJWT(_ marker: String = "") -> String {
        """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: payments-jwt, namespace: payments}
        spec:
          targetRefs:
          - \(marker)kind: Gateway
            group: gateway.networking.k8s.io
            name: waypoint
          jwtRules:
          - issuer: "https://login.microsoftonline.com/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/v2.0"
            jwksUri: "https://login.microsoftonline.com/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/discovery/v2.0/keys"
            audiences: ["3f6b2a10-9c1d-4e8f-a7b6-5d4c3b2a1f0e"]
        ---

        """
    }

    /// The usual "require a JWT" policy, targeting `kind`/`name`.
    private static func denyWithoutToken(_ name: String, kind: String = "Gateway", target: String = "waypoint",
                                         namespace: String = "payments", annotations: String = "") -> String {
        let group = kind == "Service" ? "\"\"" : "gateway.networking.k8s.io"
        return """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: \(name), namespace: \(namespace)\(annotations)}
            spec:
              targetRefs: [{kind: \(kind), group: \(group), name: \(target)}]
              action: DENY
              rules:
              - from: [{source: {notRequestPrincipals: ["*"]}}]
            ---

            """
    }

    static let description = RuleDescription(
        id: "jwt-not-required",
        name: "JWT not required",
        summary: "A RequestAuthentication is enforced at a waypoint where no AuthorizationPolicy makes a token mandatory, so requests without one pass as anonymous.",
        rationale: """
            A RequestAuthentication only says which tokens are valid: a request with an invalid token is \
            rejected, but a request with no token at all is accepted, with no request principal. Only an \
            AuthorizationPolicy enforced at the same waypoint makes a token mandatory: a DENY with \
            `notRequestPrincipals: ["*"]`, or ALLOW policies whose every rule requires `requestPrincipals` \
            or a `request.auth.*` condition. A policy with a `selector`, or with neither `selector` nor \
            `targetRefs`, is ztunnel's: ztunnel never sees a token, so the DENY is a no-op there. A dry-run \
            policy is logged, not enforced. A RequestAuthentication that targets the whole waypoint needs \
            the requirement for all the waypoint's traffic, or for every Service bound to it.
            """,
        remediation: """
            Deny requests without a token where the RequestAuthentication is enforced (same targetRefs):
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata:
              name: <name>-require-token
              namespace: <namespace>
            spec:
              targetRefs:
              - kind: Gateway
                group: gateway.networking.k8s.io
                name: <waypoint>
              action: DENY
              rules:
              - from:
                - source:
                    notRequestPrincipals: ["*"]
            """,
        severity: .error,
        area: .authentication,
        tags: ["security", "authentication", "jwt"],
        securitySeverity: 9.1,
        precision: .high,
        references: [
            "https://istio.io/latest/docs/reference/config/security/request_authentication/",
            "https://istio.io/latest/docs/tasks/security/authentication/authn-policy/#require-a-valid-token",
            "https://istio.io/latest/docs/ambient/usage/l7-features/",
        ],
        inputs: [.gateway, .gatewayClass, .service, .serviceEntry, .namespace, .deployment, .requestAuthentication, .authorizationPolicy],
        triggeringExamples: [
            // Nothing at the waypoint requires a token.
            Example(Self.mesh + Self.gatewayJWT("↓")),
            // A RequestAuthentication for one bound Service, nothing requiring a token for it.
            Example(Self.mesh + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [↓{kind: Service, group: "", name: ledger}]
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
            // Every waypoint (GatewayClass from the root namespace); none requires a token.
            Example(Self.mesh + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: mesh-jwt, namespace: istio-system}
                spec:
                  targetRefs:
                  - ↓kind: GatewayClass
                    group: gateway.networking.k8s.io
                    name: istio-waypoint
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
            // A dry-run AuthorizationPolicy is logged, not enforced.
            Example(Self.mesh + Self.gatewayJWT("↓")
                + Self.denyWithoutToken("require-jwt", annotations: ", annotations: {istio.io/dry-run: \"true\"}")),
            // A selector DENY is ztunnel's: it never sees the token.
            Example(Self.mesh + Self.gatewayJWT("↓") + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: require-jwt, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  action: DENY
                  rules:
                  - from: [{source: {notRequestPrincipals: ["*"]}}]
                """),
            // The whole waypoint validates tokens, but only `ledger` requires one: `reports` is open.
            Example(Self.mesh + Self.gatewayJWT("↓")
                + Self.denyWithoutToken("ledger-require-jwt", kind: "Service", target: "ledger")),
            // An ALLOW rule without a request principal (rules[1]) lets anonymous callers in.
            Example(Self.mesh + Self.gatewayJWT("↓") + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: allow-callers, namespace: payments}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
                  rules:
                  - from: [{source: {requestPrincipals: ["*"]}}]
                  - from: [{source: {namespaces: [checkout]}}]
                """),
            // One finding per targetRefs entry.
            Example(Self.mesh + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: services-jwt, namespace: payments}
                spec:
                  targetRefs:
                  - ↓{kind: Service, group: "", name: ledger}
                  - ↓{kind: Service, group: "", name: reports}
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
            // Requiring a token at another waypoint does not help this one.
            Example(Self.mesh + Self.gatewayJWT("↓") + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: reports-waypoint, namespace: payments}
                spec:
                  gatewayClassName: istio-waypoint
                  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
                ---

                """ + Self.denyWithoutToken("require-jwt", target: "reports-waypoint")),
            // Per-Service requirements leave traffic addressed to a bound workload open.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: waypoint
                  namespace: payments
                  labels: {istio.io/waypoint-for: all}
                spec:
                  gatewayClassName: istio-waypoint
                  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  namespace: payments
                  labels: {istio.io/use-waypoint: waypoint}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: ledger-db, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger-db}}
                  template:
                    metadata:
                      labels: {app: ledger-db, istio.io/use-waypoint: waypoint}
                    spec:
                      containers: [{name: db, image: postgres:16}]
                ---

                """ + Self.gatewayJWT("↓") + Self.denyWithoutToken("ledger-require-jwt", kind: "Service", target: "ledger")),
            // A waypoint that nothing is bound to yet: the first Service bound to it will be open.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: waypoint, namespace: payments}
                spec:
                  gatewayClassName: istio-waypoint
                  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
                ---

                """ + Self.gatewayJWT("↓")),
        ],
        nonTriggeringExamples: [
            // The usual pair: validate and require at the waypoint.
            Example(Self.mesh + Self.gatewayJWT() + Self.denyWithoutToken("require-jwt")),
            // ALLOW rules that all need a request principal (or a request.auth condition).
            Example(Self.mesh + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  rules:
                  - from: [{source: {requestPrincipals: ["https://issuer.example.com/*"]}}]
                  - when: [{key: "request.auth.claims[roles]", values: [ledger.read]}]
                """),
            // A token required for every Service bound to the waypoint.
            Example(Self.mesh + Self.gatewayJWT()
                + Self.denyWithoutToken("ledger-require-jwt", kind: "Service", target: "ledger")
                + Self.denyWithoutToken("reports-require-jwt", kind: "Service", target: "reports")),
            // Required at every waypoint from the root namespace.
            Example(Self.mesh + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: mesh-jwt, namespace: istio-system}
                spec:
                  targetRefs: [{kind: GatewayClass, group: gateway.networking.k8s.io, name: istio-waypoint}]
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                ---

                """ + Self.denyWithoutToken("mesh-require-jwt", kind: "GatewayClass", target: "istio-waypoint", namespace: "istio-system")),
            // A waypoint-wide requirement covers a Service-scoped RequestAuthentication.
            Example(Self.mesh + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                ---

                """ + Self.denyWithoutToken("require-jwt")),
            // Not enforced at a waypoint (a Service without one): request-authentication-without-waypoint's case.
            Example("""
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
            // A selector RequestAuthentication is not a waypoint's (sidecars or nothing enforce it).
            Example(Self.mesh + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
        ])

    /// Where a RequestAuthentication enforced at a waypoint leaves tokens optional.
    private struct Gap {
        let waypoint: Waypoint
        /// The Services and ServiceEntries (or workloads) with no requirement; empty when the waypoint
        /// serves nothing the input shows.
        let open: [Resource]
        /// The service the gap is about, for the near misses (nil: the whole waypoint).
        let service: ObjectKey?
    }

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        for policy in index.requestAuthentications {
            let attachment = index.attachment(of: policy)
            guard attachment.scope == .targetRefs else { continue }
            for target in attachment.targets {
                let waypoints: [Waypoint]
                switch target.outcome {
                case .waypoint(let waypoint): waypoints = [waypoint]
                case .allWaypoints: waypoints = index.waypoints
                default: continue
                }
                let gaps = waypoints.compactMap { Self.gap(at: $0, for: target, in: index) }
                guard !gaps.isEmpty else { continue }
                findings.append(finding(for: policy, target: target, gaps: gaps, in: index))
            }
        }
        return findings
    }

    /// The traffic at `waypoint` that `target` covers and no enforced policy requires a token for.
    private static func gap(at waypoint: Waypoint, for target: ResolvedTarget, in index: MeshIndex) -> Gap? {
        if let service = target.service {
            guard !index.tokenRequirement(at: waypoint, for: service).isMandatory else { return nil }
            let resource = index.service(service)?.resource ?? index.serviceEntry(service)?.resource
            return Gap(waypoint: waypoint, open: resource.map { [$0] } ?? [], service: service)
        }
        guard !index.tokenRequirement(at: waypoint, for: nil).isMandatory else { return nil }
        let bound = index.resourcesBound(to: waypoint)
        let services = bound.filter { $0.groupKind == .service || $0.groupKind == .serviceEntry }
        // Traffic to a workload's own address matches no Service-scoped policy.
        let workloads = bound.filter { GroupKind.workloads.contains($0.groupKind) }
        let open = services.filter {
            !index.tokenRequirement(at: waypoint, for: ObjectKey(namespace: $0.namespace, name: $0.name)).isMandatory
        }
        if open.isEmpty, workloads.isEmpty, !services.isEmpty { return nil }
        return Gap(waypoint: waypoint, open: open + workloads, service: nil)
    }

    private func finding(for policy: RequestAuthenticationView, target: ResolvedTarget, gaps: [Gap], in index: MeshIndex) -> Finding {
        let name = policy.resource.displayName
        func traffic(_ gap: Gap) -> String {
            gap.open.isEmpty ? "its traffic" : AuthenticationRemediation.list(gap.open.map(\.displayName))
        }
        var message = "\(name) validates tokens at "
            + AuthenticationRemediation.list(gaps.map { $0.waypoint.gateway.resource.displayName })
            + ", but nothing there requires one: requests without a token are accepted as anonymous. "
            + "A RequestAuthentication only rejects invalid tokens, and no AuthorizationPolicy enforced "
        if gaps.count == 1, let gap = gaps.first {
            message += "at the waypoint requires a request principal for \(traffic(gap))."
        } else {
            message += "at these waypoints requires a request principal: "
                + gaps.map { "\($0.waypoint.gateway.resource.displayName) (for \(traffic($0)))" }.joined(separator: "; ") + "."
        }
        var related: [RelatedLocation] = []
        var seenNearMisses = Set<ResourceOrigin>()
        for gap in gaps {
            related.append(RelatedLocation("the waypoint that enforces \(name)", in: gap.waypoint.gateway.resource))
            related += gap.open.prefix(3).map { resource in
                RelatedLocation("served by this waypoint; no policy there requires a token for it", in: resource,
                                at: AuthenticationRemediation.bindingSpan(of: resource, in: index))
            }
            for miss in index.tokenRequirementNearMisses(at: gap.waypoint, for: gap.service)
            where seenNearMisses.insert(miss.policy.resource.origin).inserted {
                let why = Self.explanation(of: miss)
                message += " \(miss.policy.resource.displayName) does not count: \(why)."
                related.append(RelatedLocation(why, in: miss.policy.resource, at: miss.span))
            }
        }
        let ref = AuthenticationRemediation.Ref(target.ref)
        let fix = "Deny requests without a token where \(name) is enforced (the same targetRefs entry, \(ref.kind) \(ref.name)):\n"
            + AuthenticationRemediation.requireToken(
                name: "\(policy.name)-require-token", namespace: policy.namespace ?? "default", refs: [ref])
        return finding(message, on: policy.resource, at: target.ref.span, related: related, remediation: fix)
    }

    static func explanation(of miss: TokenRequirementNearMiss) -> String {
        switch miss.reason {
        case .dryRun: "it is annotated istio.io/dry-run: \"true\", so it is logged, not enforced"
        case .enforcedByZtunnel: "it has no targetRefs, so ztunnel enforces it, which never sees a token (waypoints ignore it)"
        case .allowsWithoutToken:
            "its rules[\(miss.rule?.index ?? 0)] requires no request principal, so it admits requests without a token"
        }
    }
}

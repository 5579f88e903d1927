import YAMLModel

/// A waypoint that serves traffic but validates no JWT: no RequestAuthentication is enforced at it.
struct WaypointWithoutRequestAuthenticationRule: BuiltInRule {
    /// A waypoint in `payments`; `marker` goes before its name (where the finding lands).
    private static func waypoint(_ marker: String = "", name: String = "waypoint", namespace: String = "payments") -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: \(marker)\(name)
          namespace: \(namespace)
        spec:
          gatewayClassName: istio-waypoint
          listeners:
          - {name: mesh, port: 15008, protocol: HBONE}
        ---

        """
    }

    /// A Service of `payments` bound to the waypoint by its own label.
    private static let boundService = """
        apiVersion: v1
        kind: Service
        metadata:
          name: ledger
          namespace: payments
          labels: {istio.io/use-waypoint: waypoint}
        spec:
          selector: {app: ledger}
          ports: [{port: 8080}]
        ---

        """

    static let description = RuleDescription(
        id: "waypoint-without-request-authentication",
        name: "Waypoint without RequestAuthentication",
        summary: "A waypoint serves Services or workloads but no RequestAuthentication is enforced at it, so it validates no JWT.",
        rationale: """
            In ambient mode only a waypoint can validate JSON Web Tokens: ztunnel works at L4 and never \
            sees a request's headers. A waypoint applies a RequestAuthentication only when the policy \
            targets it (`targetRefs` to its Gateway, to a Service bound to it, or, from the root \
            namespace, to the `istio-waypoint` GatewayClass). A RequestAuthentication with a `selector`, \
            or with neither `selector` nor `targetRefs`, is a sidecar-era policy that waypoints ignore. \
            Without one at the waypoint, authorization rules on `requestPrincipals` or `request.auth.*` \
            never match there, and forged or expired tokens reach the applications unchecked. \
            The rule fires on JWT intent: a RequestAuthentication anywhere in the input, a policy on \
            `requestPrincipals` or `request.auth.*`, `identity.audiences` in .meshlint.yaml, or \
            `identity.requireJWT: true` for a waypoint that may serve HTTP. A mesh that carries no tokens \
            (a waypoint for traffic splitting, or for a TCP database) has nothing to validate: without \
            intent the finding is a note where the waypoint certainly serves HTTP, and nothing otherwise.
            """,
        remediation: """
            Add a RequestAuthentication that targets the waypoint's Gateway (set your issuer, key set and \
            audiences), then make a token mandatory with an AuthorizationPolicy (see jwt-not-required):
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata:
              name: <waypoint>-jwt
              namespace: <namespace>
            spec:
              targetRefs:
              - kind: Gateway
                group: gateway.networking.k8s.io
                name: <waypoint>
              jwtRules:
              - issuer: "https://issuer.example.com"
                jwksUri: "https://issuer.example.com/.well-known/jwks.json"
                audiences: ["my-api"]
            """,
        severity: .warning,
        area: .authentication,
        tags: ["security", "authentication", "waypoint"],
        securitySeverity: 6.5,
        precision: .medium,
        references: [
            "https://istio.io/latest/docs/ambient/usage/l7-features/",
            "https://istio.io/latest/docs/reference/config/security/request_authentication/",
            "https://istio.io/latest/docs/ambient/migrate/migrate-policies/",
        ],
        inputs: [.gateway, .gatewayClass, .service, .serviceEntry, .namespace, .deployment, .requestAuthentication],
        triggeringExamples: [
            // A waypoint with a bound Service and no RequestAuthentication at all, where the
            // configuration requires JWTs on HTTP.
            Example(Self.waypoint("↓") + Self.boundService, configuration: "identity: {requireJWT: true}\n"),
            // The same, in a mesh whose policies read request principals elsewhere.
            Example(Self.waypoint("↓") + Self.boundService + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: admins, namespace: reports}
                spec:
                  rules: [{from: [{source: {requestPrincipals: ["https://issuer.example.com/*"]}}]}]
                """),
            // A selector RequestAuthentication in the waypoint's namespace: the waypoint ignores it.
            Example(Self.waypoint("↓") + Self.boundService + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  jwtRules: [{issuer: "https://login.microsoftonline.com/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/v2.0"}]
                """),
            // A namespace-wide RequestAuthentication (no selector, no targetRefs): ignored as well.
            Example(Self.waypoint("↓") + Self.boundService + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: payments-jwt, namespace: payments}
                spec:
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
            // Bound through the Namespace's label, the Service counts as served.
            Example(Self.waypoint("↓") + """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{name: http, port: 8080}]}
                """, configuration: "identity: {requireJWT: true}\n"),
            // A workload waypoint serving a Deployment bound by its pod label.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: ↓ledger-waypoint
                  namespace: payments
                  labels: {istio.io/waypoint-for: workload}
                spec:
                  gatewayClassName: istio-waypoint
                  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  template:
                    metadata:
                      labels: {app: ledger, istio.io/use-waypoint: ledger-waypoint}
                    spec:
                      containers: [{name: ledger, image: ledger:1.0}]
                """, configuration: "identity: {requireJWT: true}\n"),
            // A RequestAuthentication targeting a Service that is not bound to the waypoint.
            Example(Self.waypoint("↓") + Self.boundService + """
                apiVersion: v1
                kind: Service
                metadata: {name: reports, namespace: payments}
                spec: {selector: {app: reports}, ports: [{port: 8080}]}
                ---
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: reports-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: reports}]
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
            // The waypoint GatewayClass can be targeted only from the root namespace.
            Example(Self.waypoint("↓") + Self.boundService + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: all-waypoints-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: GatewayClass, group: gateway.networking.k8s.io, name: istio-waypoint}]
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
            // Two waypoints, only one of them covered.
            Example(Self.waypoint() + Self.waypoint("↓", name: "reports-waypoint") + Self.boundService + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: reports
                  namespace: payments
                  labels: {istio.io/use-waypoint: reports-waypoint}
                spec: {selector: {app: reports}, ports: [{port: 8080}]}
                ---
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
        ],
        nonTriggeringExamples: [
            // targetRefs to the waypoint's Gateway.
            Example(Self.waypoint() + Self.boundService + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: waypoint-jwt, namespace: payments}
                spec:
                  targetRefs:
                  - kind: Gateway
                    group: gateway.networking.k8s.io
                    name: waypoint
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
            // targetRefs to a Service bound to the waypoint.
            Example(Self.waypoint() + Self.boundService + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
            // The istio-waypoint GatewayClass from the root namespace: every waypoint enforces it.
            Example(Self.waypoint() + Self.boundService + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: mesh-jwt, namespace: istio-system}
                spec:
                  targetRefs: [{kind: GatewayClass, group: gateway.networking.k8s.io, name: istio-waypoint}]
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
            // The root namespace can be set (meshConfig.rootNamespace).
            Example(Self.waypoint() + Self.boundService + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: mesh-jwt, namespace: mesh-root}
                spec:
                  targetRefs: [{kind: GatewayClass, group: gateway.networking.k8s.io, name: istio-waypoint}]
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """, rootNamespace: "mesh-root"),
            // A waypoint that nothing is bound to serves no traffic yet.
            Example(Self.waypoint()),
            // A Service that opts out (`none`) is not served by the waypoint.
            Example(Self.waypoint() + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  namespace: payments
                  labels: {istio.io/use-waypoint: none}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                """),
            // An ingress gateway is not a waypoint.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: ingress, namespace: payments}
                spec:
                  gatewayClassName: istio
                  listeners: [{name: http, port: 80, protocol: HTTP}]
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        let intent = index.jwtIntent
        return index.waypoints.compactMap { waypoint -> Finding? in
            let bound = index.resourcesBound(to: waypoint)
            guard !bound.isEmpty, index.requestAuthentications(at: waypoint).isEmpty else { return nil }
            // Without JWT intent in the input a missing RequestAuthentication leaves nothing
            // open: at most a note, and only where the waypoint certainly serves HTTP.
            let traffic = Self.traffic(of: bound, in: index)
            let configured = !context.settings.expectedAudiences.isEmpty
                || (context.settings.requireJWT && traffic != .notHTTP)
            // A waypoint that carries only TCP sees no request, so no token, whatever the intent.
            guard traffic != .notHTTP, intent != nil || configured || traffic == .http else { return nil }
            let ignored = index.requestAuthentications(in: waypoint.namespace).filter {
                index.attachment(of: $0).isEnforcedByZtunnel
            }
            var message = "\(waypoint.gateway.resource.displayName) is a waypoint with no RequestAuthentication: "
                + "it validates no JWT for \(AuthenticationRemediation.list(bound.map(\.displayName))), which it serves. "
                + "Only a RequestAuthentication that targets the waypoint, a Service bound to it or the istio-waypoint "
                + "GatewayClass is enforced there, so rules on request principals never match and tokens reach the "
                + "applications unchecked."
            for policy in ignored {
                let scope = index.attachment(of: policy).scope
                message += " \(policy.resource.displayName) does not count: it \(AuthenticationRemediation.describe(scope)), "
                    + "and waypoints ignore such RequestAuthentications."
            }
            var related = bound.prefix(3).map { resource in
                RelatedLocation("bound to this waypoint", in: resource,
                                at: AuthenticationRemediation.bindingSpan(of: resource, in: index))
            }
            related += ignored.map { policy in
                RelatedLocation(
                    "\(AuthenticationRemediation.describe(index.attachment(of: policy).scope)): waypoints ignore it",
                    in: policy.resource, at: policy.selectorSpan ?? policy.resource.nameSpan)
            }
            if let intent, !related.contains(where: { $0.resource == ResourceRef(intent.resource) }) {
                related.append(RelatedLocation("the mesh uses JWTs: \(intent.description)", in: intent.resource, at: intent.span))
            }
            var reported = finding(
                message, on: waypoint.gateway.resource, at: waypoint.gateway.resource.nameSpan, related: related,
                remediation: Self.remediation(for: waypoint, replacing: ignored.first))
            if intent == nil, !configured {
                reported = reported.noted(
                    "Only a note: nothing in the input uses JWTs (no RequestAuthentication, no policy on request "
                        + "principals or request.auth claims, no identity settings in .meshlint.yaml), so the waypoint may "
                        + "well have no tokens to validate; set identity.requireJWT: true in .meshlint.yaml to require them.")
            }
            return reported
        }
    }

    /// What the Services bound to the waypoint carry: HTTP when one does, not HTTP when all declare
    /// another protocol (a ServiceEntry or workload counts as undeclared).
    private static func traffic(of bound: [Resource], in index: MeshIndex) -> ServiceTraffic {
        var result = ServiceTraffic.notHTTP
        for resource in bound {
            guard let service = ServiceView(resource) else {
                result = .unknown
                continue
            }
            switch service.traffic {
            case .http: return .http
            case .unknown: result = .unknown
            case .notHTTP: continue
            }
        }
        return result
    }

    /// A RequestAuthentication targeting the waypoint, with the jwtRules of an ignored one when there is one.
    static func remediation(for waypoint: Waypoint, replacing ignored: RequestAuthenticationView?) -> String {
        let intro = if let ignored {
            "Enforce \(ignored.resource.displayName) at the waypoint: "
                + (ignored.selector == nil ? "add targetRefs" : "replace its selector with targetRefs")
                + " to Gateway \(waypoint.namespace)/\(waypoint.name), then make a token mandatory with an "
                + "AuthorizationPolicy (see jwt-not-required):"
        } else {
            "Add a RequestAuthentication that targets Gateway \(waypoint.namespace)/\(waypoint.name) (set your issuer, "
                + "key set and audiences), then make a token mandatory with an AuthorizationPolicy (see jwt-not-required):"
        }
        let name = ignored?.name ?? "\(waypoint.name)-jwt"
        return intro + "\n" + AuthenticationRemediation.requestAuthentication(
            name: name, namespace: waypoint.namespace, refs: [.gateway(waypoint.name)], jwtRulesFrom: ignored)
    }
}

import YAMLModel

/// An ingress gateway routing to a waypoint-bound Service straight to its pods, past the L7 policy
/// enforced at the waypoint.
struct IngressBypassesWaypointRule: BuiltInRule {
    /// Namespace `payments` with its waypoint, Service `ledger` and an L7 policy for it at the waypoint;
    /// `namespaceLabels` continue the namespace's flow map of labels.
    private static func boundLedger(namespaceLabels: String = "", serviceLabels: String = "{}") -> String {
        """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: payments
              labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: payments-waypoint\(namespaceLabels)}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: payments-waypoint, namespace: payments}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: ledger
              namespace: payments
              labels: \(serviceLabels)
            spec: {selector: {app: ledger}, ports: [{port: 8080}]}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ledger-debit, namespace: payments}
            spec:
              targetRefs: [{kind: Service, group: "", name: ledger}]
              rules:
              - from: [{source: {principals: [cluster.local/ns/payments/sa/accounts]}}]
                to: [{operation: {methods: [POST], paths: [/ledger/v1/debit]}}]
            ---

            """
    }

    /// The ingress Gateway `public` in `istio-ingress`.
    private static let ingressGateway = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: public, namespace: istio-ingress}
        spec:
          gatewayClassName: istio
          listeners:
          - name: https
            port: 443
            protocol: HTTPS
            allowedRoutes: {namespaces: {from: All}}
        ---

        """

    /// An HTTPRoute from the ingress Gateway to `ledger`; `↓` marks the backendRef.
    private static let markedIngressRoute = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: ledger, namespace: payments}
        spec:
          parentRefs:
          - {name: public, namespace: istio-ingress}
          rules:
          - matches: [{path: {type: PathPrefix, value: /ledger}}]
            backendRefs:
            - ↓name: ledger
              port: 8080
        """
    private static let ingressRoute = String(markedIngressRoute.unicodeScalars.filter { Character($0) != Example.marker })

    static let description = RuleDescription(
        id: "ingress-bypasses-waypoint",
        name: "Ingress bypasses waypoint",
        summary: "An ingress gateway routes to a Service whose L7 policy is enforced at its waypoint, but the Service does not ask ingress traffic to use the waypoint.",
        rationale: """
            A waypoint enforces the L7 policy of the Services bound to it (AuthorizationPolicies and \
            RequestAuthentications attached with `targetRefs`), but only for traffic that is sent to it. \
            ztunnel sends in-mesh clients' traffic there; an ingress gateway does not: it picks one of \
            the Service's pods itself and connects to it directly, so requests from outside the cluster \
            skip the waypoint and every L7 rule there (methods, paths, JWT requirements). Only when the \
            Service, or its namespace (Istio 1.25+), is labelled `istio.io/ingress-use-waypoint: "true"` \
            does the gateway send the Service's traffic through its waypoint. An HTTPRoute or GRPCRoute \
            attached to a Gateway that is not a waypoint, with a backendRef to a waypoint-bound Service \
            that has policy at its waypoint and no such label, exposes the Service from outside without \
            those rules; the Service's own label wins over its namespace's.
            """,
        remediation: """
            Send the ingress gateway's traffic for the Service through its waypoint:
            apiVersion: v1
            kind: Service
            metadata:
              name: <service>
              namespace: <namespace>
              labels:
                istio.io/ingress-use-waypoint: "true"
            """,
        severity: .warning,
        area: .waypoints,
        tags: ["security", "authorization", "waypoint", "ingress"],
        securitySeverity: 8.1,
        precision: .high,
        references: [
            "https://istio.io/latest/docs/ambient/usage/l7-features/",
            "https://istio.io/latest/docs/ambient/usage/waypoint/",
            "https://istio.io/latest/docs/reference/config/labels/",
        ],
        inputs: [.service, .namespace, .gateway, .httpRoute, .grpcRoute, .authorizationPolicy],
        triggeringExamples: [
            // An HTTPRoute from the ingress gateway to a Service with L7 policy at its waypoint.
            Example(boundLedger() + ingressGateway + markedIngressRoute),
            // A GRPCRoute, with the policy attached to the whole waypoint.
            Example(ExampleFixtures.paymentsWithWaypoint + ingressGateway + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger-grpc, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 9090, appProtocol: grpc}]}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: waypoint-deny-admin, namespace: payments}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: payments-waypoint}]
                  action: DENY
                  rules:
                  - to: [{operation: {paths: [/ledger.v1.Admin/*]}}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {name: ledger-grpc, namespace: payments}
                spec:
                  parentRefs: [{name: public, namespace: istio-ingress}]
                  rules:
                  - backendRefs: [↓{name: ledger-grpc, port: 9090}]
                """),
            // The Service's own "false" wins over its namespace's "true".
            Example(
                boundLedger(
                    namespaceLabels: #", istio.io/ingress-use-waypoint: "true""#,
                    serviceLabels: #"{istio.io/ingress-use-waypoint: "false"}"#)
                    + ingressGateway + markedIngressRoute),
        ],
        nonTriggeringExamples: [
            // The Service asks the ingress gateway to use its waypoint.
            Example(boundLedger(serviceLabels: #"{istio.io/ingress-use-waypoint: "true"}"#) + ingressGateway + ingressRoute),
            // Its namespace does.
            Example(boundLedger(namespaceLabels: #", istio.io/ingress-use-waypoint: "true""#) + ingressGateway + ingressRoute),
            // No policy at the waypoint covers this Service: there are no L7 rules to skip.
            Example(ExampleFixtures.paymentsWithWaypoint + ingressGateway + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: accounts-get, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: accounts}]
                  rules:
                  - to: [{operation: {methods: [GET]}}]
                ---

                """ + ingressRoute),
            // A mesh route attached to the waypoint is not an ingress path.
            Example(boundLedger() + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: ledger-canary, namespace: payments}
                spec:
                  parentRefs:
                  - {group: "", kind: Service, name: ledger}
                  - {name: payments-waypoint}
                  rules:
                  - backendRefs: [{name: ledger, port: 8080}]
                """),
            // The Gateway the route attaches to is not in the input: it cannot be judged.
            Example(boundLedger() + ingressRoute),
            // A Service without a waypoint: that policy is enforced nowhere (l7-policy-without-waypoint).
            Example(ExampleFixtures.ambientPayments + ingressGateway + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-get, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  rules:
                  - to: [{operation: {methods: [GET]}}]
                ---

                """ + ingressRoute),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        for service in index.services {
            let binding = index.binding(of: service.resource)
            guard let waypoint = binding.waypoint else { continue }
            let policies = index.authorizationPolicies(at: waypoint).filter { $0.covers(service.key) && !$0.policy.isDryRun }
            guard let policy = policies.first?.policy else { continue }
            let ingressUse = index.ingressWaypointUse(of: service)
            guard ingressUse.isEnabled == false else { continue }
            for route in index.routes(to: service.key) {
                let gateways = index.gatewayAttachments(of: route)
                guard let ingress = gateways.first?.gateway,
                      let backend = Self.backendRef(of: route, to: service)
                else { continue }
                var related = [
                    RelatedLocation(
                        "\(policy.resource.displayName) is enforced at waypoint \(waypoint.key), which the ingress skips",
                        in: policy.resource),
                ]
                related += gateways.map { RelatedLocation("ingress Gateway \($0.gateway.key) the route is attached to", in: $0.gateway.resource) }
                related.append(RelatedLocation(
                    "\(service.resource.displayName) is bound to waypoint \(waypoint.key)", in: service.resource,
                    at: binding.request.flatMap { $0.source == .ownLabel ? $0.label.entrySpan : nil }))
                if let label = ingressUse.label, let labelled = ingressUse.labelledResource {
                    related.append(RelatedLocation(
                        "\(WellKnown.ingressUseWaypointLabel): \"\(label.value)\" on \(labelled.displayName) is not \"true\"",
                        in: labelled, at: label.entrySpan))
                }
                let others = policies.count > 1 ? " and \(policies.count - 1) more" : ""
                findings.append(finding(
                    "Ingress traffic to \(service.resource.displayName) skips its waypoint's L7 policy. "
                        + "\(route.resource.displayName) routes requests from ingress Gateway \(ingress.key) to the Service, "
                        + "whose policy (\(policy.resource.displayName)\(others)) is enforced at waypoint \(waypoint.key); without "
                        + "\(WellKnown.ingressUseWaypointLabel): \"true\" on the Service or its namespace, the gateway connects "
                        + "to the pods directly and those rules never see the requests.",
                    on: route.resource, at: backend.span, related: related,
                    remediation: Self.remediation(for: service, ingressUse: ingressUse)))
            }
        }
        return findings
    }

    /// The route's first backendRef to `service`.
    private static func backendRef(of route: RouteView, to service: ServiceView) -> RouteView.Reference? {
        let routeNamespace = route.namespace ?? "default"
        return route.backendRefs.first { ref in
            ref.groupKind == .service && ref.name?.value == service.name
                && ref.namespace(default: routeNamespace) == (service.namespace ?? "default")
        }
    }

    private static func remediation(for service: ServiceView, ingressUse: IngressWaypointUse) -> String {
        let namespace = service.namespace ?? "default"
        let label = WellKnown.ingressUseWaypointLabel
        var text = """
            Send the ingress gateway's traffic for \(service.resource.displayName) through its waypoint:
            kubectl label service \(service.name) -n \(namespace) \(label)=true --overwrite
            or in its manifest:
            """ + "\n" + WaypointRemediation.labels([(label, "true")], on: service.resource)
        if ingressUse.labelledResource?.groupKind == .service {
            text += "\n(The Service's own \(label) label wins over its namespace's.)"
        }
        return text
    }
}

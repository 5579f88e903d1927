import Access
import YAMLModel

/// A namespace's default deny admits its waypoint, and the waypoint has no ALLOW for a Service: any
/// mesh identity reaches the Service through the waypoint.
struct WaypointAdmitsAnyIdentityRule: BuiltInRule {
    static let description = RuleDescription(
        id: "waypoint-admits-any-identity",
        name: "Default deny undone at the waypoint",
        summary: "A Service in a namespace that denies by default is reached by any mesh identity through its waypoint, which has no ALLOW policy for it.",
        rationale: """
            A waypoint forwards requests with its own identity, so the namespace's ztunnel ALLOW must \
            admit the waypoint (or every request through it is reset). Once it does, ztunnel no longer \
            tells callers apart: who may call the Service is decided at the waypoint alone. With no \
            ALLOW policy at the waypoint for the Service, the waypoint allows every request, and any \
            workload of the mesh, in any namespace, reaches the Service through it, while the namespace \
            looks default-deny. Checked with the access evaluator: an identity the input does not hold \
            sends a plain request to the Service; reported when it is allowed through the waypoint.
            """,
        remediation: """
            Say who may call the Service at the waypoint: an ALLOW AuthorizationPolicy with targetRefs to \
            the Service (or the waypoint) that names its callers. The namespace's ztunnel ALLOW keeps \
            admitting the waypoint.
            """,
        severity: .warning,
        area: .authorization,
        tags: ["security", "authorization", "waypoint"],
        securitySeverity: 7.5,
        precision: .high,
        references: [
            "https://istio.io/latest/docs/ambient/usage/l7-features/",
            "https://istio.io/latest/docs/ambient/usage/waypoint/",
            "https://istio.io/latest/docs/ambient/usage/l4-policy/",
        ],
        inputs: [.namespace, .service, .deployment, .gateway, .authorizationPolicy],
        triggeringExamples: [
            // The default deny admits the waypoint; nothing at the waypoint restricts Service `ledger`.
            Example(ExampleFixtures.paymentsWithWaypoint + ExampleFixtures.ledgerDeployment + admitWaypoint + """
                apiVersion: v1
                kind: Service
                metadata: {name: ↓ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{name: http, port: 8080}]}
                """),
        ],
        nonTriggeringExamples: [
            // An ALLOW at the waypoint names the Service's caller.
            Example(ExampleFixtures.paymentsWithWaypoint + ExampleFixtures.ledgerDeployment + admitWaypoint + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{name: http, port: 8080}]}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-callers, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/payments/sa/accounts]}}]
                """),
            // No default deny: ambient-namespace-without-default-deny reports the namespace instead.
            Example(ExampleFixtures.paymentsWithWaypoint + ExampleFixtures.ledgerDeployment + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{name: http, port: 8080}]}
                """),
        ])

    /// A namespace-wide ALLOW in `payments` that admits only its waypoint.
    static let admitWaypoint = """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: allow-waypoint, namespace: payments}
        spec:
          rules:
          - from: [{source: {principals: [cluster.local/ns/payments/sa/payments-waypoint]}}]
        ---

        """

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        let evaluator = AccessEvaluator(index: index)
        var findings: [Finding] = []
        // Services bound to a waypoint, by namespace: most namespaces have none to look at.
        let bound = Dictionary(grouping: index.services.filter { index.binding(of: $0.resource).waypoint != nil }) { $0.namespace ?? "default" }
        for namespace in index.ambientNamespaces {
            guard let services = bound[namespace.name] else { continue }
            let defaultDeny = index.defaultDeny(in: namespace.name)
            guard let denyPolicy = defaultDeny.policy else { continue }
            for service in services {
                guard let waypoint = index.binding(of: service.resource).waypoint,
                      let port = service.ports.first?["port"]?.int,
                      !index.authorizationPolicies(at: waypoint).contains(where: {
                          $0.covers(service.key) && $0.policy.action == .allow && !$0.policy.isDryRun
                      })
                else { continue }
                let request = AccessRequest(caller: .identity(AccessMatrix.otherIdentity), destination: .service(service.key, port: port))
                guard let result = try? evaluator.evaluate(request), result.decision.isAllowed, !result.isUncertain,
                      result.trace.hops.contains(where: { $0.place == .waypoint(waypoint.key) })
                else { continue }
                findings.append(finding(
                    "\(service.resource.displayName) is reached by any mesh identity through waypoint \(waypoint.key): "
                        + "\(denyPolicy.resource.displayName) denies by default but admits the waypoint, and no ALLOW policy at the "
                        + "waypoint covers the Service, so the waypoint lets every caller through.",
                    on: service.resource, at: service.resource.nameSpan,
                    related: [
                        RelatedLocation("the namespace's default deny", in: denyPolicy.resource),
                        RelatedLocation("waypoint \(waypoint.key)", in: waypoint.gateway.resource),
                    ],
                    remediation: Self.remediation(for: service, trustDomain: index.trustDomain)))
            }
        }
        return findings
    }

    private static func remediation(for service: ServiceView, trustDomain: String) -> String {
        """
        Name the Service's callers at the waypoint:
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: \(service.name)-callers
          namespace: \(service.namespace ?? "default")
        spec:
          targetRefs:
          - kind: Service
            group: ""
            name: \(service.name)
          action: ALLOW
          rules:
          - from:
            - source:
                principals:
                - \(trustDomain)/ns/<caller-namespace>/sa/<caller-service-account>
        """
    }
}

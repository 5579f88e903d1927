import YAMLModel

/// L7 policy at a waypoint that a client can skip by dialling the pods directly.
struct WaypointBypassPossibleRule: BuiltInRule {
    static let description = RuleDescription(
        id: "waypoint-bypass-possible",
        name: "Waypoint bypass possible",
        summary: "A Service's L7 policy lives at its waypoint, but the pods behind it accept direct connections from callers other than the waypoint.",
        rationale: """
            A waypoint bound for `service` traffic sees only connections addressed to the Service. A \
            client that dials a pod's IP reaches the pod's ztunnel directly and skips the waypoint with \
            all its L7 rules: methods, paths, JWT requirements. Only ztunnel stands between such a client \
            and the pod, so the pods' ztunnel policies must admit the waypoint alone (or deny everyone \
            but the waypoint). With no ztunnel policy, or an L4 ALLOW that still admits the original \
            callers, the L7 policy can be bypassed by anyone those rules admit.
            """,
        remediation: """
            Deny every direct caller but the waypoint at the pods (enforced by ztunnel):
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata:
              name: <service>-deny-waypoint-bypass
              namespace: <namespace>
            spec:
              action: DENY
              selector:
                matchLabels: <the Service's selector>
              rules:
              - from:
                - source:
                    notPrincipals:
                    - cluster.local/ns/<waypoint-namespace>/sa/<waypoint-name>
            """,
        severity: .warning,
        area: .authorization,
        tags: ["security", "authorization", "waypoint"],
        securitySeverity: 7.4,
        precision: .medium,
        references: [
            "https://istio.io/latest/docs/ambient/migrate/migrate-policies/",
            "https://istio.io/latest/docs/ambient/usage/waypoint/",
            "https://istio.io/latest/docs/ambient/usage/l4-policy/",
        ],
        inputs: [.namespace, .service, .deployment, .gateway, .authorizationPolicy],
        triggeringExamples: [
            // No ztunnel policy at all: any workload in the mesh can dial the pods.
            Example(boundLedgerWithL7 + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: ↓ledger
                  namespace: payments
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                """),
            // An L4 ALLOW that admits the original caller as well as the waypoint.
            Example(boundLedgerWithL7 + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  namespace: payments
                  labels:
                    ↓istio.io/use-waypoint: payments-waypoint
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-l4, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from:
                    - source:
                        principals:
                        - cluster.local/ns/payments/sa/accounts
                        - cluster.local/ns/payments/sa/payments-waypoint
                """),
        ],
        nonTriggeringExamples: [
            // A DENY for everyone but the waypoint closes the bypass.
            Example(boundLedgerWithL7 + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-deny-waypoint-bypass, namespace: payments}
                spec:
                  action: DENY
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from:
                    - source:
                        notPrincipals: [cluster.local/ns/payments/sa/payments-waypoint]
                """),
            // The ztunnel ALLOW admits the waypoint alone.
            Example(boundLedgerWithL7 + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-only-waypoint, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/payments/sa/payments-waypoint]}}]
                """),
            // The workload itself is bound to an `all` waypoint: pod-addressed traffic goes through it too.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: payments-waypoint}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: payments-waypoint
                  namespace: payments
                  labels: {istio.io/waypoint-for: all}
                spec:
                  gatewayClassName: istio-waypoint
                  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  template:
                    metadata: {labels: {app: ledger}}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-get, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  rules:
                  - to: [{operation: {methods: [GET]}}]
                """),
            // No L7 policy at the waypoint: nothing to bypass.
            Example(ExampleFixtures.paymentsWithWaypoint + ExampleFixtures.ledgerDeployment + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}}
                """),
        ])

    /// `payments` bound to its waypoint, Deployment `ledger`, and an L7 policy for Service `ledger` there.
    static let boundLedgerWithL7 = ExampleFixtures.paymentsWithWaypoint + ExampleFixtures.ledgerDeployment + """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: ledger-debit, namespace: payments}
        spec:
          targetRefs: [{kind: Service, group: "", name: ledger}]
          rules:
          - to: [{operation: {methods: [POST], paths: [/ledger/v1/debit]}}]
        ---

        """

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        return index.services.compactMap { service -> Finding? in
            let binding = index.binding(of: service.resource)
            guard let waypoint = binding.waypoint else { return nil }
            let atWaypoint = index.authorizationPolicies(at: waypoint).filter { $0.covers(service.key) && !$0.policy.isDryRun }
            guard let l7Policy = atWaypoint.first?.policy else { return nil }
            let identity = waypoint.meshIdentity
            for workload in index.workloads(behind: service) where index.enrollment(of: workload).mode == .ambient {
                // Pod-addressed traffic also goes through the waypoint when the workload is bound to it.
                if index.binding(of: workload.resource).waypoint?.key == waypoint.key { continue }
                guard let opening = Self.directAccess(to: workload, except: identity, index: index) else { continue }
                var related = [
                    RelatedLocation("L7 policy at waypoint \(waypoint.key)", in: l7Policy.resource),
                    RelatedLocation("\(workload.resource.displayName) runs the Service's pods", in: workload.resource),
                ]
                if let policy = opening.policy { related.append(RelatedLocation(opening.detail, in: policy.resource)) }
                return finding(
                    "\(service.resource.displayName) has L7 policy at waypoint \(waypoint.key) (\(l7Policy.resource.displayName)), "
                        + "but \(opening.detail): a client that dials a pod IP skips the waypoint and its L7 rules.",
                    on: service.resource, at: binding.request.flatMap { $0.source == .ownLabel ? $0.label.entrySpan : nil }
                        ?? service.resource.nameSpan,
                    related: related,
                    remediation: Self.remediation(service: service, identity: identity))
            }
            return nil
        }
    }

    /// Why callers other than `identity` can connect to the workload's pods directly, or nil when
    /// ztunnel admits only the waypoint.
    private static func directAccess(
        to workload: WorkloadView, except identity: MeshIdentity, index: MeshIndex
    ) -> (detail: String, policy: AuthorizationPolicyView?)? {
        let policies = index.ztunnelPolicies(for: workload).filter { !$0.isDryRun }
        let closed = policies.contains { policy in
            policy.action == .deny
                && policy.rules.contains { $0.deniesEveryoneExcept(identity, policyNamespace: policy.namespace ?? "default") }
        }
        if closed { return nil }
        let allows = policies.filter { $0.action == .allow }
        guard !allows.isEmpty else {
            return ("no ztunnel ALLOW policy applies to its pods, so any workload in the mesh can connect to them directly", nil)
        }
        for policy in allows {
            for rule in policy.rules where rule.ztunnelOutcome(for: .allow) != .dropped {
                if !rule.admitsOnly(identity, policyNamespace: policy.namespace ?? "default") {
                    return ("\(policy.resource.displayName) lets callers other than the waypoint connect to its pods directly", policy)
                }
            }
        }
        return nil
    }

    private static func remediation(service: ServiceView, identity: MeshIdentity) -> String {
        "Deny every direct caller but the waypoint at the Service's pods (enforced by ztunnel):\n"
            + WaypointRemediation.denyAllButWaypoint(service: service, identity: identity, name: "\(service.name)-deny-waypoint-bypass")
    }
}

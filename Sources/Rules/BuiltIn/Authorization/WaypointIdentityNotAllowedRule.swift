import YAMLModel

/// A ztunnel ALLOW policy on a workload behind a waypoint that forgets the waypoint's identity.
struct WaypointIdentityNotAllowedRule: BuiltInRule {
    static let description = RuleDescription(
        id: "waypoint-identity-not-allowed",
        name: "Waypoint identity not allowed",
        summary: "A ztunnel ALLOW policy selects a workload that receives traffic through a waypoint but does not admit the waypoint's identity.",
        rationale: """
            A waypoint terminates the client's connection and opens its own to the destination pod, so \
            the destination's ztunnel sees the waypoint's identity \
            (`cluster.local/ns/<waypoint-namespace>/sa/<waypoint-name>`), not the original caller's. An \
            L4 ALLOW policy that selects the destination and lists its callers' principals, written \
            before the waypoint was added, now matches no traffic from the waypoint: once any ALLOW \
            policy applies to a workload, everything it does not admit is denied, so every call \
            through the waypoint fails with a connection reset. Admit the waypoint's principal (or its \
            namespace) in the ztunnel policy, and move caller-specific rules to the waypoint with \
            `targetRefs`.
            """,
        remediation: """
            Add the waypoint's identity to the rule's principals:
            rules:
            - from:
              - source:
                  principals:
                  - cluster.local/ns/<waypoint-namespace>/sa/<waypoint-name>
            """,
        severity: .error,
        area: .authorization,
        tags: ["security", "authorization", "waypoint", "availability"],
        securitySeverity: 5.3,
        precision: .high,
        references: [
            "https://istio.io/latest/docs/ambient/usage/l4-policy/",
            "https://istio.io/latest/docs/ambient/getting-started/enforce-auth-policies/",
            "https://istio.io/latest/docs/ambient/migrate/migrate-policies/",
        ],
        inputs: [.namespace, .service, .deployment, .gateway, .authorizationPolicy],
        triggeringExamples: [
            // The classic: an L4 allow-list written before the waypoint, admitting only the caller.
            Example(boundLedger + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow-accounts, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from:
                    - source:
                        ↓principals: [cluster.local/ns/payments/sa/accounts]
                """),
            // A workload bound to a workload waypoint directly, with a serviceAccounts allow-list.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: pods-waypoint
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
                  template:
                    metadata: {labels: {app: ledger, istio.io/use-waypoint: pods-waypoint}}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from:
                    - source: {↓serviceAccounts: [accounts]}
                """),
        ],
        nonTriggeringExamples: [
            // The waypoint's principal is admitted.
            Example(boundLedger + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from:
                    - source:
                        principals:
                        - cluster.local/ns/payments/sa/accounts
                        - cluster.local/ns/payments/sa/payments-waypoint
                """),
            // Its namespace is admitted, which covers the waypoint.
            Example(boundLedger + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow-ns, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from: [{source: {namespaces: [payments]}}]
                """),
            // Another ALLOW policy that applies to the same pods admits the waypoint.
            Example(boundLedger + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow-accounts, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/payments/sa/accounts]}}]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: allow-waypoint, namespace: payments}
                spec:
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/payments/sa/payments-waypoint]}}]
                """),
            // No waypoint in front of the workload: the caller's own identity arrives.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}
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
                metadata: {name: ledger-allow-accounts, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/payments/sa/accounts]}}]
                """),
        ])

    /// `payments` bound to its waypoint, with Service and Deployment `ledger`.
    static let boundLedger = ExampleFixtures.paymentsWithWaypoint + ExampleFixtures.ledgerDeployment + """
        apiVersion: v1
        kind: Service
        metadata: {name: ledger, namespace: payments}
        spec: {selector: {app: ledger}, ports: [{port: 8080}]}
        ---

        """

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var reported = Set<String>()
        var findings: [Finding] = []
        for workload in index.workloads where index.enrollment(of: workload).mode == .ambient {
            let waypoints = index.waypoints(inFrontOf: workload)
            guard !waypoints.isEmpty else { continue }
            let allows = index.ztunnelPolicies(for: workload).filter { $0.action == .allow && !$0.isDryRun }
            guard !allows.isEmpty else { continue }
            for waypoint in waypoints {
                let identity = waypoint.meshIdentity
                let admitted = allows.contains { policy in
                    policy.rules.contains { $0.ztunnelAdmits(identity, action: .allow, policyNamespace: policy.namespace ?? "default") }
                }
                guard !admitted else { continue }
                for policy in allows where index.attachment(of: policy).scope == .workloadSelector {
                    guard let anchor = Self.callerList(of: policy),
                          reported.insert("\(policy.resource.origin)|\(waypoint.key)").inserted
                    else { continue }
                    findings.append(finding(
                        "\(policy.resource.displayName) selects \(workload.resource.displayName), which receives traffic through "
                            + "waypoint \(waypoint.key), but does not admit the waypoint's identity \(identity.principal): "
                            + "the waypoint forwards with its own identity, so every call through it is denied at the destination.",
                        on: policy.resource, at: anchor,
                        related: [
                            RelatedLocation("waypoint \(waypoint.key) forwards as \(identity.principal)", in: waypoint.gateway.resource),
                            RelatedLocation("\(workload.resource.displayName) is selected by the policy", in: workload.resource),
                        ],
                        remediation: """
                            Admit the waypoint in \(policy.name) (keep caller-specific rules at the waypoint, with targetRefs):
                            rules:
                            - from:
                              - source:
                                  principals:
                                  - \(identity.principal)
                            """))
                }
            }
        }
        return findings
    }

    /// The key listing the callers of the first rule ztunnel enforces (`principals`,
    /// `serviceAccounts`, `namespaces`), or nil when the policy admits no caller at all.
    private static func callerList(of policy: AuthorizationPolicyView) -> Span? {
        for rule in policy.rules where rule.ztunnelOutcome(for: .allow) == .asWritten {
            for source in rule.sources {
                for name in ["principals", "serviceAccounts", "namespaces", "ipBlocks", "notPrincipals", "notNamespaces"] {
                    if let field = source.field(name) { return field.keySpan }
                }
            }
            if let condition = rule.conditions.first, let key = condition.key { return key.span }
        }
        return nil
    }
}

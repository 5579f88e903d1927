import YAMLModel

/// An ambient namespace that admits everything not explicitly denied.
struct AmbientNamespaceWithoutDefaultDenyRule: BuiltInRule {
    /// The ambient namespace most examples start from, with and without the finding's marker.
    private static let markedNamespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: payments
          labels:
            ↓istio.io/dataplane-mode: ambient
        ---

        """
    private static let ambientNamespace = markedNamespace.replacingMarker()

    static let description = RuleDescription(
        id: "ambient-namespace-without-default-deny",
        name: "Ambient namespace without default deny",
        summary: "An ambient namespace has no namespace-wide or mesh-wide ALLOW policy, so it admits every caller.",
        rationale: """
            ztunnel gives every ambient pod mTLS, but mTLS is identity, not authorization: without an \
            ALLOW policy that covers the whole namespace, any workload in the mesh (and, in PERMISSIVE \
            mode, any plaintext client) may call every pod. An ALLOW policy with no rules (`spec: {}`), \
            without `selector` or `targetRefs`, in the namespace or in the root namespace, makes every \
            request that no other ALLOW admits be denied. `rules: [{}]` is the opposite: it allows \
            everything. A dry-run policy, a policy with `selector` (only its workloads) and one with \
            `targetRefs` (only at a waypoint) do not make the namespace default-deny. \
            The check runs for every namespace whose pods are in ambient: a Namespace object labelled \
            ambient, a namespace whose labels .meshlint.yaml assumes, or pods enrolled one by one by their own \
            label. A namespace the input shows holding only waypoints (their pods are labelled \
            `istio.io/dataplane-mode: none`) or ingress and egress gateways has no application pods of its \
            own to protect and is left out.
            """,
        remediation: """
            Add an allow-nothing policy to the namespace, then allow each caller explicitly:
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata:
              name: default-deny
              namespace: <namespace>
            spec: {}
            """,
        severity: .error,
        area: .authorization,
        tags: ["security", "authorization", "ambient"],
        securitySeverity: 8.0,
        precision: .veryHigh,
        references: [
            "https://istio.io/latest/docs/ambient/usage/l4-policy/",
            "https://istio.io/latest/docs/reference/config/security/authorization-policy/",
            "https://istio.io/latest/docs/ops/best-practices/security/#use-default-deny-patterns",
        ],
        inputs: [.namespace, .authorizationPolicy],
        triggeringExamples: [
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels:
                    ↓istio.io/dataplane-mode: ambient
                """),
            // `rules: [{}]` allows everything: the opposite of a default deny.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {↓istio.io/dataplane-mode: ambient}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: allow-all, namespace: payments}
                spec:
                  rules:
                  - {}
                """),
            // Admitting every mesh identity is not a default deny either.
            Example(Self.markedNamespace + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: mesh-only, namespace: payments}
                spec:
                  rules:
                  - from: [{source: {principals: ["*"]}}]
                """),
            // A selector policy makes only its own workloads deny by default.
            Example(Self.markedNamespace + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/payments/sa/accounts]}}]
                """),
            // A waypoint policy (targetRefs) is not enforced by ztunnel for the namespace.
            Example(Self.markedNamespace + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: waypoint-deny, namespace: payments}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
                """),
            // A dry-run policy is logged, never enforced.
            Example(Self.markedNamespace + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata:
                  name: default-deny
                  namespace: payments
                  annotations: {istio.io/dry-run: "true"}
                spec: {}
                """),
            // A default deny in another (non-root) namespace does not count.
            Example(Self.markedNamespace + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: default-deny, namespace: orders}
                spec: {}
                """),
        ],
        nonTriggeringExamples: [
            Example(Self.ambientNamespace + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: default-deny, namespace: payments}
                spec: {}
                """),
            // `action: ALLOW` with no rules is the same allow-nothing policy.
            Example(Self.ambientNamespace + """
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: deny-by-default, namespace: payments}
                spec:
                  action: ALLOW
                """),
            // A mesh-wide default deny in the root namespace covers every ambient namespace.
            Example(Self.ambientNamespace + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: mesh-default-deny, namespace: istio-system}
                spec: {}
                """),
            // The root namespace can be set (meshConfig.rootNamespace).
            Example(Self.ambientNamespace + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: mesh-default-deny, namespace: mesh-root}
                spec: {}
                """, rootNamespace: "mesh-root"),
            // A namespace-wide ALLOW with specific rules also denies everything it does not admit.
            Example(Self.ambientNamespace + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: allow-from-checkout, namespace: payments}
                spec:
                  rules:
                  - from: [{source: {namespaces: [checkout]}}]
                """),
            // Sidecar labels win: the namespace is not in ambient.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels:
                    istio.io/dataplane-mode: ambient
                    istio-injection: enabled
                """),
            // Not enrolled at all.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: none}
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        context.index.ambientNamespaces.compactMap { namespace -> Finding? in
            // Waypoint or gateway pods only: nothing of the namespace's own to protect.
            guard !context.index.holdsOnlyGateways(namespace.name) else { return nil }
            let defaultDeny = context.index.defaultDeny(in: namespace.name)
            guard !defaultDeny.holds else { return nil }
            let related = defaultDeny.nearMisses.map { miss in
                RelatedLocation(Self.explanation(of: miss.reason, policy: miss.policy), in: miss.policy.resource)
            }
            return finding(
                "\(namespace.inAmbient) but has no default-deny AuthorizationPolicy: "
                    + "every workload in the mesh may call its pods.",
                on: namespace.anchor, at: namespace.anchorSpan, related: related,
                remediation: Self.remediation(for: namespace.name))
        }
    }

    static func explanation(of reason: DefaultDeny.NearMiss.Reason, policy: AuthorizationPolicyView) -> String {
        let name = policy.resource.displayName
        return switch reason {
        case .allowsEverything: "\(name) has a rule that admits every caller (`{}`, or principals/namespaces \"*\"): it allows every request"
        case .dryRun: "\(name) is annotated istio.io/dry-run: \"true\": it is logged, not enforced"
        case .selectsWorkloads where policy.selector?.isEmptyWorkloadSelector == true:
            "\(name) uses `selector: {}`: in ambient it attaches to no workload (see empty-selector-in-ambient)"
        case .selectsWorkloads: "\(name) uses a selector: it denies by default only for the workloads it selects"
        case .targetsWaypoint: "\(name) uses targetRefs: it is enforced at a waypoint, not by ztunnel for the namespace"
        }
    }

    static func remediation(for namespace: String) -> String {
        """
        Add an allow-nothing policy to the namespace, then allow each caller explicitly:
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: default-deny
          namespace: \(namespace)
        spec: {}
        """
    }
}

extension String {
    /// The text without example markers.
    fileprivate func replacingMarker() -> String {
        String(unicodeScalars.filter { Character($0) != Example.marker })
    }
}

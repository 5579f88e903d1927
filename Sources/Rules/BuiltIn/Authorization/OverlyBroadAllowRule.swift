import YAMLModel

/// An ALLOW rule that admits every caller where a default deny is in force: it undoes the deny.
struct OverlyBroadAllowRule: BuiltInRule {
    /// Ambient namespace `payments` with its default deny `default-deny`.
    private static let defaultDeny = ExampleFixtures.ambientPayments + """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: default-deny, namespace: payments}
        spec: {}
        ---

        """

    static let description = RuleDescription(
        id: "overly-broad-allow",
        name: "Overly broad ALLOW",
        summary: "An ALLOW rule admits every caller to everything its policy covers in a namespace that denies by default, undoing the default deny.",
        rationale: """
            A namespace with a default deny (an ALLOW policy without rules, namespace-wide or mesh-wide \
            from the root namespace) admits only what some ALLOW rule admits. Rules are alternatives: \
            one rule that admits everyone is enough to open everything its policy covers. `rules: [{}]` \
            (no `from`, `to` or `when`) admits every request, plaintext ones included where mTLS is \
            PERMISSIVE; a rule whose source is `principals: ["*"]` or `namespaces: ["*"]`, with no port \
            or (at a waypoint) HTTP restriction and no condition, admits every workload of the mesh. \
            For the workloads a selector picks, the whole namespace or mesh, or everything a waypoint \
            serves through `targetRefs`, the default deny is then gone, though the namespace still \
            looks protected. Admit the callers that need access by principal, namespace or port \
            instead. Dry-run policies are not enforced and are not reported; a namespace without a \
            default deny is ambient-namespace-without-default-deny's finding. \
            Two kinds of workload must admit callers without a mesh identity and are not reported: an \
            ingress gateway (selected by Istio's gateway labels or by the pods of a Gateway that is not a \
            waypoint, or targeted as a Gateway) admits external clients by design; an admission webhook \
            server that a webhook configuration in the input calls is reported only as a note, since the \
            API server has no mesh identity (restrict the rule to the webhook's port).
            """,
        remediation: """
            Admit only the callers that need access:
            rules:
            - from:
              - source:
                  principals: ["cluster.local/ns/<caller-namespace>/sa/<caller-service-account>"]
            """,
        severity: .warning,
        area: .authorization,
        tags: ["security", "authorization", "least-privilege"],
        securitySeverity: 6.5,
        precision: .medium,
        references: [
            "https://istio.io/latest/docs/reference/config/security/authorization-policy/",
            "https://istio.io/latest/docs/ops/best-practices/security/#use-default-deny-patterns",
            "https://istio.io/latest/docs/ambient/usage/l4-policy/",
        ],
        inputs: [.namespace, .authorizationPolicy, .gateway, .service],
        triggeringExamples: [
            // `rules: [{}]` beside the namespace's default deny.
            Example(defaultDeny + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: allow-all, namespace: payments}
                spec:
                  rules:
                  - ↓{}
                """),
            // principals: ["*"] with no port restriction, for the pods a selector picks; the default
            // deny is mesh-wide, from the root namespace.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: mesh-default-deny, namespace: istio-system}
                spec: {}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/payments/sa/accounts]}}]
                  - ↓from: [{source: {principals: ["*"]}}]
                """),
            // namespaces: ["*"], namespace-wide: it must not count as the default deny itself.
            Example(defaultDeny + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: allow-mesh, namespace: payments}
                spec:
                  rules:
                  - ↓from:
                    - source: {namespaces: ["*"]}
                """),
            // At a waypoint: no method, path or port restriction either.
            Example(ExampleFixtures.paymentsWithWaypoint + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: default-deny, namespace: payments}
                spec: {}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: waypoint-allow, namespace: payments}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: payments-waypoint}]
                  rules: [{↓from: [{source: {principals: ["*"]}}]}]
                """),
        ],
        nonTriggeringExamples: [
            // No default deny to undo (ambient-namespace-without-default-deny reports the namespace).
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: allow-all, namespace: payments}
                spec:
                  rules:
                  - {}
                """),
            // Every caller, but only on one port.
            Example(defaultDeny + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: metrics-allow, namespace: payments}
                spec:
                  rules:
                  - from: [{source: {principals: ["*"]}}]
                    to: [{operation: {ports: ["15020"]}}]
                """),
            // Named callers only; namespaces and principals are narrowed.
            Example(defaultDeny + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  rules:
                  - from: [{source: {namespaces: [checkout]}}]
                  - from: [{source: {principals: ["*"], notNamespaces: [sandbox]}}]
                  - when: [{key: source.namespace, values: [payments]}]
                """),
            // At a waypoint, an HTTP restriction narrows the rule.
            Example(ExampleFixtures.paymentsWithWaypoint + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: default-deny, namespace: payments}
                spec: {}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: waypoint-read-only, namespace: payments}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: payments-waypoint}]
                  rules:
                  - from: [{source: {principals: ["*"]}}]
                    to: [{operation: {methods: [GET], paths: ["/public/*"]}}]
                """),
            // Dry-run, and DENY: neither admits anything.
            Example(defaultDeny + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata:
                  name: allow-all-trial
                  namespace: payments
                  annotations: {istio.io/dry-run: "true"}
                spec:
                  rules: [{}]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-sandbox, namespace: payments}
                spec:
                  action: DENY
                  rules: [{from: [{source: {namespaces: ["*"]}}]}]
                """),
            // The only namespace-wide ALLOW admits every peer: it is no default deny, so there is none to undo.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: mtls-only, namespace: payments}
                spec:
                  rules: [{from: [{source: {principals: ["*"]}}]}]
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        for policy in index.authorizationPolicies {
            let attachment = index.attachment(of: policy)
            // A rule that only excludes (`to: notPaths`) admits every caller to everything else,
            // where the exclusions are enforced: HTTP ones only at a waypoint (ztunnel drops them).
            let excluding = policy.action == .allow && !policy.isDryRun
                ? policy.rules.lazy.map { ($0, $0.exclusionsOfAnyCallerRule) }.first { _, fields in
                    !fields.isEmpty && (!attachment.isEnforcedByZtunnel || fields.allSatisfy { $0.layer == .l4 })
                } : nil
            guard let rule = policy.ruleAdmittingEveryone ?? excluding?.0 else { continue }
            let exclusions = policy.ruleAdmittingEveryone == nil ? excluding?.1 ?? [] : []
            // Policies istiod rejects or that reach no proxy are other rules' findings.
            guard attachment.scope != .selectorAndTargetRefs, !attachment.isEnforcedNowhere else { continue }
            let namespace = policy.namespace ?? "default"
            let defaultDeny = index.defaultDeny(in: namespace)
            guard let denying = defaultDeny.policy else { continue }
            // An ingress gateway exists to admit external clients, which carry no mesh identity.
            let openByDesign = index.openByDesign(policy)
            if case .ingressGateway? = openByDesign { continue }

            let excluded = exclusions.map { "\($0.name) [\($0.values.map(\.value).joined(separator: ", "))]" }.joined(separator: ", ")
            let why = if !exclusions.isEmpty {
                "its rule " + (rule.sources.isEmpty ? "has no from or when" : "admits \(Self.wildcardSource(of: rule)) with no when")
                    + ", and its to only excludes (\(excluded)), so it admits every request to anything else"
            } else if rule.sources.isEmpty {
                "its rule has no from, to or when, so it matches every request (plaintext ones too where mTLS is PERMISSIVE)"
            } else {
                "its rule admits \(Self.wildcardSource(of: rule)) with no port, request or condition restriction"
            }
            let who = rule.sources.isEmpty ? "every caller" : "every workload of the mesh"
            let denyScope = defaultDeny.scope == .mesh
                ? "the mesh-wide default deny \(denying.resource.displayName)"
                : "the default deny \(denying.resource.displayName)"
            var related = [RelatedLocation(
                "\(denying.resource.displayName) makes namespace \(namespace) deny by default", in: denying.resource)]
            for waypoint in attachment.waypoints.prefix(3) {
                related.append(RelatedLocation("the policy is enforced at waypoint \(waypoint.key)", in: waypoint.gateway.resource))
            }
            var reported = finding(
                "\(policy.resource.displayName) admits \(who) to \(Self.coverage(of: policy, attachment: attachment, in: index)), "
                    + "undoing \(denyScope): \(why).",
                on: policy.resource, at: rule.span, related: related,
                remediation: Self.remediation(for: policy, rule: rule, attachment: attachment))
            // A webhook server must accept the API server, which has no mesh identity: admitting
            // every caller is the usual way, though a port restriction narrows it.
            if case .admissionWebhook(let configuration, let service)? = openByDesign {
                reported = reported.adding(related: RelatedLocation(
                    "\(configuration.displayName) calls these pods through \(service.resource.displayName)", in: configuration))
                reported = reported.noted(
                    "Only a note: \(configuration.displayName) sends admission requests to these pods, and the API server "
                        + "that sends them has no mesh identity; restrict the rule to the webhook's port (to: [{operation: "
                        + "{ports: [...]}}]) so that nothing else is open.")
            }
            findings.append(reported)
        }
        return findings
    }

    /// `principals: ["*"]` or `namespaces: ["*"]`, as the rule writes it.
    private static func wildcardSource(of rule: AuthorizationRule) -> String {
        let field = rule.sources.first(where: \.admitsAnyPeer)?.fields.first?.name ?? "principals"
        return "\(field): [\"*\"]"
    }

    /// What the policy covers, for the message.
    private static func coverage(of policy: AuthorizationPolicyView, attachment: PolicyAttachment, in index: MeshIndex) -> String {
        let namespace = policy.namespace ?? "default"
        switch attachment.scope {
        case .namespace:
            return "every workload of namespace \(namespace)"
        case .mesh:
            return "every workload of the mesh"
        case .workloadSelector:
            let selected = index.workloads(coveredBy: policy).map(\.resource.displayName)
            let labels = policy.selector?.matchLabels.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") ?? ""
            return selected.isEmpty
                ? "the pods labelled \(labels)"
                : "the pods labelled \(labels) (\(AuthenticationRemediation.list(selected)))"
        case .targetRefs, .selectorAndTargetRefs:
            let targets = policy.targetRefs.map(\.display)
            return "everything it targets at its waypoint (\(AuthenticationRemediation.list(targets)))"
        }
    }

    /// The policy with the broad rule replaced by one that admits the namespace's own workloads.
    private static func remediation(for policy: AuthorizationPolicyView, rule: AuthorizationRule, attachment: PolicyAttachment) -> String {
        let namespace = policy.namespace ?? "default"
        if attachment.scope == .mesh {
            return """
                Delete \(policy.resource.displayName): from the root namespace it admits every caller to every workload. \
                Admit callers per namespace instead, e.g.:
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata:
                  name: allow-callers
                  namespace: <namespace>
                spec:
                  rules:
                  - from:
                    - source:
                        principals: ["cluster.local/ns/<caller-namespace>/sa/<caller-service-account>"]
                """
        }
        var target = ""
        if attachment.scope == .workloadSelector, let selector = policy.selector {
            target = "  selector:\n    matchLabels:\n" + selector.matchLabels.map {
                "      \(AuthenticationRemediation.scalar($0.key)): \(AuthenticationRemediation.scalar($0.value))\n"
            }.joined()
        } else if attachment.scope == .targetRefs {
            target = AuthenticationRemediation.targetRefs(policy.targetRefs.map(AuthenticationRemediation.Ref.init))
        }
        let others = policy.rules.count > 1 ? " (keep its other rules)" : ""
        return """
            Replace spec.rules[\(rule.index)] with the callers that need access\(others), e.g. only the workloads of namespace \(namespace):
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata:
              name: \(AuthenticationRemediation.scalar(policy.name))
              namespace: \(AuthenticationRemediation.scalar(namespace))
            spec:

            """ + target + """
              rules:
              - from:
                - source:
                    namespaces: [\(AuthenticationRemediation.scalar(namespace))]
            """
    }
}

import YAMLModel

/// An AuthorizationPolicy whose HTTP (L7) attributes nothing can enforce: ztunnel only sees L4, and
/// a `targetRefs` to a Service without a waypoint reaches no proxy at all.
struct L7PolicyWithoutWaypointRule: BuiltInRule {
    static let description = RuleDescription(
        id: "l7-policy-without-waypoint",
        name: "L7 policy without a waypoint",
        summary: "An AuthorizationPolicy uses HTTP attributes where only ztunnel enforces it, or targets a Service no waypoint serves.",
        rationale: """
            In ambient mode ztunnel enforces policies with a `selector`, namespace-wide and mesh-wide \
            policies, and it understands only L4: principals, namespaces, service accounts, IP blocks, \
            ports. istiod translates everything else away, silently changing what the policy does. In an \
            ALLOW policy, every rule that mentions methods, paths, hosts, request principals or an L7 \
            `when` key is dropped, so the policy allows less than written (fail-closed: callers break). \
            In a DENY policy, a clause left with only L7 attributes can never match (fail-open: the deny \
            is a no-op; the usual "require a JWT" policy with `notRequestPrincipals: ["*"]` is exactly \
            this), and an entry mixing L4 and L7 keeps only its L4 part, so it denies all of that \
            traffic (broadened). CUSTOM and AUDIT policies, and dry-run policies, are not enforced by \
            ztunnel at all. HTTP rules need a waypoint: bind the Service with `istio.io/use-waypoint` \
            and attach the policy with `targetRefs`. A `targetRefs` to a Service that no waypoint \
            serves is enforced nowhere.
            """,
        remediation: """
            Enforce HTTP rules at a waypoint: label the Service (or namespace) `istio.io/use-waypoint: <waypoint>` \
            and attach the policy to the Service instead of selecting pods:
            spec:
              targetRefs:
              - kind: Service
                group: ""
                name: <service>
            Keep only L4 attributes (principals, namespaces, serviceAccounts, ipBlocks, ports) in policies ztunnel enforces.
            """,
        severity: .error,
        area: .authorization,
        tags: ["security", "authorization", "ambient", "ztunnel"],
        securitySeverity: 8.2,
        precision: .veryHigh,
        references: [
            "https://istio.io/latest/docs/ambient/usage/l4-policy/",
            "https://istio.io/latest/docs/ambient/usage/l7-features/",
            "https://istio.io/latest/docs/ambient/migrate/migrate-policies/",
        ],
        inputs: [.namespace, .authorizationPolicy, .service, .gateway, .deployment],
        triggeringExamples: [
            // ALLOW with methods/paths at ztunnel: the rule is dropped, the policy allows nothing.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from:
                    - source: {principals: [cluster.local/ns/payments/sa/accounts]}
                    to:
                    - operation:
                        ↓methods: [POST]
                        paths: [/ledger/v1/debit]
                """),
            // Namespace-wide ALLOW with an L7 `when` key.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: scoped, namespace: payments}
                spec:
                  rules:
                  - when:
                    - key: ↓request.auth.claims[scp]
                      values: [ledger.debit]
                """),
            // DENY whose only source is L7: never matches at ztunnel (fail-open).
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: require-jwt, namespace: payments}
                spec:
                  action: DENY
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from:
                    - source: {↓notRequestPrincipals: ["*"]}
                """),
            // DENY mixing L4 and L7 in one entry: broadened to all traffic from that principal.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-delete, namespace: payments}
                spec:
                  action: DENY
                  rules:
                  - from:
                    - source: {principals: [cluster.local/ns/payments/sa/accounts]}
                    to:
                    - operation: {ports: ["8080"], ↓methods: [DELETE]}
                """),
            // CUSTOM is not supported by ztunnel.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ext-authz, namespace: payments}
                spec:
                  action: ↓CUSTOM
                  provider: {name: opa}
                  rules:
                  - to: [{operation: {paths: [/admin]}}]
                """),
            // AUDIT is not supported by ztunnel either.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: audit-all, namespace: payments}
                spec:
                  action: ↓AUDIT
                  rules:
                  - from: [{source: {namespaces: [orders]}}]
                """),
            // A dry-run policy at ztunnel enforces nothing.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata:
                  name: try-deny
                  namespace: payments
                  annotations:
                    ↓istio.io/dry-run: "true"
                spec:
                  action: DENY
                  rules:
                  - from: [{source: {namespaces: [legacy]}}]
                """),
            // targetRefs to a Service that no waypoint serves: enforced nowhere.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-get, namespace: payments}
                spec:
                  targetRefs:
                  - ↓kind: Service
                    group: ""
                    name: ledger
                  rules:
                  - to: [{operation: {methods: [GET]}}]
                """),
            // A mesh-wide policy in the root namespace reaches every ambient namespace.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: no-admin, namespace: istio-system}
                spec:
                  action: DENY
                  rules:
                  - to: [{operation: {↓paths: [/admin*]}}]
                """),
        ],
        nonTriggeringExamples: [
            // L4 only: ztunnel enforces it as written.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/payments/sa/accounts]}}]
                    to: [{operation: {ports: ["8080"]}}]
                    when: [{key: source.namespace, values: [payments]}]
                """),
            // A DENY with L4 attributes only is enforced as written.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-legacy, namespace: payments}
                spec:
                  action: DENY
                  rules:
                  - from: [{source: {namespaces: [legacy], notPrincipals: [cluster.local/ns/legacy/sa/migrator]}}]
                    to: [{operation: {notPorts: ["15021"]}}]
                """),
            // The same HTTP rules attached to a Service that a waypoint serves.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: waypoint, namespace: payments}
                spec:
                  gatewayClassName: istio-waypoint
                  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-debit, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  rules:
                  - to: [{operation: {methods: [POST], paths: [/ledger/v1/debit]}}]
                """),
            // A sidecar namespace: the sidecar enforces L7 with a selector.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: legacy
                  labels: {istio-injection: enabled}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: get-only, namespace: legacy}
                spec:
                  selector: {matchLabels: {app: web}}
                  rules:
                  - to: [{operation: {methods: [GET]}}]
                """),
            // An ingress gateway (not a waypoint) enforces targetRefs policies itself.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: ingress, namespace: payments}
                spec:
                  gatewayClassName: istio
                  listeners: [{name: http, port: 80, protocol: HTTP}]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ingress-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: ingress}]
                  action: DENY
                  rules:
                  - from: [{source: {notRequestPrincipals: ["*"]}}]
                """),
            // A namespace whose Namespace object is not in the input: its mode is unknown.
            Example("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: get-only, namespace: elsewhere}
                spec:
                  selector: {matchLabels: {app: web}}
                  rules:
                  - to: [{operation: {methods: [GET]}}]
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        let meshHasAmbient = index.namespaces.contains { $0.dataplaneMode == .ambient }
        var findings: [Finding] = []
        for policy in index.authorizationPolicies {
            let attachment = index.attachment(of: policy)
            switch attachment.scope {
            case .workloadSelector, .namespace, .mesh:
                if let waypoint = index.waypointSelectedOnly(by: policy) {
                    findings.append(waypointPodsFinding(policy, waypoint: waypoint))
                    continue
                }
                guard Self.reachesAmbientWorkloads(policy, scope: attachment.scope, index: index, meshHasAmbient: meshHasAmbient)
                else { continue }
                findings += ztunnelFindings(policy, index: index)
            case .targetRefs:
                findings += attachment.targets.compactMap { nowhereFinding(policy, target: $0) }
            case .selectorAndTargetRefs:
                continue
            }
        }
        return findings
    }

    /// True when ztunnel enforces the policy for at least one ambient workload.
    private static func reachesAmbientWorkloads(
        _ policy: AuthorizationPolicyView, scope: PolicyAttachment.Scope, index: MeshIndex, meshHasAmbient: Bool
    ) -> Bool {
        let namespace = policy.namespace ?? "default"
        switch scope {
        case .mesh:
            return meshHasAmbient
        case .namespace:
            return index.namespace(namespace).dataplaneMode == .ambient
        case .workloadSelector:
            if namespace != index.rootNamespace, index.namespace(namespace).dataplaneMode == .ambient { return true }
            guard let selector = policy.selector else { return false }
            return index.workloads(selectedBy: selector, policyNamespace: namespace).contains {
                index.enrollment(of: $0).mode == .ambient
            }
        case .targetRefs, .selectorAndTargetRefs:
            return false
        }
    }

    private func ztunnelFindings(_ policy: AuthorizationPolicyView, index: MeshIndex) -> [Finding] {
        let name = policy.resource.displayName
        let fix = Self.remediation(for: policy, index: index)
        if policy.isDryRun, let annotation = policy.annotations[WellKnown.dryRunAnnotation] {
            return [finding(
                "\(name) is a dry-run policy enforced by ztunnel: ztunnel does not run dry-run policies, so it is not evaluated in ambient at all.",
                on: policy.resource, at: annotation.entrySpan,
                remediation: "Attach the dry-run policy to a waypoint with targetRefs (waypoints log dry-run results), or remove the annotation to enforce it.")]
        }
        guard let action = policy.action else { return [] }
        if action == .custom || action == .audit {
            return [finding(
                "\(name) has action \(action.rawValue), which ztunnel does not support: it is not enforced in ambient.",
                on: policy.resource, at: policy.actionSpan, remediation: fix)]
        }
        let rules = policy.rules
        let dropped = rules.filter { $0.ztunnelOutcome(for: action) == .dropped }
        return rules.compactMap { rule -> Finding? in
            let attributes = rule.l7Attributes
            guard let first = attributes.first else { return nil }
            let list = Self.list(attributes.map(\.value))
            let lead = "\(name) is enforced by ztunnel, which cannot evaluate HTTP attributes (\(list)) in rule \(rule.index + 1)"
            let message: String
            switch rule.ztunnelOutcome(for: action) {
            case .asWritten:
                return nil
            case .dropped:
                let nothingLeft = dropped.count == rules.count ? " No rule remains, so it allows nothing." : ""
                message = "\(lead): the rule is dropped, so the policy allows less than written (fail-closed).\(nothingLeft)"
            case .neverMatches:
                message = "\(lead): this DENY rule never matches at ztunnel (fail-open)."
            case .broadened:
                message = "\(lead): only its L4 part is kept, so it denies every connection \(Self.keptL4Scope(rule)), whatever the request (broadened)."
            case .partlyIgnored:
                message = "\(lead): the entries with only HTTP attributes never match at ztunnel, so the DENY covers less than written (fail-open)."
            }
            return finding(message, on: policy.resource, at: first.span, remediation: fix)
        }
    }

    /// A selector policy on a waypoint's own pods: ztunnel does not capture them and waypoints ignore
    /// selector policies, so nothing enforces it.
    private func waypointPodsFinding(_ policy: AuthorizationPolicyView, waypoint: Waypoint) -> Finding {
        finding(
            "\(policy.resource.displayName) selects the pods of waypoint \(waypoint.key), so it is enforced nowhere: "
                + "waypoint pods are labelled istio.io/dataplane-mode: none, so ztunnel does not enforce policies for them, "
                + "and a waypoint applies only the policies that target it with targetRefs.",
            on: policy.resource, at: policy.selectorSpan ?? policy.resource.nameSpan,
            related: [RelatedLocation("waypoint \(waypoint.key)", in: waypoint.gateway.resource)],
            remediation: "Enforce the policy at the waypoint: replace the selector with\n"
                + AuthenticationRemediation.targetRefs([.gateway(waypoint.name)]))
    }

    /// A finding for a target that reaches a Service no waypoint serves.
    private func nowhereFinding(_ policy: AuthorizationPolicyView, target: ResolvedTarget) -> Finding? {
        guard case .serviceWithoutWaypoint(let service, let binding) = target.outcome else { return nil }
        let why = switch binding.status {
        case .optedOut: "opts out of waypoints (istio.io/use-waypoint: none)"
        case .waypointNotFound: "names a waypoint that does not exist"
        case .trafficTypeNotAccepted: "is bound to a waypoint that does not accept service traffic"
        case .namespaceNotAllowed: "is bound to a waypoint whose listener does not allow its namespace"
        default: "has no istio.io/use-waypoint label, nor does its namespace"
        }
        let namespace = service.namespace ?? "default"
        // A policy without HTTP attributes does not need a waypoint: ztunnel enforces it by selector.
        let isL4 = policy.rules.allSatisfy { $0.l7Attributes.isEmpty }
        let l4Note = isL4
            ? " It uses no HTTP attribute, so ztunnel could enforce it for the Service's pods with a selector instead of targetRefs."
            : ""
        var remediation = """
            Bind the Service to a waypoint (or its whole namespace):
            kubectl label service \(service.name) -n \(namespace) istio.io/use-waypoint=<waypoint>
            or in the Service's manifest:
            metadata:
              labels:
                istio.io/use-waypoint: <waypoint>
            """
        if isL4 {
            remediation += "\nor let ztunnel enforce it: replace targetRefs with the selector of the Service's pods:\nspec:\n  selector:\n    matchLabels:\n"
                + (ServiceView(service)?.selector?.matchLabels ?? []).map {
                    "      \(AuthenticationRemediation.scalar($0.key)): \(AuthenticationRemediation.scalar($0.value))"
                }.joined(separator: "\n")
        }
        return finding(
            "\(policy.resource.displayName) targets \(service.displayName), which \(why): no waypoint serves it, so the policy is enforced nowhere.\(l4Note)",
            on: policy.resource, at: target.ref.span,
            related: [RelatedLocation("\(service.displayName) has no waypoint", in: service, at: binding.request?.label.entrySpan)],
            remediation: remediation)
    }

    /// What a broadened DENY still matches: the L4 fields of its sources and operations, e.g.
    /// "from principals [a] to ports [8080]".
    private static func keptL4Scope(_ rule: AuthorizationRule) -> String {
        func describe(_ entries: [RuleEntry]) -> String {
            var parts: [String] = []
            for entry in entries {
                for field in entry.fields where field.layer == .l4 {
                    let text = "\(field.name) [\(field.values.map(\.value).joined(separator: ", "))]"
                    if !parts.contains(text) { parts.append(text) }
                }
            }
            return parts.joined(separator: " or ")
        }
        let from = describe(rule.sources)
        let to = describe(rule.operations)
        let scope = [from.isEmpty ? "" : "from \(from)", to.isEmpty ? "" : "to \(to)"].filter { !$0.isEmpty }
        return scope.isEmpty ? "it covers" : scope.joined(separator: " ")
    }

    /// The fix with the policy's own names, pointing at a Service that selects the same pods.
    private static func remediation(for policy: AuthorizationPolicyView, index: MeshIndex) -> String {
        let namespace = policy.namespace ?? "default"
        let service = policy.selector
            .map { index.workloads(selectedBy: $0, policyNamespace: namespace) }?
            .lazy.flatMap { index.services(selecting: $0) }.first?.name ?? "<service>"
        return """
            Enforce the HTTP rules at a waypoint: label the Service or namespace istio.io/use-waypoint: <waypoint>, \
            then attach \(policy.name) to the Service instead of selecting pods (keep L4-only policies for ztunnel):
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata:
              name: \(policy.name)
              namespace: \(namespace)
            spec:
              targetRefs:
              - kind: Service
                group: ""
                name: \(service)
              # rules: as before
            """
    }

    private static func list(_ items: [String]) -> String {
        var unique: [String] = []
        for item in items where !unique.contains(item) { unique.append(item) }
        return unique.joined(separator: ", ")
    }
}

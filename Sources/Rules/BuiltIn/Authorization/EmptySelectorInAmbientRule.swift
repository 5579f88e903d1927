import YAMLModel

/// An AuthorizationPolicy with `selector: {}`: every pod for a sidecar, no workload for ztunnel.
struct EmptySelectorInAmbientRule: BuiltInRule {
    static let description = RuleDescription(
        id: "empty-selector-in-ambient",
        name: "Empty selector ignored in ambient",
        summary: "An AuthorizationPolicy with `selector: {}` applies to every sidecar pod but to no ambient workload, so ztunnel never enforces it.",
        rationale: """
            With sidecars, a policy whose `selector` has no labels applies to every pod of its namespace \
            (istio/istio `policyattachment.go`), and teams wrote deny-alls and ALLOW lists that way. In \
            ambient the same policy is given workload-selector scope (ambient `authorization.go`, \
            `convertAuthorizationPolicy`: any `selector`, even empty) and is attached only to workloads \
            an empty selector does not reach (selector policies are matched with krt \
            `FilterSelectsNonEmpty`: an empty selector is no match). ztunnel never receives it: the \
            DENY denies nothing, the allow-nothing allows everything, the ALLOW list restricts nothing \
            — silently, and only for the pods that moved to ambient. Reported when the policy's \
            namespace (or, for the root namespace, any namespace) has ambient workloads or is \
            labelled ambient.
            """,
        remediation: """
            Remove `selector: {}`: without a selector the policy is namespace-wide (mesh-wide from the \
            root namespace) and ztunnel enforces it for every ambient pod, as the empty selector did for \
            sidecars. Rules on HTTP attributes belong on the waypoint (`targetRefs`).
            """,
        severity: .error,
        area: .authorization,
        tags: ["authorization", "ambient", "migration"],
        precision: .high,
        references: [
            "https://istio.io/latest/docs/ambient/usage/l4-policy/",
            "https://istio.io/latest/docs/ambient/migrate/",
            "https://github.com/istio/istio/blob/master/pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go",
            "https://github.com/istio/istio/blob/master/pkg/kube/krt/fetch.go",
        ],
        inputs: [.namespace, .authorizationPolicy, .deployment],
        triggeringExamples: [
            // A deny-all from sidecar days in a namespace now in ambient.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-all, namespace: payments}
                spec:
                  ↓selector: {}
                """),
            // An ALLOW list with an empty matchLabels, while one workload already runs in ambient.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {istio-injection: enabled}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: cart, namespace: shop}
                spec:
                  template:
                    metadata:
                      labels: {app: cart, istio.io/dataplane-mode: ambient, sidecar.istio.io/inject: "false"}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: frontend-only, namespace: shop}
                spec:
                  ↓selector: {matchLabels: {}}
                  action: ALLOW
                  rules: [{from: [{source: {principals: [cluster.local/ns/shop/sa/frontend]}}]}]
                """),
        ],
        nonTriggeringExamples: [
            // Namespace-wide (no selector): ztunnel enforces it.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-all, namespace: payments}
                spec: {}
                """),
            // A sidecar namespace with no ambient workload: the empty selector selects every pod.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: legacy, labels: {istio-injection: enabled}}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-all, namespace: legacy}
                spec:
                  selector: {}
                """),
            // A selector with labels.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        for policy in index.authorizationPolicies where index.hasEmptyWorkloadSelector(policy) {
            let namespace = policy.namespace ?? "default"
            let isRoot = namespace == index.rootNamespace
            let namespaces = isRoot ? index.namespaces : [index.namespace(namespace)]
            let workloads = isRoot ? index.workloads : index.workloads(in: namespace)
            let ambientWorkloads = workloads.filter { index.enrollment(of: $0).mode == .ambient }
            let ambientNamespaces = namespaces.filter { $0.dataplaneMode == .ambient }
            guard !ambientWorkloads.isEmpty || !ambientNamespaces.isEmpty else { continue }
            let sidecars = workloads.filter { index.enrollment(of: $0).mode == .sidecar }
            let effect: String
            switch policy.action ?? .allow {
            case .deny: effect = "the DENY denies nothing"
            case .allow where policy.rules.isEmpty: effect = "the allow-nothing blocks nothing"
            case .allow: effect = "the ALLOW list restricts nothing"
            default: effect = "it has no effect"
            }
            let place = isRoot ? "any ambient workload of the mesh" : "namespace \(namespace)'s ambient workloads"
            var message = "\(policy.resource.displayName) has an empty `selector`: in ambient istiod attaches it to no workload, "
                + "so ztunnel never enforces it and \(effect) for \(place)"
            if !sidecars.isEmpty {
                let names = sidecars.prefix(3).map(\.resource.displayName).joined(separator: ", ")
                message += "; it still applies to the sidecar pods (\(names)\(sidecars.count > 3 ? ", …" : ""))"
            }
            message += "."
            let related = ambientWorkloads.prefix(3).map { RelatedLocation("the pods of \($0.resource.displayName) are in ambient", in: $0.resource) }
                + ambientNamespaces.prefix(isRoot ? 3 : 1).compactMap { facts in
                    facts.object.map { RelatedLocation("namespace \(facts.name) is labelled ambient", in: $0.resource, at: facts.dataplaneLabel?.entrySpan) }
                }
            findings.append(finding(
                message, on: policy.resource, at: policy.selectorSpan ?? policy.resource.nameSpan, related: Array(related),
                remediation: Self.remediation(for: policy)))
        }
        return findings
    }

    private static func remediation(for policy: AuthorizationPolicyView) -> String {
        let namespace = policy.namespace ?? "default"
        // A command only for names a shell cannot read as anything else (a pull request writes them).
        let command = [policy.name, namespace].allSatisfy(PlainName.isPlain)
            ? "\nkubectl patch authorizationpolicy \(policy.name) -n \(namespace) --type json -p '[{\"op\": \"remove\", \"path\": \"/spec/selector\"}]'"
            : ""
        return """
            Remove the empty selector: the policy is then namespace-wide (mesh-wide from the root namespace) and ztunnel \
            enforces it for every ambient pod, as the empty selector did for sidecars. In the manifest, delete \
            `selector: {}` from spec; in the cluster:\(command)
            (Rules on HTTP attributes (methods, paths, JWT claims) move to the waypoint, with targetRefs.)
            """
    }
}

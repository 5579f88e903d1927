import YAMLModel

/// A namespace the input puts resources in without its Namespace object or assumed labels: the
/// namespace checks could not run, and a clean result must not read as a pass.
struct NamespaceNotInInputRule: BuiltInRule {
    /// The rules that need a namespace's labels to know whether its pods are in ambient.
    static let namespaceChecks = ["ambient-namespace-without-default-deny", "peer-authentication-not-strict"]

    static let description = RuleDescription(
        id: "namespace-not-in-input",
        name: "Namespace not in the input",
        summary: "The input holds resources of a namespace but not its Namespace object or labels, so the namespace checks could not run.",
        rationale: """
            Whether a namespace's pods are in ambient, and whether a waypoint serves all of it, is \
            written on its Namespace object (`istio.io/dataplane-mode`, `istio.io/use-waypoint`). A \
            repository often holds a namespace's policies and workloads but not the object: the platform \
            team's repository has it, or a script labels it (`kubectl label namespace ...`). MeshLint does \
            not guess those labels, so the checks that need them (a default deny, STRICT mTLS) do not run \
            for the namespace. This note says so once per namespace, so that a clean result is never a \
            silent non-result. Declaring the labels under `assume:` in .meshlint.yaml runs the checks; \
            pods enrolled one by one (`istio.io/dataplane-mode: ambient` on the pod template) get them \
            without it. Istio's root namespace and Kubernetes' own namespaces are left out.
            """,
        remediation: """
            Add the Namespace object, or declare its labels in .meshlint.yaml:
            assume:
              namespaces:
                <namespace>:
                  labels: {istio.io/dataplane-mode: ambient}
            """,
        severity: .note,
        area: .enrollment,
        tags: ["ambient", "enrollment", "coverage"],
        precision: .veryHigh,
        references: [
            "https://istio.io/latest/docs/ambient/usage/add-workloads/",
            "https://istio.io/latest/docs/reference/config/labels/",
        ],
        inputs: [.namespace, .service, .deployment, .authorizationPolicy],
        triggeringExamples: [
            // Policies and a workload of `shop`, whose Namespace object lives elsewhere.
            Example("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: cart, ↓namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: cart}}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: cart, namespace: shop}
                spec:
                  selector: {matchLabels: {app: cart}}
                  rules: [{from: [{source: {namespaces: [shop]}}]}]
                """),
        ],
        nonTriggeringExamples: [
            // The Namespace object is in the input.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: cart, namespace: shop}
                spec: {selector: {app: cart}, ports: [{port: 80}]}
                """),
            // Its labels are declared in the configuration.
            Example("""
                apiVersion: v1
                kind: Service
                metadata: {name: cart, namespace: shop}
                spec: {selector: {app: cart}, ports: [{port: 80}]}
                """, configuration: """
                assume:
                  namespaces:
                    shop:
                      labels: {istio.io/dataplane-mode: ambient}
                """),
            // Pods enrolled one by one get the namespace checks; the root namespace is left out.
            Example("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: cart, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: cart, istio.io/dataplane-mode: ambient}}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: allow-nothing, namespace: istio-system}
                spec: {}
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        let skipped = index.alwaysExistingNamespaces.subtracting(["default"])
        return index.namespacesWithoutLabels.compactMap { namespace, first -> Finding? in
            guard !skipped.contains(namespace.name), index.ambientNamespace(namespace) == nil else { return nil }
            let copies = namespace.conflictingCopies
            let why = copies.isEmpty
                ? "Namespace \(namespace.name) is not in the input: its resources are (\(first.displayName) is the first), but "
                    + "not its Namespace object or labels"
                : "Namespace \(namespace.name) is written \(copies.count) times in the input with different labels, and no "
                    + "order of the files tells which one the cluster has"
            return finding(
                why + ", so MeshLint cannot tell whether its pods are in ambient, and "
                    + "\(Self.namespaceChecks.joined(separator: " and ")) did not run for it. "
                    + (copies.isEmpty ? "Add the Namespace object or declare" : "Keep one copy per scan, or declare")
                    + " its labels under assume: in .meshlint.yaml.",
                on: first, at: MeshIndex.namespaceSpan(of: first),
                related: copies.map { RelatedLocation("a copy of Namespace \(namespace.name)", in: $0.resource) },
                remediation: """
                    Add the Namespace object, or declare its labels in .meshlint.yaml:
                    assume:
                      namespaces:
                        \(AuthenticationRemediation.scalar(namespace.name)):
                          labels: {istio.io/dataplane-mode: ambient}  # the labels it has in the cluster
                    """)
        }
    }
}

import YAMLModel

/// A kustomization that was read, not built.
struct KustomizationNotRenderedRule: InputProblemRule {
    static let problemKind = InputProblem.Kind.kustomizationNotRendered

    static let description = RuleDescription(
        id: "kustomization-not-rendered",
        name: "Kustomization not rendered",
        summary: "A kustomization was read as a file instead of built, so its overlays are not in what was checked.",
        rationale: """
            A Kustomize overlay changes what the cluster receives: `namespace:` moves every resource \
            without one out of `default`, `labels:` and a LabelTransformer can enrol a namespace in \
            ambient, and patches can make mTLS STRICT. Checked file by file, the base says none of \
            that, and findings are both missed and false. MeshLint builds each Kustomize root it \
            finds with `kustomize build` or `kubectl kustomize`; this note marks a kustomization it \
            could not build (no Kustomize on PATH, a remote base it would have to fetch, a failed \
            build, or `--no-render`), and says why.
            """,
        remediation: """
            Install kubectl or kustomize (or name one with --kustomize PATH), vendor remote bases \
            into the repository, or render it yourself: `kubectl kustomize DIR | meshlint scan -`.
            """,
        severity: .note,
        area: .input,
        tags: ["input", "kustomize"],
        precision: .veryHigh,
        references: [
            "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/",
            "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/buildmetadata/",
        ],
        triggeringExamples: [
            Example("""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: payments
                ↓resources: [namespace.yaml, policies.yaml]
                """),
        ],
        nonTriggeringExamples: [
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}
                """),
        ])
}

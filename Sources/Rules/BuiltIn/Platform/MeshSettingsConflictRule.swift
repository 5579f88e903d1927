import YAMLModel

/// The trust domain or root namespace the input's mesh configuration declares disagrees with the
/// one MeshLint is told, or with another declaration.
struct MeshSettingsConflictRule: BuiltInRule {
    /// An IstioOperator declaring trust domain `corp.example`; `marker` goes before the value.
    private static func operatorSpec(_ marker: String = "") -> String {
        """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        metadata: {name: control-plane, namespace: istio-system}
        spec:
          meshConfig:
            trustDomain: \(marker)corp.example
        """
    }

    static let description = RuleDescription(
        id: "mesh-settings-conflict",
        name: "Mesh settings conflict",
        summary: "The input's mesh configuration declares a trust domain or root namespace other than the one MeshLint uses.",
        rationale: """
            Principals are written `<trust-domain>/ns/<namespace>/sa/<account>`, and a policy in the \
            root namespace applies to the whole mesh. MeshLint reads both from the input's own mesh \
            configuration (the `istio` ConfigMap's `mesh`, an IstioOperator's `meshConfig`, istiod's \
            Helm values in an Argo CD Application or Flux HelmRelease, a Sail operator `Istio`) unless \
            .meshlint.yaml or the command line sets them, which then win. When the two disagree, one of \
            them is wrong for the cluster, and every principal and mesh-wide policy is judged against the \
            one MeshLint uses. When two declarations in the input disagree (often separate clusters or \
            environments scanned together) MeshLint picks neither: it keeps Istio's default, accepts \
            principals in any declared trust domain, and reports a note.
            """,
        remediation: """
            Make .meshlint.yaml and the mesh configuration agree, or remove the setting from .meshlint.yaml:
            trustDomain: <the mesh's trust domain>
            rootNamespace: <the mesh's root namespace>
            """,
        severity: .warning,
        area: .platform,
        tags: ["identity", "configuration"],
        precision: .high,
        references: [
            "https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/",
            "https://istio.io/latest/docs/tasks/security/authorization/authz-td-migration/",
        ],
        inputs: [.configMap, .istioOperator],
        triggeringExamples: [
            Example(operatorSpec("↓"), configuration: "trustDomain: cluster.local\n"),
            // Two declarations that disagree.
            Example(operatorSpec() + """

                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: istio, namespace: istio-system}
                data:
                  ↓mesh: |-
                    trustDomain: other.example
                """),
        ],
        nonTriggeringExamples: [
            Example(operatorSpec()),
            Example(operatorSpec(), configuration: "trustDomain: corp.example\n"),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        let declared = index.declaredSettings
        return findings(declared.trustDomain, used: index.trustDomain, configured: index.options.trustDomainIsConfigured, name: "trust domain")
            + findings(declared.rootNamespace, used: index.rootNamespace, configured: index.options.rootNamespaceIsConfigured,
                       name: "root namespace")
    }

    private func findings(
        _ settings: [DeclaredMeshSettings.Setting], used: String, configured: Bool, name: String
    ) -> [Finding] {
        if configured {
            return settings.filter { $0.value != used }.map { setting in
                finding(
                    "\(setting.resource.displayName) declares \(setting.field): \(setting.value), but MeshLint is told the "
                        + "\(name) is \(used) (.meshlint.yaml or the command line), and judges every policy by that.",
                    on: setting.resource, at: setting.span)
            }
        }
        // Declarations that disagree with each other: often separate clusters or environments
        // scanned together. No path order picks one; a note at each value after the first.
        guard let first = settings.first else { return [] }
        var seen: Set<String> = [first.value]
        return settings.dropFirst().compactMap { setting -> Finding? in
            guard seen.insert(setting.value).inserted else { return nil }
            var note = finding(
                "\(setting.resource.displayName) declares \(setting.field): \(setting.value), but \(first.resource.displayName) "
                    + "declares \(first.value). If they configure one mesh, one of them is wrong; if they are separate clusters "
                    + "or environments, scan each on its own. MeshLint does not pick one: it keeps \(used) and accepts "
                    + "principals in either. Set the \(name) in .meshlint.yaml to decide.",
                on: setting.resource, at: setting.span,
                related: [RelatedLocation("\(first.field): \(first.value)", in: first.resource, at: first.span)])
            note.severity = .note
            return note
        }
    }
}

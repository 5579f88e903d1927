import YAMLModel

/// Ambient pods that accept plaintext: an ambient namespace whose effective mTLS mode is not STRICT,
/// a selector PeerAuthentication that relaxes it, or a port left open under STRICT.
struct PeerAuthenticationNotStrictRule: BuiltInRule {
    static let description = RuleDescription(
        id: "peer-authentication-not-strict",
        name: "PeerAuthentication not STRICT",
        summary: "Ambient pods accept plaintext connections because their effective mTLS mode is not STRICT.",
        rationale: """
            ztunnel wraps traffic between ambient pods in mTLS, but unless the mode is STRICT it also \
            accepts plaintext connections, from anything that can reach the pod without going through the \
            mesh (a pod outside the mesh, a node, another network). Such a caller has no identity: no \
            `principals` or `namespaces` rule matches it, so a DENY written for identities does not stop it, \
            and nothing it sends is encrypted. Ambient's default is PERMISSIVE. The effective mode of a namespace is that of its \
            namespace-wide PeerAuthentication (no selector) when set (UNSET inherits), else that of the \
            mesh-wide one in the root namespace, else PERMISSIVE; the oldest policy wins when there are \
            several. `DISABLE` is ignored in ambient and acts as PERMISSIVE. A PeerAuthentication with a \
            `selector` in the workload's namespace overrides the mode for the pods it selects, and its \
            `portLevelMtls` can leave single ports accepting plaintext under STRICT (PERMISSIVE or \
            DISABLE under the policy's own STRICT, PERMISSIVE under an inherited one). A selector \
            PeerAuthentication in the root namespace is ignored in ambient. Reported: an ambient \
            namespace whose mode is not STRICT (at its `istio.io/dataplane-mode` label, or at the `mode` \
            of its non-STRICT namespace PeerAuthentication); a selector PeerAuthentication that sets \
            PERMISSIVE or DISABLE for ambient pods (at its `mode`); a port that accepts plaintext under \
            STRICT (at its `portLevelMtls` entry). \
            The check runs for every namespace whose pods are in ambient: a Namespace object labelled \
            ambient, a namespace whose labels .meshlint.yaml assumes, or pods enrolled one by one by their own \
            label. A namespace the input shows holding only waypoints (their pods are labelled \
            `istio.io/dataplane-mode: none`) or ingress and egress gateways has no application pods of its \
            own to protect and is left out (an ingress gateway must accept plaintext from outside the \
            mesh).
            """,
        remediation: """
            Require mTLS in the namespace:
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata:
              name: default
              namespace: <namespace>
            spec:
              mtls:
                mode: STRICT
            """,
        severity: .warning,
        area: .authentication,
        tags: ["security", "authentication", "mtls", "ambient"],
        securitySeverity: 5.3,
        precision: .high,
        references: [
            "https://istio.io/latest/docs/reference/config/security/peer_authentication/",
            "https://istio.io/latest/docs/ambient/usage/l4-policy/",
            "https://istio.io/latest/docs/concepts/security/#peer-authentication",
        ],
        inputs: [.namespace, .peerAuthentication, .deployment, .statefulSet, .daemonSet, .pod],
        triggeringExamples: [
            // No PeerAuthentication at all: ambient's default PERMISSIVE.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels:
                    ↓istio.io/dataplane-mode: ambient
                """),
            // A namespace PeerAuthentication that is not STRICT (DISABLE acts as PERMISSIVE in ambient).
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient}
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: payments}
                spec:
                  mtls:
                    ↓mode: DISABLE
                """),
            // A mesh-wide PERMISSIVE, and a namespace policy that leaves the mode UNSET (inherits it).
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient}
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: payments}
                spec:
                  mtls: {↓mode: UNSET}
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: istio-system}
                spec:
                  mtls: {mode: PERMISSIVE}
                """),
            // A selector PeerAuthentication in the root namespace is ignored in ambient: the namespace stays PERMISSIVE.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {↓istio.io/dataplane-mode: ambient}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  template:
                    metadata: {labels: {app: ledger}}
                    spec: {containers: [{name: ledger, image: ledger:1.0}]}
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: ledger-strict, namespace: istio-system}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  mtls: {mode: STRICT}
                """),
            // A selector policy relaxing a STRICT namespace for ambient pods.
            Example(strictNamespace + ledger + """
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: ledger-permissive, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  mtls:
                    ↓mode: PERMISSIVE
                """),
            // Port-level holes under STRICT: PERMISSIVE or DISABLE under the policy's own STRICT...
            Example(strictNamespace + ledger + """
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: ledger-metrics, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  mtls: {mode: STRICT}
                  portLevelMtls:
                    ↓9090: {mode: PERMISSIVE}
                    ↓9091:
                      mode: DISABLE
                    8080: {mode: STRICT}
                """),
            // ...and PERMISSIVE under an inherited STRICT (the policy's mode is UNSET).
            Example(strictNamespace + ledger + """
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: ledger-metrics, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  portLevelMtls:
                    ↓9090: {mode: PERMISSIVE}
                """),
        ],
        nonTriggeringExamples: [
            // A STRICT namespace policy.
            Example(strictNamespace),
            // A STRICT mesh-wide policy, and a namespace policy that leaves it UNSET.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient}
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: payments}
                spec: {}
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: mesh-root}
                spec:
                  mtls: {mode: STRICT}
                """, rootNamespace: "mesh-root"),
            // Not in ambient: PeerAuthentication for sidecars is not this rule's concern.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio-injection: enabled}
                """),
            // A selector PERMISSIVE policy whose pods are not in ambient (they run a sidecar).
            Example(strictNamespace + """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  template:
                    metadata: {labels: {app: ledger, sidecar.istio.io/inject: "true"}}
                    spec: {containers: [{name: ledger, image: ledger:1.0}]}
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: ledger-permissive, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  mtls: {mode: PERMISSIVE}
                """),
            // A selector policy that tightens the namespace, and a root-namespace selector PERMISSIVE (ignored).
            Example(strictNamespace + ledger + """
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: ledger-strict, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  mtls: {mode: STRICT}
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: ledger-permissive, namespace: istio-system}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  mtls: {mode: PERMISSIVE}
                """),
            // Strict ports only; and a DISABLE port of an UNSET policy keeps the inherited STRICT (as istiod does).
            Example(strictNamespace + ledger + """
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: ledger-ports, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  portLevelMtls:
                    8080: {mode: STRICT}
                    9091: {mode: DISABLE}
                """),
            // A port hole on pods that are not in ambient (they opted out).
            Example(strictNamespace + """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: probe
                  namespace: payments
                  labels: {app: probe, istio.io/dataplane-mode: none}
                spec: {containers: [{name: probe, image: probe:1.0}]}
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: probe, namespace: payments}
                spec:
                  selector: {matchLabels: {app: probe}}
                  mtls: {mode: STRICT}
                  portLevelMtls:
                    9090: {mode: PERMISSIVE}
                """),
        ])

    /// An ambient namespace with a STRICT namespace PeerAuthentication.
    private static let strictNamespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: payments
          labels: {istio.io/dataplane-mode: ambient}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: payments}
        spec:
          mtls: {mode: STRICT}
        ---

        """

    /// An ambient workload in it.
    private static let ledger = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ledger, namespace: payments}
        spec:
          selector: {matchLabels: {app: ledger}}
          template:
            metadata: {labels: {app: ledger}}
            spec: {containers: [{name: ledger, image: ledger:1.0}]}
        ---

        """

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        // Waypoint or gateway pods only: nothing of the namespace's own to protect, and an ingress
        // gateway must accept plaintext from outside the mesh.
        // Copies of a PeerAuthentication that set different modes leave the mode unknown: no path
        // order picks the one the cluster has (duplicate-resource says so).
        let disputed = Set(index.duplicates.filter { $0.groupKind == .peerAuthentication && $0.differences.contains("spec") }
            .compactMap(\.key.namespace))
        for namespace in index.ambientNamespaces where !index.holdsOnlyGateways(namespace.name) {
            guard !disputed.contains(namespace.name), !disputed.contains(index.rootNamespace) else { continue }
            if let finding = namespaceFinding(namespace, index: index) { findings.append(finding) }
        }
        for policy in index.peerAuthentications where !policy.isNamespaceWide {
            findings += selectorFindings(policy, index: index)
        }
        return findings
    }

    // MARK: Namespace

    private func namespaceFinding(_ namespace: AmbientNamespace, index: MeshIndex) -> Finding? {
        let mtls = index.mtls(in: namespace.name)
        guard !mtls.isStrict else { return nil }
        // Where: the non-STRICT `mode` of the namespace's own policy, else what puts it in ambient.
        let resource: Resource
        let span: Span
        if let policy = mtls.namespacePolicy, let mode = policy.mtlsMode {
            resource = policy.resource
            span = mode.entrySpan
        } else {
            resource = namespace.anchor
            span = namespace.anchorSpan
        }
        let reason: String
        switch mtls.source {
        case .namespacePolicy:
            reason = "its PeerAuthentication \(mtls.namespacePolicy?.name ?? "") sets mode \(Self.describe(mtls.mode))"
        case .meshPolicy:
            let mesh = mtls.meshPolicy.map { "\($0.namespace ?? index.rootNamespace)/\($0.name)" } ?? ""
            let local = mtls.namespacePolicy.map { "its PeerAuthentication \($0.name) leaves the mode UNSET and " } ?? ""
            reason = "\(local)the mesh-wide PeerAuthentication \(mesh) sets mode \(Self.describe(mtls.mode))"
        case .ambientDefault:
            reason = mtls.namespacePolicy == nil && mtls.meshPolicy == nil
                ? "no PeerAuthentication in it or in the root namespace \(index.rootNamespace) sets a mode, so ambient's default, PERMISSIVE, applies"
                : "no PeerAuthentication in it or in the root namespace \(index.rootNamespace) sets a mode (UNSET inherits), "
                    + "so ambient's default, PERMISSIVE, applies"
        }
        let tail = mtls.source == .ambientDefault ? "" : " (ambient's default is PERMISSIVE too)"
        let message = "\(namespace.inAmbient) but its effective mTLS mode is not STRICT: \(reason). "
            + "ztunnel accepts plaintext connections to its pods from outside the mesh\(tail)."
        var related: [RelatedLocation] = []
        if resource !== namespace.anchor {
            related.append(RelatedLocation(namespace.inAmbient, in: namespace.anchor, at: namespace.anchorSpan))
        }
        if mtls.source == .meshPolicy, let mesh = mtls.meshPolicy {
            related.append(RelatedLocation(
                "the mesh-wide \(mesh.resource.displayName) sets mode \(Self.describe(mtls.mode))", in: mesh.resource,
                at: mesh.mtlsMode?.entrySpan))
        }
        for shadowed in mtls.shadowedPolicies where shadowed.namespace == namespace.name || shadowed.namespace == index.rootNamespace {
            related.append(RelatedLocation(
                "\(shadowed.resource.displayName) is not applied: an older namespace-wide policy of its namespace wins",
                in: shadowed.resource))
        }
        if resource.groupKind == .namespace, let local = mtls.namespacePolicy {
            related.append(RelatedLocation(
                "\(local.resource.displayName) sets no mode (UNSET): it inherits", in: local.resource))
        }
        var ignored = Set<ResourceOrigin>()
        for workload in index.workloads(in: namespace.name) where index.enrollment(of: workload).mode == .ambient {
            for policy in index.ignoredPeerAuthentications(selecting: workload) where ignored.insert(policy.resource.origin).inserted {
                related.append(RelatedLocation(
                    "\(policy.resource.displayName) selects \(workload.resource.displayName) but is ignored in ambient: "
                        + "ztunnel applies no selector PeerAuthentication of the root namespace",
                    in: policy.resource, at: policy.selectorSpan))
            }
        }
        let name = mtls.namespacePolicy?.name ?? "default"
        let remediation = """
            Require mTLS for the namespace (plaintext callers must join the mesh first):
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata:
              name: \(AuthenticationRemediation.scalar(name))
              namespace: \(AuthenticationRemediation.scalar(namespace.name))
            spec:
              mtls:
                mode: STRICT
            """
        return finding(message, on: resource, at: span, related: related, remediation: remediation)
    }

    // MARK: Selector policies

    private func selectorFindings(_ policy: PeerAuthenticationView, index: MeshIndex) -> [Finding] {
        let namespace = policy.namespace ?? "default"
        guard namespace != index.rootNamespace, let selector = policy.selector else { return [] }
        let selected = index.workloads(selectedBy: selector, policyNamespace: namespace)
        let pods: PodMTLS
        let affected: [WorkloadView]
        if selected.isEmpty {
            // No workload of the namespace is in the input: judge the policy for the pods of an ambient namespace.
            guard index.namespace(namespace).dataplaneMode == .ambient, index.workloads(in: namespace).isEmpty,
                  let resolved = index.mtls(forPodsSelectedBy: policy)
            else { return [] }
            pods = resolved
            affected = []
        } else {
            // The ambient workloads this policy is the applying selector policy of.
            affected = selected.filter {
                index.enrollment(of: $0).mode == .ambient && index.mtls(of: $0).policy?.resource.origin == policy.resource.origin
            }
            guard !affected.isEmpty, let resolved = index.mtls(forPodsSelectedBy: policy) else { return [] }
            pods = resolved
        }
        let subjects = affected.isEmpty
            ? "the ambient pods it selects in namespace \(namespace)"
            : AuthenticationRemediation.list(affected.map(\.resource.displayName)) + " (in ambient)"
        let related = affected.map { RelatedLocation("\($0.resource.displayName) is selected and in ambient", in: $0.resource) }
        var findings: [Finding] = []
        if !pods.isStrict, pods.isSetByPolicy, let mode = policy.mtlsMode {
            let overrides = pods.namespace.isStrict ? ", overriding the namespace's STRICT" : ""
            let message = "\(policy.resource.displayName) sets mTLS mode \(Self.describe(pods.mode)) for \(subjects)\(overrides): "
                + "ztunnel accepts plaintext connections to these pods from outside the mesh."
            var allRelated = related
            if let deciding = pods.namespace.decidingPolicy, pods.namespace.isStrict {
                allRelated.append(RelatedLocation(
                    "\(deciding.resource.displayName) makes the namespace STRICT", in: deciding.resource, at: deciding.mtlsMode?.entrySpan))
            }
            findings.append(finding(
                message, on: policy.resource, at: mode.entrySpan, related: allRelated,
                remediation: Self.selectorRemediation(policy)))
        }
        for port in pods.plaintextPorts {
            let modeText = port.modeEntry?.value ?? "UNSET"
            let under = pods.isSetByPolicy
                ? "under its own mode STRICT"
                : "under the STRICT mode it inherits from \(pods.namespace.decidingPolicy?.resource.displayName ?? "its namespace")"
            let message = "\(policy.resource.displayName) sets port \(port.portText) to \(Self.describe(modeText)) \(under): "
                + "ztunnel accepts plaintext connections on port \(port.portText) of \(subjects)."
            findings.append(finding(
                message, on: policy.resource, at: port.entrySpan, related: related,
                remediation: """
                    Require mTLS on the port too (a plaintext client must join the mesh to reach it):
                      portLevelMtls:
                        \(AuthenticationRemediation.scalar(port.portText)):
                          mode: STRICT
                    or remove the port from `portLevelMtls` of \(policy.resource.displayName).
                    """))
        }
        return findings
    }

    /// The mode as messages name it; DISABLE with what ztunnel makes of it.
    private static func describe(_ mode: MTLSMode) -> String { describe(mode.rawValue) }

    private static func describe(_ text: String) -> String {
        text == MTLSMode.disable.rawValue ? "DISABLE (ignored in ambient: it acts as PERMISSIVE)" : text
    }

    /// The selector policy with mode STRICT, as a pasteable manifest.
    private static func selectorRemediation(_ policy: PeerAuthenticationView) -> String {
        let labels = policy.selector?.matchLabels ?? []
        var lines = [
            "Require mTLS for the pods it selects (plaintext callers must join the mesh first):",
            "apiVersion: security.istio.io/v1",
            "kind: PeerAuthentication",
            "metadata:",
            "  name: \(AuthenticationRemediation.scalar(policy.name))",
            "  namespace: \(AuthenticationRemediation.scalar(policy.namespace ?? "default"))",
            "spec:",
            "  selector:",
            "    matchLabels:",
        ]
        lines += labels.map { "      \(AuthenticationRemediation.scalar($0.key)): \(AuthenticationRemediation.scalar($0.value))" }
        lines += ["  mtls:", "    mode: STRICT"]
        let ports = policy.portLevelMTLS
        if !ports.isEmpty {
            lines.append("  portLevelMtls:")
            for port in ports {
                let mode = port.mode == .permissive || port.mode == .disable ? "STRICT" : (port.modeEntry?.value ?? "UNSET")
                lines += ["    \(AuthenticationRemediation.scalar(port.portText)):", "      mode: \(mode)"]
            }
        }
        return lines.joined(separator: "\n")
    }
}

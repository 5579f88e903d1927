/// Whether one workload's pods are in ambient, and the label or field that decides it.
public struct Enrollment: Sendable {
    public enum Reason: String, Sendable {
        case namespaceLabel, podLabel, podOptOut, sidecarInNamespace, sidecarOnPod, hostNetwork
        case namespaceNotEnrolled, namespaceUnknown
    }

    public let mode: DataplaneMode
    public let reason: Reason
    /// The label that decided, when one did.
    public let evidence: Spanned<String>.Entry?

    /// Decides enrollment the way Istio does: host-network pods are never captured; a sidecar is
    /// injected as the injector decides (below), and a pod with a sidecar stays out of ambient;
    /// then the pod's own `istio.io/dataplane-mode`, then its namespace's.
    ///
    /// Injection, as istio/istio decides it (pkg/kube/inject/webhook.go `injectRequired`, and the
    /// selectors of the injector's four webhooks): `sidecar.istio.io/inject` is read from the pod's
    /// labels, else its annotations (the label wins), and `false` opts the pod out everywhere. A
    /// namespace with `istio-injection: enabled`, or `istio.io/rev` and no `istio-injection`,
    /// injects every other pod. A pod's own `sidecar.istio.io/inject: "true"` label or `istio.io/rev`
    /// label injects only where the namespace has neither label: `istio-injection: disabled` beats
    /// it, and an annotation alone never reaches the object webhook, which selects on labels.
    static func resolve(_ workload: WorkloadView, namespace: NamespaceFacts) -> Enrollment {
        let pod = workload.podLabels
        if let hostNetwork = workload.hostNetwork, hostNetwork.value {
            return Enrollment(mode: .none, reason: .hostNetwork, evidence: nil)
        }
        let injectSetting = pod[WellKnown.sidecarInjectLabel] ?? workload.podAnnotations[WellKnown.sidecarInjectLabel]
        let optedOut = injectSetting.map { Self.isFalse($0.value) } ?? false
        if !optedOut {
            if namespace.dataplaneMode == .sidecar {
                return Enrollment(mode: .sidecar, reason: .sidecarInNamespace, evidence: namespace.sidecarLabel)
            }
            // The object webhooks: only in a namespace with neither injection label (or one whose
            // labels the input does not give).
            let namespaceSelects = namespace.labels.map { $0[WellKnown.injectionLabel] != nil || $0[WellKnown.revisionLabel] != nil } ?? false
            if !namespaceSelects {
                if let inject = pod[WellKnown.sidecarInjectLabel], Self.isTrue(inject.value) {
                    return Enrollment(mode: .sidecar, reason: .sidecarOnPod, evidence: inject)
                }
                if let revision = pod[WellKnown.revisionLabel] {
                    return Enrollment(mode: .sidecar, reason: .sidecarOnPod, evidence: revision)
                }
            }
        }
        if let own = pod[WellKnown.dataplaneModeLabel] {
            if own.value == WellKnown.dataplaneModeNone {
                return Enrollment(mode: .none, reason: .podOptOut, evidence: own)
            }
            if own.value == WellKnown.dataplaneModeAmbient {
                return Enrollment(mode: .ambient, reason: .podLabel, evidence: own)
            }
        }
        switch namespace.dataplaneMode {
        case .ambient: return Enrollment(mode: .ambient, reason: .namespaceLabel, evidence: namespace.dataplaneLabel)
        case .sidecar where namespace.dataplaneLabel?.value == WellKnown.dataplaneModeAmbient:
            // The pod refused the namespace's injection (`sidecar.istio.io/inject: "false"`, label or
            // annotation): it has no sidecar, so the CNI agent captures it for the ambient label.
            return Enrollment(mode: .ambient, reason: .namespaceLabel, evidence: namespace.dataplaneLabel)
        case .unknown: return Enrollment(mode: .unknown, reason: .namespaceUnknown, evidence: nil)
        case .none, .sidecar: return Enrollment(mode: .none, reason: .namespaceNotEnrolled, evidence: nil)
        }
    }

    /// The injector's reading of `sidecar.istio.io/inject`: exactly `true` or `false` (the webhooks'
    /// selectors compare the label's text; the injector treats any other value as unset).
    static func isTrue(_ value: String) -> Bool { value == "true" }
    static func isFalse(_ value: String) -> Bool { value == "false" }
}

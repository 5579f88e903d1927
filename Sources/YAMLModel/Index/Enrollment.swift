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

    /// Decides enrollment the way the CNI agent does: host-network pods are never captured, a sidecar
    /// always wins, then the pod's own `istio.io/dataplane-mode`, then its namespace's.
    static func resolve(_ workload: WorkloadView, namespace: NamespaceFacts) -> Enrollment {
        let pod = workload.podLabels
        if let hostNetwork = workload.hostNetwork, hostNetwork.value {
            return Enrollment(mode: .none, reason: .hostNetwork, evidence: nil)
        }
        if let inject = pod[WellKnown.sidecarInjectLabel], inject.value == "true" {
            return Enrollment(mode: .sidecar, reason: .sidecarOnPod, evidence: inject)
        }
        if let revision = pod[WellKnown.revisionLabel] {
            return Enrollment(mode: .sidecar, reason: .sidecarOnPod, evidence: revision)
        }
        if namespace.dataplaneMode == .sidecar, pod[WellKnown.sidecarInjectLabel]?.value != "false" {
            return Enrollment(mode: .sidecar, reason: .sidecarInNamespace, evidence: namespace.sidecarLabel)
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
            // The pod refused the namespace's injection (`sidecar.istio.io/inject: "false"`): it has no
            // sidecar, so the CNI agent captures it for the namespace's ambient label.
            return Enrollment(mode: .ambient, reason: .namespaceLabel, evidence: namespace.dataplaneLabel)
        case .unknown: return Enrollment(mode: .unknown, reason: .namespaceUnknown, evidence: nil)
        case .none, .sidecar: return Enrollment(mode: .none, reason: .namespaceNotEnrolled, evidence: nil)
        }
    }
}

/// How the pods of a namespace, or one workload, get their data plane.
public enum DataplaneMode: String, Sendable, Hashable, CaseIterable {
    /// ztunnel captures the traffic (and a waypoint may add L7).
    case ambient
    /// A sidecar is injected; the pods leave ambient.
    case sidecar
    /// Not in the mesh.
    case none
    /// The input does not say: the Namespace object is not in it.
    case unknown
}

/// What the input says about one namespace.
public struct NamespaceFacts: Sendable {
    public let name: String
    /// The `Namespace` object, when it is in the input.
    public let object: NamespaceView?
    /// True when the namespace's manifests are in the input: its object or any resource in it.
    public let isPresent: Bool
    public let dataplaneMode: DataplaneMode
    /// The `istio.io/dataplane-mode` label, when set.
    public let dataplaneLabel: Spanned<String>.Entry?
    /// The label that makes the namespace use sidecars (`istio-injection: enabled` or `istio.io/rev`).
    public let sidecarLabel: Spanned<String>.Entry?
    /// The namespace's labels: its object's, with those the configuration assumes
    /// (`assume.namespaces`) laid over them; nil when neither says.
    public let labelSource: Labels?
    /// The labels the configuration assumes, when it does.
    public let assumedLabels: Labels?
    /// True when the labels come from the configuration's `assume`, not from a manifest.
    public var isAssumed: Bool { object == nil && labelSource != nil }
    /// The copies of the Namespace object, when the input holds several that disagree on their
    /// labels (no path order decides which copy a cluster has).
    public let conflictingCopies: [NamespaceView]
    /// The label keys the copies disagree on: what they decide is unknown.
    public let disputedLabels: Set<String>

    /// True when copies of the Namespace disagree on label `key`.
    public func isDisputed(_ key: String) -> Bool { disputedLabels.contains(key) }

    init(
        name: String, object: NamespaceView?, isPresent: Bool, assumedLabels: Labels? = nil,
        conflictingCopies: [NamespaceView] = []
    ) {
        self.name = name
        self.object = object
        self.isPresent = isPresent
        self.conflictingCopies = conflictingCopies
        self.assumedLabels = assumedLabels
        // A script may label a Namespace that is in the input (`kubectl label`): what the
        // configuration assumes is laid over the object's labels.
        var disputed = Set<String>()
        if !conflictingCopies.isEmpty {
            let all = conflictingCopies.map(\.labels.dictionary)
            disputed = Set(all.flatMap(\.keys)).filter { key in all.contains { $0[key] != all[0][key] } }
        }
        // What the configuration assumes settles a dispute.
        disputedLabels = disputed.subtracting(assumedLabels?.dictionary.keys.map { $0 } ?? [])
        switch (object?.labels, assumedLabels) {
        case (let own?, let assumed?):
            // Reported at the object's labels (or name): the assumed ones are written in .meshlint.yaml.
            let anchor = object?.resource.metadata?.pair("labels")?.key.span ?? object?.resource.nameSpan ?? .fileStart
            labelSource = Labels(own, overriddenBy: assumed, anchor: anchor)
        case (let own, let assumed): labelSource = own ?? assumed
        }
        let enrollmentKeys: Set<String> = [WellKnown.dataplaneModeLabel, WellKnown.injectionLabel, WellKnown.revisionLabel]
        guard let labels = labelSource, disputedLabels.isDisjoint(with: enrollmentKeys) else {
            dataplaneMode = .unknown
            dataplaneLabel = nil
            sidecarLabel = nil
            return
        }
        dataplaneLabel = labels[WellKnown.dataplaneModeLabel]
        // `istio-injection: enabled` injects; `istio.io/rev` injects only where `istio-injection` is
        // absent (the revision webhook selects namespaces without it), so `disabled` cancels it.
        let injection = labels[WellKnown.injectionLabel]
        if injection?.value == "enabled" {
            sidecarLabel = injection
        } else {
            sidecarLabel = injection == nil ? labels[WellKnown.revisionLabel] : nil
        }
        if sidecarLabel != nil {
            dataplaneMode = .sidecar
        } else if dataplaneLabel?.value == WellKnown.dataplaneModeAmbient {
            dataplaneMode = .ambient
        } else {
            dataplaneMode = .none
        }
    }

    /// The namespace's labels, or nil when neither its object nor the configuration gives them.
    public var labels: [String: String]? { labelSource?.dictionary }
}

import YAMLModel

/// The move of one namespace from sidecars to ambient: the enrolment label on, injection off, and
/// the namespace bound to a waypoint when one is named, found, or needed for the policies' HTTP rules.
public struct NamespaceMove: Sendable {
    /// The waypoint the namespace is bound to after the move.
    public struct WaypointChoice: Sendable {
        public let name: String
        /// True when the input holds its Gateway; false when the patch creates it.
        public let isInInput: Bool
        /// Why this waypoint: named on the command line, found in the namespace, or needed.
        public let reason: String
        /// The identity the waypoint's pods run as: the Gateway's service account, `<name>` by default.
        public let identity: MeshIdentity
    }

    public let namespace: String
    public let waypoint: WaypointChoice?
    /// The namespace's labels after the move, in order.
    public let labels: [(key: String, value: String)]
    /// The labels the move removes.
    public let removedLabels: [String]
    /// Workloads whose own pod labels still ask for a sidecar: they keep it after the namespace moves.
    public let podsStillInjected: [WorkloadView]

    /// The move of `namespace` in `index`; `waypointName` is the one named on the command line.
    public init(index: MeshIndex, namespace: String, waypointName: String?, needsWaypoint: Bool) {
        self.namespace = namespace
        let waypoints = index.waypoints.filter { $0.key.namespace == namespace }
        if let waypointName {
            let found = waypoints.first { $0.key.name == waypointName }
            waypoint = WaypointChoice(
                name: waypointName, isInInput: found != nil,
                reason: found != nil
                    ? "named with --waypoint"
                    : "named with --waypoint; not in the input, so the patch creates it (running as service account \(waypointName))",
                identity: found?.meshIdentity ?? MeshIdentity(namespace: namespace, serviceAccount: waypointName))
        } else if let label = index.namespace(namespace).object?.resource.labels[WellKnown.useWaypointLabel],
                  let bound = waypoints.first(where: { $0.key.name == label.value }) {
            waypoint = WaypointChoice(
                name: bound.key.name, isInInput: true, reason: "named by the namespace's istio.io/use-waypoint label", identity: bound.meshIdentity)
        } else if let first = waypoints.first {
            waypoint = WaypointChoice(
                name: first.key.name, isInInput: true, reason: "the waypoint Gateway in the namespace", identity: first.meshIdentity)
        } else if needsWaypoint {
            waypoint = WaypointChoice(
                name: "waypoint", isInInput: false,
                reason: "the policies have HTTP rules or validate tokens, which only a waypoint enforces in ambient; the patch creates it",
                identity: MeshIdentity(namespace: namespace, serviceAccount: "waypoint"))
        } else {
            waypoint = nil
        }
        let current = index.namespace(namespace).object?.resource.labels.entries.map { ($0.key, $0.value) } ?? []
        let dropped: Set<String> = [WellKnown.injectionLabel, WellKnown.revisionLabel]
        removedLabels = current.map(\.0).filter(dropped.contains)
        var labels = current.filter { !dropped.contains($0.0) && $0.0 != WellKnown.dataplaneModeLabel && $0.0 != WellKnown.useWaypointLabel }
        labels.append((WellKnown.dataplaneModeLabel, WellKnown.dataplaneModeAmbient))
        if let waypoint { labels.append((WellKnown.useWaypointLabel, waypoint.name)) }
        self.labels = labels
        podsStillInjected = index.workloads(in: namespace).filter { workload in
            let labels = workload.podLabelValues
            return labels[WellKnown.sidecarInjectLabel] == "true" || labels[WellKnown.revisionLabel] != nil
                || workload.podAnnotations[WellKnown.sidecarInjectLabel]?.value == "true"
        }
    }

    /// The Namespace object after the move, and the waypoint Gateway when the input lacks it.
    public var documents: String {
        var text = [
            "apiVersion: v1", "kind: Namespace", "metadata:", "  name: \(YAMLWriter.quoted(namespace))", "  labels:",
        ] + labels.map { "    \(YAMLWriter.quoted($0.key)): \(YAMLWriter.quoted($0.value))" }
        if let waypoint, !waypoint.isInInput {
            text += ["---"] + Self.waypointGateway(name: waypoint.name, namespace: namespace)
        }
        return text.joined(separator: "\n") + "\n"
    }

    /// A waypoint Gateway for Service traffic, as `istioctl waypoint apply` writes it.
    static func waypointGateway(name: String, namespace: String) -> [String] {
        [
            "apiVersion: gateway.networking.k8s.io/v1", "kind: Gateway", "metadata:",
            "  name: \(YAMLWriter.quoted(name))", "  namespace: \(YAMLWriter.quoted(namespace))",
            "  labels:", "    \(YAMLWriter.quoted(WellKnown.waypointForLabel)): \"service\"",
            "spec:", "  gatewayClassName: \(WellKnown.waypointGatewayClass)", "  listeners:",
            "  - name: mesh", "    port: \(WellKnown.hbonePort)", "    protocol: \(WellKnown.hboneProtocol)",
        ]
    }

    /// The input's resources with the namespace moved: its Namespace object replaced by the moved
    /// one (and the waypoint added when the input lacks it).
    public func apply(to resources: [Resource]) -> [Resource] {
        let kept = resources.filter { !($0.groupKind == .namespace && $0.name == namespace) }
        let moved = ManifestLoader.load(path: "meshlint-migrate/\(namespace)-moved.yaml", bytes: Array(documents.utf8))
        return kept + moved.resources
    }
}

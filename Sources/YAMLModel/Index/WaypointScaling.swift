/// How many replicas a waypoint runs and whether a disruption budget protects it, with the
/// resource that says so.
///
/// istiod deploys a waypoint with no `replicas` (so one pod). More come from the Gateway's
/// `spec.infrastructure.parametersRef` ConfigMap or a ConfigMap labelled
/// `gateway.istio.io/defaults-for-class: istio-waypoint` (keys `deployment`,
/// `horizontalPodAutoscaler`, `podDisruptionBudget`, each a YAML overlay), or from the user's own
/// HorizontalPodAutoscaler and PodDisruptionBudget for the waypoint's Deployment and pods.
public struct WaypointScaling: Sendable {
    /// A setting and where it is written.
    public struct Evidence: Sendable {
        public let resource: Resource
        public let span: Span
        public let detail: String
    }

    /// What keeps two or more replicas running, when something does.
    public let replicas: Evidence?
    /// The disruption budget, when there is one.
    public let disruptionBudget: Evidence?
    /// Settings found that still leave a single replica (e.g. an HPA with `minReplicas: 1`).
    public let singleReplicaSettings: [Evidence]

    public var hasSeveralReplicas: Bool { replicas != nil }
}

extension MeshIndex {
    static let defaultsForClassLabel = "gateway.istio.io/defaults-for-class"

    /// The replicas and disruption budget of a waypoint, from every source istiod and Kubernetes read.
    ///
    /// Overlays merge key by key, the Gateway's own ConfigMap over the class defaults (read from the
    /// root namespace, where istiod looks for them). An autoscaler decides the replica count whenever
    /// there is one, so `deployment.spec.replicas` counts only without any HPA; with several HPAs on
    /// the same Deployment the lowest `minReplicas` is what can happen.
    public func scaling(of waypoint: Waypoint) -> WaypointScaling {
        let namespace = waypoint.namespace
        var overlays: [ConfigMapView] = []
        if let ref = waypoint.gateway.parametersRef, ref.kind == "ConfigMap" || ref.kind.isEmpty,
           let configMap = configMapsByKey[ObjectKey(namespace: namespace, name: ref.name)] {
            overlays.append(configMap)
        }
        overlays += waypointClassDefaults
        /// The first overlay (the Gateway's before the class defaults) that sets `key`.
        func overlay(_ key: String) -> (ConfigMapView, Spanned<String>)? {
            for configMap in overlays { if let entry = configMap.data(key) { return (configMap, entry) } }
            return nil
        }

        var autoscalers: [(minimum: Int, evidence: WaypointScaling.Evidence)] = []
        if let (configMap, entry) = overlay("horizontalPodAutoscaler") {
            let minimum = Self.overlayInt(entry.value, path: ["spec", "minReplicas"]) ?? 1
            autoscalers.append((minimum, WaypointScaling.Evidence(
                resource: configMap.resource, span: entry.entrySpan,
                detail: "horizontalPodAutoscaler overlay sets minReplicas: \(minimum)")))
        }
        for hpa in horizontalPodAutoscalersByNamespace[namespace] ?? []
        where hpa.scaleTargetKind?.value == "Deployment" && hpa.scaleTargetName?.value == waypoint.deploymentName {
            let minimum = hpa.minReplicas
            autoscalers.append((minimum.value, WaypointScaling.Evidence(
                resource: hpa.resource, span: minimum.entrySpan,
                detail: "HorizontalPodAutoscaler minReplicas: \(minimum.value)")))
        }

        var replicas: WaypointScaling.Evidence?
        var single: [WaypointScaling.Evidence] = []
        if let lowest = autoscalers.min(by: { $0.minimum < $1.minimum }) {
            if lowest.minimum >= 2 { replicas = lowest.evidence } else { single.append(lowest.evidence) }
        } else if let (configMap, entry) = overlay("deployment"),
                  let count = Self.overlayInt(entry.value, path: ["spec", "replicas"]) {
            let evidence = WaypointScaling.Evidence(
                resource: configMap.resource, span: entry.entrySpan, detail: "deployment overlay sets replicas: \(count)")
            if count >= 2 { replicas = evidence } else { single.append(evidence) }
        }

        var budget: WaypointScaling.Evidence?
        if let (configMap, entry) = overlay("podDisruptionBudget") {
            budget = WaypointScaling.Evidence(resource: configMap.resource, span: entry.entrySpan, detail: "podDisruptionBudget overlay")
        }
        let podLabels = [
            WellKnown.gatewayNameLabel: waypoint.name,
            "gateway.networking.k8s.io/gateway-class-name": WellKnown.waypointGatewayClass,
        ]
        for pdb in podDisruptionBudgetsByNamespace[namespace] ?? [] where budget == nil {
            // A PDB without a selector selects nothing; an empty one selects every pod.
            guard let selector = pdb.selector, selector.matches(podLabels) else { continue }
            budget = WaypointScaling.Evidence(resource: pdb.resource, span: pdb.resource.nameSpan, detail: "PodDisruptionBudget")
        }
        return WaypointScaling(replicas: replicas, disruptionBudget: budget, singleReplicaSettings: single)
    }

    /// An integer inside a ConfigMap value that holds YAML (a Deployment or HPA overlay).
    private static func overlayInt(_ text: String, path: [String]) -> Int? {
        let parsed = YAMLParser.parse(Array(text.utf8))
        var node = parsed.documents.first?.root
        for key in path { node = node?[key] }
        return node?.int
    }
}

/// A `Namespace`: its labels decide ambient enrollment and the namespace's waypoint.
public struct NamespaceView: ResourceView {
    public static let groupKinds: Set<GroupKind> = [.namespace]
    public let resource: Resource
    public init(unchecked resource: Resource) { self.resource = resource }
}

/// A `Service`: what clients address, and what a waypoint serves.
public struct ServiceView: ResourceView {
    public static let groupKinds: Set<GroupKind> = [.service]
    public let resource: Resource
    /// `spec.selector`: the pods behind the service (nil for a service without selector). Read
    /// once: every workload's lookup of the Services in front of it tests it.
    public let selector: LabelSelector?

    public init(unchecked resource: Resource) {
        self.resource = resource
        if let node = resource.node["spec", "selector"], node.count > 0 {
            selector = LabelSelector(plainMap: node)
        } else {
            selector = nil
        }
    }

    /// `spec.type` as written; absent means `ClusterIP`.
    public var type: Spanned<String>? { spec?.spannedString("type") }

    public var ports: NodeList { spec?["ports"]?.items ?? [] }
}

/// A `ServiceAccount`: the identity `cluster.local/ns/<ns>/sa/<name>` policies name.
public struct ServiceAccountView: ResourceView {
    public static let groupKinds: Set<GroupKind> = [.serviceAccount]
    public let resource: Resource
    public init(unchecked resource: Resource) { self.resource = resource }
}

/// A `ConfigMap`; waypoints read their Deployment, HPA and PDB overlays from one.
public struct ConfigMapView: ResourceView {
    public static let groupKinds: Set<GroupKind> = [.configMap]
    public let resource: Resource
    public init(unchecked resource: Resource) { self.resource = resource }

    public func data(_ key: String) -> Spanned<String>? { resource.node["data"]?.spannedString(key) }
}

/// A `HorizontalPodAutoscaler` (v1 or v2).
public struct HorizontalPodAutoscalerView: ResourceView {
    public static let groupKinds: Set<GroupKind> = [.horizontalPodAutoscaler]
    public let resource: Resource
    public init(unchecked resource: Resource) { self.resource = resource }

    public var scaleTargetKind: Spanned<String>? { spec?["scaleTargetRef"]?.spannedString("kind") }
    public var scaleTargetName: Spanned<String>? { spec?["scaleTargetRef"]?.spannedString("name") }
    /// `minReplicas`, defaulting to 1 as the API does.
    public var minReplicas: Spanned<Int> {
        spec?.spannedInt("minReplicas") ?? Spanned(1, span: resource.nameSpan)
    }
    public var maxReplicas: Spanned<Int>? { spec?.spannedInt("maxReplicas") }
}

/// A `PodDisruptionBudget`.
public struct PodDisruptionBudgetView: ResourceView {
    public static let groupKinds: Set<GroupKind> = [.podDisruptionBudget]
    public let resource: Resource
    public init(unchecked resource: Resource) { self.resource = resource }

    public var selector: LabelSelector? { spec?["selector"].map(LabelSelector.init(node:)) }
    public var minAvailable: Spanned<String>? { spec?.spannedString("minAvailable") }
    public var maxUnavailable: Spanned<String>? { spec?.spannedString("maxUnavailable") }
}

/// A `Pod` or any kind with a pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob).
public struct WorkloadView: ResourceView {
    public static let groupKinds: Set<GroupKind> = GroupKind.workloads
    public let resource: Resource
    /// The pod template's labels as a dictionary, read once: every selector test needs them.
    public let podLabelValues: [String: String]
    /// The pod (template): `metadata` and `spec` of the pods this object runs.
    public let podTemplate: Node?

    public init(unchecked resource: Resource) {
        self.resource = resource
        podTemplate = Self.podTemplate(of: resource)
        podLabelValues = podTemplate?["metadata", "labels"].map { Labels(node: $0).dictionary } ?? [:]
    }

    static func podTemplate(of resource: Resource) -> Node? {
        switch resource.groupKind {
        case .pod: resource.node
        case .cronJob: resource.node["spec", "jobTemplate", "spec", "template"]
        default: resource.node["spec", "template"]
        }
    }

    /// The labels the pods carry: what selectors and ambient enrollment read.
    public var podLabels: Labels { Labels(node: podTemplate?["metadata", "labels"]) }

    public var podAnnotations: Labels { Labels(node: podTemplate?["metadata", "annotations"]) }

    /// `serviceAccountName` (or its deprecated alias `serviceAccount`) as written in the pod spec.
    public var serviceAccountName: Spanned<String>? {
        podTemplate?["spec"]?.spannedString("serviceAccountName") ?? podTemplate?["spec"]?.spannedString("serviceAccount")
    }

    /// The ServiceAccount the pods run as: the written one, else `default`.
    public var serviceAccount: String { serviceAccountName?.value ?? "default" }

    /// The pods share the node's network and are never captured by ztunnel.
    public var hostNetwork: Spanned<Bool>? {
        guard let pair = podTemplate?["spec"]?.pair("hostNetwork"), let value = pair.value.bool else { return nil }
        return Spanned(value, span: pair.value.span, keySpan: pair.key.span)
    }

    /// `spec.replicas` for kinds that have it; nil when absent (the API defaults it to 1).
    public var replicas: Spanned<Int>? {
        spec?.spannedInt("replicas")
    }
}

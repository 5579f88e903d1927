/// A Kubernetes API group and kind, the identity of a type regardless of version.
public struct GroupKind: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let group: String
    public let kind: String

    public init(group: String, kind: String) {
        self.group = group
        self.kind = kind
    }

    public var description: String { group.isEmpty ? kind : "\(kind).\(group)" }

    public static func < (lhs: GroupKind, rhs: GroupKind) -> Bool {
        (lhs.kind, lhs.group) < (rhs.kind, rhs.group)
    }

    // MARK: The kinds MeshLint reads

    public static let namespace = GroupKind(group: "", kind: "Namespace")
    public static let service = GroupKind(group: "", kind: "Service")
    public static let serviceAccount = GroupKind(group: "", kind: "ServiceAccount")
    public static let pod = GroupKind(group: "", kind: "Pod")
    public static let configMap = GroupKind(group: "", kind: "ConfigMap")
    public static let deployment = GroupKind(group: "apps", kind: "Deployment")
    public static let statefulSet = GroupKind(group: "apps", kind: "StatefulSet")
    public static let daemonSet = GroupKind(group: "apps", kind: "DaemonSet")
    public static let replicaSet = GroupKind(group: "apps", kind: "ReplicaSet")
    public static let job = GroupKind(group: "batch", kind: "Job")
    public static let cronJob = GroupKind(group: "batch", kind: "CronJob")
    public static let horizontalPodAutoscaler = GroupKind(group: "autoscaling", kind: "HorizontalPodAutoscaler")
    public static let podDisruptionBudget = GroupKind(group: "policy", kind: "PodDisruptionBudget")
    public static let gateway = GroupKind(group: "gateway.networking.k8s.io", kind: "Gateway")
    public static let gatewayClass = GroupKind(group: "gateway.networking.k8s.io", kind: "GatewayClass")
    public static let httpRoute = GroupKind(group: "gateway.networking.k8s.io", kind: "HTTPRoute")
    public static let grpcRoute = GroupKind(group: "gateway.networking.k8s.io", kind: "GRPCRoute")
    public static let authorizationPolicy = GroupKind(group: "security.istio.io", kind: "AuthorizationPolicy")
    public static let requestAuthentication = GroupKind(group: "security.istio.io", kind: "RequestAuthentication")
    public static let peerAuthentication = GroupKind(group: "security.istio.io", kind: "PeerAuthentication")
    public static let serviceEntry = GroupKind(group: "networking.istio.io", kind: "ServiceEntry")
    public static let workloadEntry = GroupKind(group: "networking.istio.io", kind: "WorkloadEntry")
    public static let customResourceDefinition = GroupKind(group: "apiextensions.k8s.io", kind: "CustomResourceDefinition")

    /// Kinds whose pod template carries labels and `serviceAccountName`: what ambient enrolls.
    public static let workloads: Set<GroupKind> = [pod, deployment, statefulSet, daemonSet, replicaSet, job, cronJob]

    /// Kinds that live outside any namespace; anything else defaults to `default`.
    public static let clusterScoped: Set<GroupKind> = [
        namespace, gatewayClass, customResourceDefinition,
        GroupKind(group: "rbac.authorization.k8s.io", kind: "ClusterRole"),
        GroupKind(group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding"),
        GroupKind(group: "", kind: "PersistentVolume"),
        GroupKind(group: "", kind: "Node"),
        GroupKind(group: "storage.k8s.io", kind: "StorageClass"),
        GroupKind(group: "scheduling.k8s.io", kind: "PriorityClass"),
        GroupKind(group: "networking.k8s.io", kind: "IngressClass"),
        GroupKind(group: "admissionregistration.k8s.io", kind: "MutatingWebhookConfiguration"),
        GroupKind(group: "admissionregistration.k8s.io", kind: "ValidatingWebhookConfiguration"),
        GroupKind(group: "apiregistration.k8s.io", kind: "APIService"),
    ]
}

/// A Gateway API `HTTPRoute` or `GRPCRoute`: which gateways it attaches to and which backends it
/// sends traffic to. An ingress gateway routing to a waypoint-bound Service skips the waypoint
/// unless the Service asks for it (`istio.io/ingress-use-waypoint`).
public struct RouteView: ResourceView {
    public static let groupKinds: Set<GroupKind> = [.httpRoute, .grpcRoute]
    public let resource: Resource
    public init(unchecked resource: Resource) { self.resource = resource }

    /// A `parentRefs` or `backendRefs` entry.
    public struct Reference: Sendable {
        public let node: Node
        public let defaultGroup: String
        public let defaultKind: String

        public var group: String { node["group"]?.string ?? defaultGroup }
        public var kind: String { node["kind"]?.string ?? defaultKind }
        public var name: Spanned<String>? { node.spannedString("name") }
        /// The referenced object's namespace: its own, else the route's.
        public func namespace(default routeNamespace: String) -> String { node["namespace"]?.string ?? routeNamespace }
        public var port: Int? { node["port"]?.int }
        public var span: Span { node.span }
        public var groupKind: GroupKind { GroupKind(group: group == "core" ? "" : group, kind: kind) }
    }

    /// `spec.parentRefs`: the Gateways (or Services, for mesh routes) the route attaches to.
    public var parentRefs: [Reference] {
        (spec?["parentRefs"]?.items ?? []).map { Reference(node: $0, defaultGroup: "gateway.networking.k8s.io", defaultKind: "Gateway") }
    }

    /// Every `spec.rules[].backendRefs[]` entry.
    public var backendRefs: [Reference] {
        (spec?["rules"]?.items ?? []).flatMap { rule in
            (rule["backendRefs"]?.items ?? []).map { Reference(node: $0, defaultGroup: "", defaultKind: "Service") }
        }
    }
}

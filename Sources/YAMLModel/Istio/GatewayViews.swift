/// A Gateway API `Gateway`: an ingress or egress gateway, or, with class `istio-waypoint`, a waypoint.
public struct GatewayView: ResourceView {
    public static let groupKinds: Set<GroupKind> = [.gateway]
    public let resource: Resource
    public init(unchecked resource: Resource) { self.resource = resource }

    /// One `spec.listeners` entry.
    public struct Listener: Sendable {
        public let node: Node
        public var name: Spanned<String>? { node.spannedString("name") }
        public var port: Spanned<Int>? { node.spannedInt("port") }
        public var `protocol`: Spanned<String>? { node.spannedString("protocol") }
        /// `allowedRoutes.namespaces.from`: `Same` when absent, as the Gateway API defaults it.
        public var allowedRoutesFrom: Spanned<String>? { node["allowedRoutes", "namespaces"]?.spannedString("from") }
        public var allowedRoutesSelector: LabelSelector? {
            node["allowedRoutes", "namespaces", "selector"].map(LabelSelector.init(node:))
        }
    }

    public var gatewayClassName: Spanned<String>? { spec?.spannedString("gatewayClassName") }

    public var listeners: [Listener] { (spec?["listeners"]?.items ?? []).map(Listener.init(node:)) }

    /// `spec.infrastructure.parametersRef`: the ConfigMap that customises the deployed proxy.
    public var parametersRef: (kind: String, name: String, span: Span)? {
        guard let ref = spec?["infrastructure", "parametersRef"], let name = ref["name"]?.string else { return nil }
        return (ref["kind"]?.string ?? "", name, ref.span)
    }

    /// True for a Gateway of class `istio-waypoint`.
    public var isWaypoint: Bool { gatewayClassName?.value == WellKnown.waypointGatewayClass }
}

/// A Gateway API `GatewayClass`.
public struct GatewayClassView: ResourceView {
    public static let groupKinds: Set<GroupKind> = [.gatewayClass]
    public let resource: Resource
    public init(unchecked resource: Resource) { self.resource = resource }

    public var controllerName: Spanned<String>? { spec?.spannedString("controllerName") }
}

/// An Istio `ServiceEntry`: a service outside the cluster's registry, which a waypoint can serve.
public struct ServiceEntryView: ResourceView {
    public static let groupKinds: Set<GroupKind> = [.serviceEntry]
    public let resource: Resource
    public init(unchecked resource: Resource) { self.resource = resource }

    public var hosts: [Spanned<String>] { spec?.spannedStrings("hosts") ?? [] }
}

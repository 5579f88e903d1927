/// The `istio.io/use-waypoint` label written on a Namespace object, and what it names.
///
/// Every Service and pod of the namespace inherits the label unless it has its own, so a problem
/// with it is one problem of the namespace: rules report it once, at this label, rather than once
/// per object that inherits it.
public struct NamespaceWaypointLabel: Sendable {
    /// What the label's Gateway reference resolves to, before the traffic type and the listener's
    /// `allowedRoutes` are considered (those depend on what inherits the label).
    public enum Target: Sendable {
        /// The label says `none`: the namespace opts out of waypoints.
        case optedOut
        case waypoint(Waypoint)
        /// The named Gateway does not exist (a complete namespace, or a near miss of one it holds).
        case waypointNotFound
        /// The named Gateway is not in the input although some of its namespace's manifests are.
        case waypointNotInInput
        /// The named Gateway's namespace is not in the input: the reference cannot be judged.
        case unresolved
    }

    public let namespace: NamespaceView
    /// The labels, with `source` `.namespaceLabel` and the Gateway they name.
    public let request: WaypointBinding.Request
    public let target: Target
}

/// Whether an ingress gateway sends a Service's traffic through the Service's waypoint.
///
/// Gateways (ingress and egress) address a Service's pods directly and skip its waypoint, with all
/// the L7 policy enforced there, unless `istio.io/ingress-use-waypoint: "true"` is set on the
/// Service or, since Istio 1.25, on its namespace; the Service's own label wins.
public struct IngressWaypointUse: Sendable {
    /// The label that decides: the Service's own, else its namespace's; nil when neither has one.
    public let label: Spanned<String>.Entry?
    /// The object carrying `label` (nil when it comes from an assumed namespace, or there is none).
    public let labelledResource: Resource?
    /// true when the gateway goes through the waypoint, false when it skips it, nil when the input
    /// cannot tell (no label on the Service, and its namespace's labels are not in the input).
    public let isEnabled: Bool?
}

/// A route's `parentRefs` entry that attaches it to a Gateway in the input that is not a waypoint:
/// an ingress (or egress) gateway, whose traffic does not pass the destination's waypoint by default.
public struct GatewayAttachment: Sendable {
    public let parentRef: RouteView.Reference
    public let gateway: GatewayView
}

extension MeshIndex {
    // MARK: Waypoint labels on Namespace objects

    /// The `istio.io/use-waypoint` label of a namespace's object and what it names; nil when the
    /// namespace's object is not in the input or has no such label.
    ///
    /// Resolved with the same lookups as the bindings of the objects that inherit the label.
    public func waypointLabel(of namespace: NamespaceFacts) -> NamespaceWaypointLabel? {
        guard let object = namespace.object, let label = object.labels[WellKnown.useWaypointLabel],
              !namespace.isDisputed(WellKnown.useWaypointLabel), !namespace.isDisputed(WellKnown.useWaypointNamespaceLabel)
        else { return nil }
        let crossNamespace = object.labels[WellKnown.useWaypointNamespaceLabel]
        let key = ObjectKey(namespace: crossNamespace?.value ?? namespace.name, name: label.value)
        let request = WaypointBinding.Request(
            label: label, namespaceLabel: crossNamespace, source: .namespaceLabel, waypointKey: key)
        let target: NamespaceWaypointLabel.Target
        if label.value == WellKnown.dataplaneModeNone {
            target = .optedOut
        } else if let waypoint = waypoint(key) {
            target = .waypoint(waypoint)
        } else if conflictingGateways.contains(key) {
            target = .unresolved
        } else {
            let absence = targetNames.absence(of: key.name, groupKind: .gateway, in: key.namespace ?? "default")
            target = absence.isConclusive ? .waypointNotFound
                : self.namespace(key.namespace ?? "default").isPresent ? .waypointNotInInput : .unresolved
        }
        return NamespaceWaypointLabel(namespace: object, request: request, target: target)
    }

    // MARK: Ingress gateways and waypoints

    /// Whether ingress gateways route `service`'s traffic through its waypoint.
    public func ingressWaypointUse(of service: ServiceView) -> IngressWaypointUse {
        if let own = service.labels[WellKnown.ingressUseWaypointLabel] {
            return IngressWaypointUse(label: own, labelledResource: service.resource, isEnabled: Self.isTrue(own.value))
        }
        let namespace = namespace(service.namespace ?? "default")
        guard let labels = namespace.labelSource else {
            return IngressWaypointUse(label: nil, labelledResource: nil, isEnabled: nil)
        }
        guard let inherited = labels[WellKnown.ingressUseWaypointLabel] else {
            return IngressWaypointUse(label: nil, labelledResource: nil, isEnabled: false)
        }
        return IngressWaypointUse(
            label: inherited, labelledResource: namespace.object?.resource, isEnabled: Self.isTrue(inherited.value))
    }

    /// The Gateways in the input that are not waypoints which `route` attaches to (`parentRefs`).
    /// A route attached to a waypoint or to a Service (a mesh route) is not an ingress path.
    public func gatewayAttachments(of route: RouteView) -> [GatewayAttachment] {
        let routeNamespace = route.namespace ?? "default"
        return route.parentRefs.compactMap { ref in
            guard ref.groupKind == .gateway, let name = ref.name?.value else { return nil }
            let key = ObjectKey(namespace: ref.namespace(default: routeNamespace), name: name)
            guard let gateway = gateway(key), !gateway.isWaypoint else { return nil }
            return GatewayAttachment(parentRef: ref, gateway: gateway)
        }
    }

    /// istiod reads `istio.io/ingress-use-waypoint` case-insensitively.
    private static func isTrue(_ value: String) -> Bool { value.lowercased() == "true" }
}

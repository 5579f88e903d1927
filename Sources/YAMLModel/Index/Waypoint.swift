/// The kinds of traffic a waypoint accepts (`istio.io/waypoint-for`).
public enum WaypointTrafficType: String, Sendable, Hashable {
    case service, workload, all, none

    /// Whether a waypoint of this type serves service-addressed (or pod-addressed) traffic.
    public func accepts(_ traffic: BoundTraffic) -> Bool {
        switch (self, traffic) {
        case (.all, _), (.service, .service), (.workload, .workload): true
        default: false
        }
    }
}

/// What a binding sends through a waypoint: traffic to a Service's address, or to a pod's own IP.
public enum BoundTraffic: String, Sendable { case service, workload }

/// A waypoint: a `Gateway` of class `istio-waypoint`, and what istiod deploys for it.
public struct Waypoint: Sendable {
    public enum TrafficTypeSource: Sendable, Equatable {
        case gatewayLabel(Spanned<String>.Entry)
        case gatewayClassLabel(Spanned<String>.Entry)
        case defaulted
    }

    public let gateway: GatewayView
    /// The `waypoint-for` value; nil when the label holds something istiod does not know (binds nothing).
    public let trafficType: WaypointTrafficType?
    public let trafficTypeSource: TrafficTypeSource

    public var key: ObjectKey { gateway.key }
    public var namespace: String { gateway.namespace ?? "default" }
    public var name: String { gateway.name }

    /// The name of the Deployment (and Service) istiod creates for the waypoint: the Gateway's name,
    /// unless the Gateway is annotated `gateway.istio.io/name-override`. A HorizontalPodAutoscaler
    /// written for the waypoint must target a Deployment of this name.
    public var deploymentName: String {
        gateway.annotations[WellKnown.gatewayNameOverrideAnnotation]?.value ?? name
    }

    /// The ServiceAccount istiod runs the waypoint as: the Gateway's name unless overridden.
    public var serviceAccountName: String {
        gateway.annotations[WellKnown.gatewayServiceAccountAnnotation]?.value ?? gateway.name
    }

    /// The identity traffic carries after the waypoint, which ztunnel policies at the destination see.
    public var identity: String { meshIdentity.principal }

    /// The same identity as namespace and ServiceAccount, the form policy matching compares.
    public var meshIdentity: MeshIdentity { MeshIdentity(namespace: namespace, serviceAccount: serviceAccountName) }

    /// The listener on 15008 with protocol HBONE that a waypoint needs; nil when it has none.
    public var hboneListener: GatewayView.Listener? {
        gateway.listeners.first { $0.port?.value == WellKnown.hbonePort && $0.protocol?.value == WellKnown.hboneProtocol }
    }

    init(gateway: GatewayView, gatewayClass: GatewayClassView?) {
        self.gateway = gateway
        if let label = gateway.labels[WellKnown.waypointForLabel] {
            trafficTypeSource = .gatewayLabel(label)
            trafficType = WaypointTrafficType(rawValue: label.value)
        } else if let label = gatewayClass?.labels[WellKnown.waypointForLabel] {
            trafficTypeSource = .gatewayClassLabel(label)
            trafficType = WaypointTrafficType(rawValue: label.value)
        } else {
            trafficTypeSource = .defaulted
            trafficType = .service
        }
    }
}

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

/// Who provides a waypoint, which decides what MeshLint can know about it.
public enum WaypointImplementation: Sendable, Equatable {
    /// Class `istio-waypoint`: istiod deploys it (Deployment, Service and ServiceAccount named as
    /// the Gateway, one replica, an HBONE listener on 15008).
    case istio
    /// Another implementation (kgateway, agentgateway, ...), declared a waypoint by the
    /// `ambient.istio.io/waypoint-inbound-binding` annotation on the Gateway or its GatewayClass:
    /// its own controller deploys and scales it.
    case declared(Spanned<String>.Entry)
    /// A Gateway of another class that only an `istio.io/use-waypoint` label makes a waypoint:
    /// istiod binds to it all the same, but nothing says the class can serve as one.
    case unknownClass(String)
}

/// A waypoint: a `Gateway` that istiod sends bound traffic through, and what istiod deploys for it.
///
/// istiod takes any Gateway named by `istio.io/use-waypoint` as the waypoint, whatever its class
/// (pilot/pkg/serviceregistry/kube/controller/ambient/waypoints.go indexes Gateways without looking
/// at the class); only for class `istio-waypoint` does it deploy the proxy itself.
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
    public let implementation: WaypointImplementation

    /// True when istiod deploys the waypoint (class `istio-waypoint`): then its replicas, listener
    /// and ServiceAccount follow istiod's rules, which MeshLint checks.
    public var isDeployedByIstio: Bool { implementation == .istio }

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
    public var serviceAccountName: String { Self.serviceAccountName(of: gateway) }

    /// The ServiceAccount istiod runs a waypoint Gateway's pods as.
    static func serviceAccountName(of gateway: GatewayView) -> String {
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
        implementation = Self.implementation(of: gateway, gatewayClass: gatewayClass)
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

    /// Whether istiod deploys the Gateway, another implementation declares it a waypoint, or
    /// nothing but a binding label does.
    static func implementation(of gateway: GatewayView, gatewayClass: GatewayClassView?) -> WaypointImplementation {
        if gateway.isWaypoint { return .istio }
        let annotation = WellKnown.waypointInboundBindingAnnotation
        if let declared = gateway.annotations[annotation] ?? gatewayClass?.annotations[annotation] { return .declared(declared) }
        return .unknownClass(gateway.gatewayClassName?.value ?? "")
    }

    /// True when the Gateway serves as a waypoint even if nothing binds to it yet: its class is
    /// `istio-waypoint`, or it or its GatewayClass carries the inbound-binding annotation.
    static func isDeclared(_ gateway: GatewayView, gatewayClass: GatewayClassView?) -> Bool {
        if case .unknownClass = implementation(of: gateway, gatewayClass: gatewayClass) { return false }
        return true
    }
}

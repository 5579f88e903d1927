/// One `spec.ports` entry of a Service and the pod port its traffic arrives on.
///
/// ztunnel sees the connection after the Service's address is resolved to a pod, so an
/// AuthorizationPolicy's `ports` there name the pod's port (`targetPort`), while a waypoint, which
/// serves the Service, sees the Service's own port.
public struct ServicePortTarget: Sendable {
    /// `port`: the port clients dial on the Service's address.
    public let port: Int
    /// The entry's `name`, when it has one.
    public let name: String?
    /// The whole `ports` entry, for traces that point at it.
    public let span: Span
    /// `targetPort` as written (a number or a container port's name); nil when absent (it then
    /// defaults to `port`).
    public let targetPortText: String?
    /// The pod port the traffic arrives on; nil when `targetPort` names a container port that the
    /// workload's pod template does not declare (or no workload was given to look it up in).
    public let targetPort: Int?
    /// What the port carries, as istiod reads its `protocol`, `appProtocol` and name.
    public let portProtocol: PortProtocol
}

extension MeshIndex {
    // MARK: Facts for access evaluation

    /// The `spec.ports` entry of `service` with `port`, and the pod port it forwards to on the pods
    /// of `workload`; nil when the Service has no such port.
    ///
    /// A numeric `targetPort` (or none: it defaults to `port`) is the pod port itself; a named one is
    /// looked up in the pod template's `containers[].ports[].name`.
    public func servicePort(_ port: Int, of service: ServiceView, on workload: WorkloadView?) -> ServicePortTarget? {
        guard let entry = service.ports.first(where: { $0["port"]?.int == port }) else { return nil }
        let name = entry["name"]?.string
        let targetText = entry["targetPort"]?.string
        var target: Int?
        if let targetText {
            if let number = Int(targetText) {
                target = number
            } else if let workload {
                target = Self.containerPort(named: targetText, in: workload)
            }
        } else {
            target = port
        }
        let portProtocol = PortProtocol(
            transport: entry["protocol"]?.string, appProtocol: entry["appProtocol"]?.string, name: name, port: port)
        return ServicePortTarget(
            port: port, name: name, span: entry.span, targetPortText: targetText, targetPort: target, portProtocol: portProtocol)
    }

    /// The `containerPort` a workload's pod template declares under `name`, in its containers (and
    /// init containers, which run as sidecars when they restart always).
    static func containerPort(named name: String, in workload: WorkloadView) -> Int? {
        let spec = workload.podTemplate?["spec"]
        for list in ["containers", "initContainers"] {
            for container in spec?[list]?.items ?? [] {
                for port in container["ports"]?.items ?? [] where port["name"]?.string == name {
                    if let number = port["containerPort"]?.int { return number }
                }
            }
        }
        return nil
    }

    /// The identity an ingress (or egress) Gateway's pods run as: the ServiceAccount istiod creates
    /// for a Gateway of class `istio`, `<name>-istio` in its namespace, unless the Gateway names
    /// another with `gateway.istio.io/service-account`. For a Gateway not in the input, the default name.
    public func ingressGatewayIdentity(of key: ObjectKey) -> MeshIdentity {
        let namespace = key.namespace ?? "default"
        let account = gateway(key)?.annotations[WellKnown.gatewayServiceAccountAnnotation]?.value
            ?? "\(key.name)-\(GatewayDeployment.istioGatewayClass)"
        return MeshIdentity(namespace: namespace, serviceAccount: account)
    }

    /// The identity a waypoint's pods run as, which ztunnel at the destination sees on traffic the
    /// waypoint forwards.
    public func identity(of waypoint: Waypoint) -> MeshIdentity {
        waypoint.meshIdentity
    }
}

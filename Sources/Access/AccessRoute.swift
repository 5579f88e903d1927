import YAMLModel

/// The enforcement points a request crosses on its way from the caller to the pods, and why it
/// takes that way: computed once from the index, then each point evaluates the request in turn.
///
/// The way follows what istiod programs: an ingress gateway's own proxy first; then the Service's
/// waypoint for callers whose ztunnel sends them there (pod-IP traffic: the pods' own waypoint);
/// then, for each destination workload, its sidecar or the ztunnel in front of it. Sidecar callers,
/// clients outside the mesh and (unless the Service opts in) ingress gateways skip the waypoint.
public struct AccessRoute: Sendable {
    /// One enforcement point on the way.
    public enum Crossing: Sendable {
        /// The proxy of an ingress Gateway the request enters by, on its listener `port`.
        case gateway(ObjectKey, port: Int, listenerProtocol: PortProtocol)
        /// A waypoint, serving `service` (nil: pod-IP traffic) on `port`.
        case waypoint(Waypoint, service: ObjectKey?, port: Int, portProtocol: PortProtocol)
        /// The ztunnel in front of a destination workload's pods (nil: the Service's workloads are
        /// not in the input); `via`: the waypoint the request came through.
        case ztunnel(workload: WorkloadView?, namespace: String, port: Int, via: Waypoint?)
        /// A destination workload's sidecar (nil workload: the Service's pods are not in the input,
        /// their namespace injects sidecars).
        case sidecar(workload: WorkloadView?, namespace: String, port: Int, portProtocol: PortProtocol, via: Waypoint?)

        /// True for the Envoys (everything but ztunnel).
        public var isEnvoy: Bool {
            if case .ztunnel = self { return false }
            return true
        }

        /// The trace place of the crossing.
        public var place: AccessHop.Place {
            switch self {
            case .gateway(let key, _, _): .gateway(key)
            case .waypoint(let waypoint, _, _, _): .waypoint(waypoint.key)
            case .ztunnel(let workload, let namespace, _, _): .ztunnel(workload: workload?.key, namespace: namespace)
            case .sidecar(let workload, let namespace, _, _, _): .sidecar(workload: workload?.key, namespace: namespace)
            }
        }
    }

    /// Why the request goes the way it does: the caller, the binding, the ports.
    public let path: [AccessStep]
    /// The points in the order the request meets them; the destination points last, one per workload.
    public let crossings: [Crossing]
    /// What the way rests on that the input does not settle.
    public let uncertainties: [String]
    /// The host the request is sent with.
    public let host: String?

    /// The way `request` takes in `index`; throws when its destination is not in the input.
    public static func plan(_ request: AccessRequest, in index: MeshIndex) throws(AccessError) -> AccessRoute {
        var planner = RoutePlanner(index: index, request: request)
        try planner.plan()
        return AccessRoute(path: planner.path, crossings: planner.crossings, uncertainties: planner.uncertainties, host: planner.host)
    }

    /// The waypoints on the way.
    public var waypoints: [Waypoint] {
        crossings.compactMap { crossing in
            if case .waypoint(let waypoint, _, _, _) = crossing { return waypoint }
            return nil
        }
    }
}

/// How the caller's own pods run: a sidecar caller's proxy sends Service traffic straight to the
/// pods (istio/istio `pilot/pkg/xds/endpoints/endpoint_builder.go` `findServiceWaypoint`: only
/// ingress and east-west gateways are sent to waypoints), over HBONE with its own identity.
public enum CallerDataplane: Sendable, Equatable {
    /// Every workload of the identity in the input runs a sidecar.
    case sidecar
    /// Its workloads are ambient (or not in the input: an ambient caller is assumed).
    case ambient
    /// Some of its workloads run sidecars and some do not.
    case mixed
}

extension MeshIndex {
    /// How the workloads running as `identity` send their traffic.
    public func dataplane(of identity: MeshIdentity) -> CallerDataplane {
        let modes = workloads(in: identity.namespace)
            .filter { self.identity(of: $0) == identity }
            .map { enrollment(of: $0).mode }
        guard modes.contains(.sidecar) else { return .ambient }
        return modes.allSatisfy { $0 == .sidecar } ? .sidecar : .mixed
    }
}

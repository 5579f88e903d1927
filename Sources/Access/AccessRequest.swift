import YAMLModel

/// Who makes a request: a mesh workload's identity, a client outside the mesh, or an ingress gateway.
///
/// In an ambient mesh the caller decides three things: the identity policies see (`principals`,
/// `namespaces`), whether the connection is mTLS (ztunnel's STRICT mode refuses plaintext), and
/// whether the request passes the destination's waypoint (gateways skip it by default).
public enum AccessCaller: Sendable, Hashable, CustomStringConvertible {
    /// A workload of the mesh, by the identity its pods run as (`ns/sa`): its connections are mTLS
    /// and carry `cluster.local/ns/<ns>/sa/<sa>`.
    case identity(MeshIdentity)
    /// A client outside the mesh: plaintext, no identity. No ztunnel on its side sends its traffic to
    /// a waypoint, so it reaches the destination's ztunnel directly.
    case anonymous
    /// An ingress gateway (a Gateway of class `istio`, by its key): its pods run as `<name>-istio`
    /// and skip the destination's waypoint unless the Service opts in with
    /// `istio.io/ingress-use-waypoint: "true"` (on itself or its namespace).
    case ingress(ObjectKey)

    public var description: String {
        switch self {
        case .identity(let identity): "\(identity.namespace)/\(identity.serviceAccount)"
        case .anonymous: "anonymous"
        case .ingress(let gateway): "ingress gateway \(gateway)"
        }
    }
}

/// Where a request goes: a Service's address, or one workload's pods directly (pod-IP traffic).
public enum AccessDestination: Sendable, Hashable, CustomStringConvertible {
    /// A Service (by key) and one of its `spec.ports[].port`: routed by the Service's waypoint binding.
    case service(ObjectKey, port: Int)
    /// The pods of a workload resource (Deployment, Pod, ...) dialled by IP on a pod port: routed by
    /// the pods' own binding only, which a `service` waypoint never takes.
    case workload(ObjectKey, port: Int)

    /// The port dialled: a Service port, or a pod port for pod-IP traffic.
    public var port: Int {
        switch self {
        case .service(_, let port), .workload(_, let port): port
        }
    }

    public var description: String {
        switch self {
        case .service(let key, let port): "\(key.name).\(key.namespace ?? "default"):\(port)"
        case .workload(let key, let port): "workload \(key):\(port)"
        }
    }
}

/// One request to evaluate: who, where, what (HTTP method, path, host, headers) and with which
/// JWT, if any.
public struct AccessRequest: Sendable {
    /// Who sends the request.
    public var caller: AccessCaller
    /// The Service port, or the workload's pod port, it is sent to.
    public var destination: AccessDestination
    /// The HTTP method, e.g. `POST`.
    public var method: String
    /// The request path; a query string or fragment is ignored, as Envoy's path matching ignores it.
    public var path: String
    /// The `Host` (`:authority`); nil means the Service's cluster name
    /// (`<name>.<namespace>.svc.cluster.local`), and none for pod-IP traffic.
    public var host: String?
    /// Request headers; names are matched case-insensitively.
    public var headers: [String: String]
    /// The token's claims; nil when the request carries no token.
    public var token: JWTClaims?
    /// Where the token travels (default `Authorization: Bearer`).
    public var tokenLocation: TokenLocation = .bearer

    public init(
        caller: AccessCaller, destination: AccessDestination, method: String = "GET", path: String = "/",
        host: String? = nil, headers: [String: String] = [:], token: JWTClaims? = nil
    ) {
        self.caller = caller
        self.destination = destination
        self.method = method
        self.path = path
        self.host = host
        self.headers = headers
        self.token = token
    }
}

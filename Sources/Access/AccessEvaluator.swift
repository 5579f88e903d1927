import YAMLModel

/// Decides what a mesh, ambient, sidecar or both, does with one request, from the manifests alone.
///
/// The evaluator follows the request the way the mesh does (DESIGN §2): `AccessRoute` works out the
/// enforcement points it crosses (an ingress gateway's proxy, the Service's waypoint for callers
/// that are sent to it, then each destination workload's sidecar or ztunnel), and each point
/// applies the policies that bind it as it does: the Envoys (waypoint, sidecar, gateway)
/// RequestAuthentication and then CUSTOM, DENY and ALLOW with every HTTP attribute on their HTTP
/// chain, ztunnel PeerAuthentication and the L4 translation. It is pure: the same index and request
/// give the same result.
public struct AccessEvaluator: Sendable {
    /// The mesh the requests are evaluated in.
    public let index: MeshIndex

    public init(index: MeshIndex) {
        self.index = index
    }

    /// Evaluates `request`; throws when its destination is not in the input.
    public func evaluate(_ request: AccessRequest) throws(AccessError) -> AccessResult {
        var evaluation = Evaluation(index: index, request: request)
        try evaluation.run()
        return evaluation.result
    }

    /// The caller a workload's pods are: their ServiceAccount's identity when they are in the mesh
    /// (ambient, a sidecar, or unknown because the namespace's labels are not in the input), else
    /// an anonymous plaintext client.
    public func caller(for workload: WorkloadView) -> AccessCaller {
        index.enrollment(of: workload).mode == .none ? .anonymous : .identity(index.identity(of: workload))
    }

    /// The workload resource with `key`, when the input has one (the first, if several kinds share the name).
    public func workload(_ key: ObjectKey) -> WorkloadView? {
        index.workloads(in: key.namespace ?? "default").first { $0.name == key.name }
    }
}

/// One evaluation in progress: the route, and the hops evaluated so far.
struct Evaluation {
    let index: MeshIndex
    let request: AccessRequest
    var path: [AccessStep] = []
    var hops: [AccessHop] = []
    var uncertainties: [String] = []
    /// The way the request takes (set by `run`).
    var route: AccessRoute?
    /// The token still on the request: a proxy that validates it removes it unless its jwtRule forwards it.
    var token: JWTClaims?
    /// Records the questions asked about the caller's identity (see `CallerQuestionLog`).
    let callerLog: CallerQuestionLog?

    init(index: MeshIndex, request: AccessRequest, callerLog: CallerQuestionLog? = nil) {
        self.index = index
        self.request = request
        self.callerLog = callerLog
        token = request.token
    }

    var result: AccessResult {
        let decision = hops.first { !$0.decision.isAllowed }?.decision ?? .allow
        var seen = Set<String>()
        let reasons = uncertainties.filter { seen.insert($0).inserted }
        return AccessResult(
            decision: decision, isUncertain: !reasons.isEmpty, uncertainties: reasons,
            trace: AccessTrace(path: path, hops: hops))
    }

    // MARK: The way

    /// Plans the route, then lets each enforcement point on it decide: a gateway or waypoint that
    /// refuses ends the request; every destination workload is evaluated.
    mutating func run() throws(AccessError) {
        let route = try AccessRoute.plan(request, in: index)
        self.route = route
        path = route.path
        uncertainties += route.uncertainties
        let caller = callerIdentity
        for crossing in route.crossings {
            switch crossing {
            case .gateway(let key, let port, let listenerProtocol):
                let hop = gatewayHop(key, port: port, listenerProtocol: listenerProtocol)
                hops.append(hop)
                guard hop.decision.isAllowed else { return }
            case .waypoint(let waypoint, let service, let port, let portProtocol):
                let facts = facts(peer: caller, isCaller: true, port: port, host: route.host, token: nil)
                let hop = envoyHop(waypointProxy(waypoint, service: service, port: port, portProtocol: portProtocol, facts: facts), facts: facts)
                hops.append(hop)
                guard hop.decision.isAllowed else { return }
            case .ztunnel(let workload, let namespace, let port, let waypoint):
                let source = waypoint.map { index.identity(of: $0) } ?? caller
                hops.append(ztunnelHop(workload: workload, namespace: namespace, port: port, source: source, waypoint: waypoint, host: route.host))
            case .sidecar(let workload, let namespace, let port, let portProtocol, let waypoint):
                hops.append(sidecarHop(workload: workload, namespace: namespace, port: port, portProtocol: portProtocol, via: waypoint, caller: caller))
            }
        }
    }

    /// The identity the caller's connections carry: a workload's, or an ingress gateway's.
    private var callerIdentity: MeshIdentity? {
        switch request.caller {
        case .identity(let identity): identity
        case .anonymous: nil
        case .ingress(let key): index.ingressGatewayIdentity(of: key)
        }
    }

    /// True when an Envoy comes after the hop at `place`, which would see a token forwarded to it.
    func hasLaterEnvoy(after place: AccessHop.Place) -> Bool {
        guard let crossings = route?.crossings, let position = crossings.firstIndex(where: { $0.place == place }) else { return false }
        return crossings[(position + 1)...].contains(where: \.isEnvoy)
    }

    // MARK: Helpers

    /// What an enforcement point knows; `isCaller`: `peer` is the caller's own identity (not the
    /// waypoint's), so questions about it are recorded.
    func facts(peer: MeshIdentity?, isCaller: Bool, port: Int, host: String?, token: JWTClaims?) -> RequestFacts {
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name.lowercased()] = value }
        return RequestFacts(
            peer: peer, callerLog: isCaller ? callerLog : nil, trustDomain: index.trustDomain, port: port,
            method: request.method, path: PathNormalization.normalize(request.path, mode: index.pathNormalization), host: host,
            headers: headers, token: token)
    }

    func principal(_ identity: MeshIdentity) -> String {
        Matching.principal(of: identity, trustDomain: index.trustDomain)
    }

    /// A step at `span` of `resource`, or pointing nowhere when the evidence is not a manifest
    /// (labels the configuration assumes).
    func step(_ message: String, at span: Span, in resource: Resource?, outcome: AccessStep.Outcome) -> AccessStep {
        guard let resource else { return AccessStep(message, outcome: outcome) }
        return AccessStep(message, at: span, of: resource, outcome: outcome)
    }
}

extension MeshIndex {
    /// How the mesh's Envoys normalize paths: the mode the input's mesh configuration declares
    /// (when every declaration agrees on a known one), else Istio's default BASE.
    var pathNormalization: PathNormalization.Mode {
        declaredSettings.agreedPathNormalization.flatMap(PathNormalization.Mode.init(rawValue:)) ?? .base
    }
}

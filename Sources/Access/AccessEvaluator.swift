import YAMLModel

/// Decides what an ambient mesh does with one request, from the manifests alone.
///
/// The evaluator follows the request the way the mesh does (DESIGN §2): Service traffic goes through
/// the Service's waypoint when it is bound to one (pod-IP traffic by the pod's own binding; ingress
/// gateways and clients outside the mesh skip it), the waypoint applies RequestAuthentication and
/// then CUSTOM, DENY and ALLOW policies with every HTTP attribute, and the ztunnel in front of each
/// destination workload applies PeerAuthentication and the L4 translation of its policies, seeing
/// the waypoint's identity when the request came through one. It is pure: the same index and
/// request give the same result.
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

/// One evaluation in progress: the steps and hops recorded so far.
struct Evaluation {
    let index: MeshIndex
    let request: AccessRequest
    var path: [AccessStep] = []
    var hops: [AccessHop] = []
    var uncertainties: [String] = []
    /// Records the questions asked about the caller's identity (see `CallerQuestionLog`).
    let callerLog: CallerQuestionLog?

    init(index: MeshIndex, request: AccessRequest, callerLog: CallerQuestionLog? = nil) {
        self.index = index
        self.request = request
        self.callerLog = callerLog
    }

    var result: AccessResult {
        let decision = hops.first { !$0.decision.isAllowed }?.decision ?? .allow
        var seen = Set<String>()
        let reasons = uncertainties.filter { seen.insert($0).inserted }
        return AccessResult(
            decision: decision, isUncertain: !reasons.isEmpty, uncertainties: reasons,
            trace: AccessTrace(path: path, hops: hops))
    }

    // MARK: The path

    mutating func run() throws(AccessError) {
        let caller = resolveCaller()
        switch request.destination {
        case .service(let key, let port):
            try evaluateService(key, port: port, caller: caller)
        case .workload(let key, let port):
            try evaluateWorkload(key, port: port, caller: caller)
        }
    }

    /// The caller's identity (nil for plaintext), recorded in the path.
    private mutating func resolveCaller() -> MeshIdentity? {
        switch request.caller {
        case .identity(let identity):
            path.append(AccessStep("caller \(principal(identity)): a mesh workload, mTLS", outcome: .info))
            return identity
        case .anonymous:
            path.append(AccessStep("caller anonymous: a plaintext client outside the mesh, no identity", outcome: .info))
            return nil
        case .ingress(let key):
            let identity = index.ingressGatewayIdentity(of: key)
            if let gateway = index.gateway(key) {
                path.append(AccessStep(
                    "caller ingress Gateway \(key), running as \(principal(identity))",
                    at: gateway.resource.nameSpan, of: gateway.resource, outcome: .info))
            } else {
                path.append(AccessStep(
                    "caller ingress Gateway \(key) (not in the input), assumed to run as \(principal(identity))",
                    outcome: .assumption))
            }
            return identity
        }
    }

    private mutating func evaluateService(_ key: ObjectKey, port: Int, caller: MeshIdentity?) throws(AccessError) {
        guard let service = index.service(key) else { throw .unknownService(key) }
        guard let entry = index.servicePort(port, of: service, on: nil) else {
            throw .unknownPort(key, port: port, available: service.ports.compactMap { $0["port"]?.int })
        }
        path.append(AccessStep(
            "destination Service \(key) port \(port)" + (entry.name.map { " (\($0))" } ?? ""),
            at: entry.span, of: service.resource, outcome: .info))
        let host = request.host ?? "\(service.name).\(key.namespace ?? "default").svc.cluster.local"
        if request.host == nil {
            path.append(AccessStep("no host given: the request's host is taken to be \(host)", outcome: .info))
        }

        let waypoint = waypointForService(service, caller: caller)
        let workloads = index.workloads(behind: service)
        if let waypoint {
            let hop = waypointHop(waypoint, service: key, facts: facts(peer: caller, isCaller: true, port: port, host: host, token: nil))
            hops.append(hop)
            guard hop.decision.isAllowed else { return }
        }
        let source = waypoint.map { index.identity(of: $0) } ?? caller
        if workloads.isEmpty {
            path.append(AccessStep(
                service.selector == nil
                    ? "Service \(key) has no selector: its endpoints are not in the input; only namespace-wide and mesh-wide ztunnel policies are evaluated"
                    : "no workload in the input matches the selector of Service \(key): only namespace-wide and mesh-wide ztunnel policies are evaluated",
                at: service.resource.nameSpan, of: service.resource, outcome: .assumption))
            uncertainties.append("the workloads behind Service \(key) are not in the input")
            let targetPort = entry.targetPort ?? port
            if entry.targetPort == nil {
                path.append(AccessStep(
                    "targetPort \(entry.targetPortText ?? "") cannot be resolved without the pods: port \(port) is assumed", outcome: .assumption))
            }
            ztunnelHop(workload: nil, namespace: key.namespace ?? "default", port: targetPort, source: source, waypoint: waypoint, host: host)
            return
        }
        for workload in workloads {
            var targetPort = port
            if let resolved = index.servicePort(port, of: service, on: workload)?.targetPort {
                targetPort = resolved
            } else {
                path.append(AccessStep(
                    "targetPort \(entry.targetPortText ?? "") is not a container port of \(workload.key): port \(port) is assumed",
                    at: entry.span, of: service.resource, outcome: .assumption))
                uncertainties.append("the pod port of \(workload.key) is not known")
            }
            ztunnelHop(workload: workload, namespace: workload.namespace ?? "default", port: targetPort, source: source, waypoint: waypoint, host: host)
        }
    }

    private mutating func evaluateWorkload(_ key: ObjectKey, port: Int, caller: MeshIdentity?) throws(AccessError) {
        guard let workload = index.workloads(in: key.namespace ?? "default").first(where: { $0.name == key.name }) else {
            throw .unknownWorkload(key)
        }
        path.append(AccessStep(
            "destination \(workload.resource.kind) \(key) port \(port), dialled by pod IP",
            at: workload.resource.nameSpan, of: workload.resource, outcome: .info))
        // A `service` waypoint of the Services in front of these pods only sees Service traffic.
        let own = index.binding(of: workload.resource)
        for service in index.services(selecting: workload) {
            guard let skipped = index.binding(of: service.resource).waypoint, skipped.key != own.waypoint?.key else { continue }
            path.append(AccessStep(
                "pod-IP traffic skips waypoint \(skipped.key) of Service \(service.key): it only takes traffic addressed to the Service",
                at: service.resource.nameSpan, of: service.resource, outcome: .info))
        }
        var waypoint: Waypoint?
        describe(binding: own, of: workload.resource, subject: "\(workload.resource.kind) \(key)", traffic: .workload)
        if let bound = own.waypoint {
            switch request.caller {
            case .anonymous:
                path.append(AccessStep(
                    "a client outside the mesh has no ztunnel to send it to waypoint \(bound.key): it reaches the pods directly",
                    outcome: .info))
            case .ingress:
                path.append(AccessStep(
                    "an ingress gateway sends pod-IP traffic straight to the pods, skipping waypoint \(bound.key)", outcome: .info))
            case .identity:
                waypoint = bound
            }
        }
        if let through = waypoint {
            let hop = waypointHop(through, service: nil, facts: facts(peer: caller, isCaller: true, port: port, host: request.host, token: nil))
            hops.append(hop)
            guard hop.decision.isAllowed else { return }
        }
        let source = waypoint.map { index.identity(of: $0) } ?? caller
        ztunnelHop(workload: workload, namespace: workload.namespace ?? "default", port: port, source: source, waypoint: waypoint, host: request.host)
    }

    /// The waypoint a caller's Service traffic passes, with the reasons in the path.
    private mutating func waypointForService(_ service: ServiceView, caller: MeshIdentity?) -> Waypoint? {
        let binding = index.binding(of: service.resource)
        describe(binding: binding, of: service.resource, subject: "Service \(service.key)", traffic: .service)
        guard let waypoint = binding.waypoint else { return nil }
        switch request.caller {
        case .identity:
            return waypoint
        case .anonymous:
            path.append(AccessStep(
                "a client outside the mesh has no ztunnel to send it to waypoint \(waypoint.key): the Service's address leads it to the pods directly",
                outcome: .info))
            return nil
        case .ingress:
            let use = index.ingressWaypointUse(of: service)
            if use.isEnabled == true, let label = use.label {
                path.append(step(
                    "\(WellKnown.ingressUseWaypointLabel): \"\(label.value)\": the ingress gateway sends the request through waypoint \(waypoint.key)",
                    at: label.entrySpan, in: use.labelledResource, outcome: .info))
                return waypoint
            }
            if let label = use.label {
                path.append(step(
                    "\(WellKnown.ingressUseWaypointLabel): \"\(label.value)\": the ingress gateway skips waypoint \(waypoint.key) and its policies",
                    at: label.entrySpan, in: use.labelledResource, outcome: .info))
            } else if use.isEnabled == false {
                path.append(AccessStep(
                    "no \(WellKnown.ingressUseWaypointLabel) label on the Service or its namespace: the ingress gateway skips waypoint \(waypoint.key) and its policies",
                    at: service.resource.nameSpan, of: service.resource, outcome: .info))
            } else {
                path.append(AccessStep(
                    "no \(WellKnown.ingressUseWaypointLabel) label on the Service, and its namespace's labels are not in the input: the ingress gateway is assumed to skip waypoint \(waypoint.key)",
                    at: service.resource.nameSpan, of: service.resource, outcome: .assumption))
                uncertainties.append("whether the ingress gateway uses waypoint \(waypoint.key) depends on namespace labels not in the input")
            }
            return nil
        }
    }

    /// Records why a Service or workload is bound to a waypoint, or why not.
    private mutating func describe(binding: WaypointBinding, of resource: Resource, subject: String, traffic: BoundTraffic) {
        let label = binding.request.map { request -> (String, Span, Resource?) in
            let owner = request.source == .ownLabel ? resource : index.namespace(resource.namespace ?? "default").object?.resource
            let place = request.source == .ownLabel ? "" : " on namespace \(resource.namespace ?? "default")"
            return ("\(WellKnown.useWaypointLabel): \(request.label.value)\(place)", request.label.entrySpan, owner)
        }
        switch binding.status {
        case .bound(let waypoint):
            path.append(step(
                "\(subject) is bound to waypoint \(waypoint.key) (\(label?.0 ?? ""))",
                at: label?.1 ?? resource.nameSpan, in: label?.2 ?? resource, outcome: .info))
        case .notRequested:
            let what = traffic == .service ? "its traffic goes to its pods directly" : "pod-IP traffic goes to the pods directly"
            path.append(AccessStep(
                "\(subject): no \(WellKnown.useWaypointLabel) label applies, \(what)", at: resource.nameSpan, of: resource, outcome: .info))
        case .optedOut:
            path.append(step("\(subject) opts out of waypoints (\(label?.0 ?? ""))", at: label?.1 ?? resource.nameSpan, in: label?.2 ?? resource, outcome: .info))
        case .waypointNotFound:
            path.append(step(
                "\(subject) names a waypoint that is not in the input (\(label?.0 ?? "")): no waypoint serves it",
                at: label?.1 ?? resource.nameSpan, in: label?.2 ?? resource, outcome: .info))
        case .waypointNotInInput:
            path.append(step(
                "\(subject) names a waypoint that is not in the input (\(label?.0 ?? "")), which may be defined elsewhere: "
                    + "assumed not to pass a waypoint",
                at: label?.1 ?? resource.nameSpan, in: label?.2 ?? resource, outcome: .assumption))
            uncertainties.append("the waypoint \(subject) names is not in the input")
        case .unresolved:
            path.append(step(
                "\(subject) names a waypoint the input cannot settle (\(label?.0 ?? "")): its namespace is not in the input, or "
                    + "copies of it disagree: assumed not to pass a waypoint",
                at: label?.1 ?? resource.nameSpan, in: label?.2 ?? resource, outcome: .assumption))
            uncertainties.append("the waypoint \(subject) names is not in the input")
        case .trafficTypeNotAccepted(let waypoint):
            path.append(step(
                "\(subject) names waypoint \(waypoint.key), whose istio.io/waypoint-for does not take \(traffic.rawValue) traffic: not bound",
                at: label?.1 ?? resource.nameSpan, in: label?.2 ?? resource, outcome: .info))
        case .namespaceNotAllowed(let waypoint):
            path.append(step(
                "\(subject) names waypoint \(waypoint.key) in another namespace whose listener does not allow this namespace: not bound",
                at: label?.1 ?? resource.nameSpan, in: label?.2 ?? resource, outcome: .info))
        }
    }

    // MARK: Helpers

    /// What an enforcement point knows; `isCaller`: `peer` is the caller's own identity (not the
    /// waypoint's), so questions about it are recorded.
    func facts(peer: MeshIdentity?, isCaller: Bool, port: Int, host: String?, token: JWTClaims?) -> RequestFacts {
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name.lowercased()] = value }
        return RequestFacts(
            peer: peer, callerLog: isCaller ? callerLog : nil, trustDomain: index.trustDomain, port: port,
            method: request.method, path: PathNormalization.base(request.path), host: host, headers: headers, token: token)
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

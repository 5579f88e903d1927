import YAMLModel

/// Works out the `AccessRoute` of one request, recording why at each turn.
struct RoutePlanner {
    let index: MeshIndex
    let request: AccessRequest
    var path: [AccessStep] = []
    var crossings: [AccessRoute.Crossing] = []
    var uncertainties: [String] = []
    var host: String?

    init(index: MeshIndex, request: AccessRequest) {
        self.index = index
        self.request = request
        host = request.host
    }

    mutating func plan() throws(AccessError) {
        let caller = resolveCaller()
        switch request.destination {
        case .service(let key, let port):
            try planService(key, port: port, caller: caller)
        case .workload(let key, let port):
            try planWorkload(key, port: port, caller: caller)
        }
    }

    // MARK: The caller

    /// The caller's identity (nil for plaintext), recorded in the path; an ingress gateway's own
    /// proxy is the first crossing.
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
            guard let gateway = index.gateway(key) else {
                path.append(AccessStep(
                    "caller ingress Gateway \(key) (not in the input), assumed to run as \(principal(identity))",
                    outcome: .assumption))
                uncertainties.append("ingress Gateway \(key) is not in the input: the policies at its proxy are not known")
                return identity
            }
            path.append(AccessStep(
                "caller ingress Gateway \(key), running as \(principal(identity))",
                at: gateway.resource.nameSpan, of: gateway.resource, outcome: .info))
            crossings.append(gatewayCrossing(gateway))
            return identity
        }
    }

    /// The gateway's proxy on the listener the request arrives at: the only listener, else the
    /// first HTTP one (the request is HTTP), said as an assumption when there are several.
    private mutating func gatewayCrossing(_ gateway: GatewayView) -> AccessRoute.Crossing {
        let listeners = gateway.listeners.filter { $0.port != nil }
        let http = listeners.filter { ["HTTP", "HTTPS"].contains($0.protocol?.value.uppercased() ?? "") }
        guard let chosen = http.first ?? listeners.first, let port = chosen.port?.value else {
            path.append(AccessStep(
                "ingress Gateway \(gateway.key) has no listener with a port: port 80 is assumed",
                at: gateway.resource.nameSpan, of: gateway.resource, outcome: .assumption))
            return .gateway(gateway.key, port: 80, listenerProtocol: .http("http"))
        }
        if listeners.count > 1 {
            path.append(AccessStep(
                "ingress Gateway \(gateway.key) has \(listeners.count) listeners: the request is taken to arrive on port \(port)",
                at: chosen.node.span, of: gateway.resource, outcome: .info))
        }
        let word = chosen.protocol?.value.lowercased() ?? "http"
        // HTTPS terminates TLS at the gateway, which then sees HTTP; TLS passthrough and TCP do not.
        let listenerProtocol: PortProtocol = ["http", "https"].contains(word) ? .http(word) : .tcp(word)
        return .gateway(gateway.key, port: port, listenerProtocol: listenerProtocol)
    }

    // MARK: A Service

    private mutating func planService(_ key: ObjectKey, port: Int, caller: MeshIdentity?) throws(AccessError) {
        guard let service = index.service(key) else { throw .unknownService(key) }
        guard let entry = index.servicePort(port, of: service, on: nil) else {
            throw .unknownPort(key, port: port, available: service.ports.compactMap { $0["port"]?.int })
        }
        path.append(AccessStep(
            "destination Service \(key) port \(port)" + (entry.name.map { " (\($0))" } ?? ""),
            at: entry.span, of: service.resource, outcome: .info))
        let host = request.host ?? "\(service.name).\(key.namespace ?? "default").svc.cluster.local"
        self.host = host
        if request.host == nil {
            path.append(AccessStep("no host given: the request's host is taken to be \(host)", outcome: .info))
        }

        let waypoint = waypointForService(service)
        if let waypoint {
            crossings.append(.waypoint(waypoint, service: key, port: port, portProtocol: entry.portProtocol))
        }
        let workloads = index.workloads(behind: service)
        if workloads.isEmpty {
            path.append(AccessStep(
                service.selector == nil
                    ? "Service \(key) has no selector: its endpoints are not in the input; only namespace-wide and mesh-wide policies are evaluated"
                    : "no workload in the input matches the selector of Service \(key): only namespace-wide and mesh-wide policies are evaluated",
                at: service.resource.nameSpan, of: service.resource, outcome: .assumption))
            uncertainties.append("the workloads behind Service \(key) are not in the input")
            let targetPort = entry.targetPort ?? port
            if entry.targetPort == nil {
                path.append(AccessStep(
                    "targetPort \(entry.targetPortText ?? "") cannot be resolved without the pods: port \(port) is assumed", outcome: .assumption))
            }
            let namespace = key.namespace ?? "default"
            crossings.append(destination(nil, namespace: namespace, port: targetPort, portProtocol: entry.portProtocol, via: waypoint))
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
            crossings.append(destination(
                workload, namespace: workload.namespace ?? "default", port: targetPort, portProtocol: entry.portProtocol, via: waypoint))
        }
    }

    /// The waypoint a caller's Service traffic passes, with the reasons in the path.
    private mutating func waypointForService(_ service: ServiceView) -> Waypoint? {
        let binding = index.binding(of: service.resource)
        describe(binding: binding, of: service.resource, subject: "Service \(service.key)", traffic: .service)
        guard let waypoint = binding.waypoint else { return nil }
        switch request.caller {
        case .identity(let identity):
            return skipsWaypointAsSidecar(identity, waypoint: waypoint, traffic: "Service traffic") ? nil : waypoint
        case .anonymous:
            path.append(AccessStep(
                "a client outside the mesh has no ztunnel to send it to waypoint \(waypoint.key): the Service's address leads it to the pods directly",
                outcome: .info))
            return nil
        case .ingress:
            let use = index.ingressWaypointUse(of: service)
            if use.isEnabled == true, let label = use.label {
                if use.labelledResource?.kind == "Namespace", let version = index.declaredIstioVersion,
                   version < IstioReleases.namespaceIngressUseWaypoint {
                    path.append(step(
                        "\(WellKnown.ingressUseWaypointLabel): \"\(label.value)\" is on the namespace, which Istio \(version.line) does not read "
                            + "(namespace-level support arrived in \(IstioReleases.namespaceIngressUseWaypoint.line)): the ingress gateway skips waypoint \(waypoint.key)",
                        at: label.entrySpan, in: use.labelledResource, outcome: .info))
                    return nil
                }
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

    /// True when the caller's pods run sidecars, which send straight to the pods: the waypoint and
    /// its policies are skipped. Recorded in the path either way when some pods do.
    private mutating func skipsWaypointAsSidecar(_ identity: MeshIdentity, waypoint: Waypoint, traffic: String) -> Bool {
        switch index.dataplane(of: identity) {
        case .ambient:
            return false
        case .sidecar:
            path.append(AccessStep(
                "the caller's pods run a sidecar, which sends \(traffic) straight to the pods (istiod sends only gateways to waypoints): "
                    + "waypoint \(waypoint.key) and its policies are skipped; the pods see the caller's own identity",
                outcome: .info))
            return true
        case .mixed:
            path.append(AccessStep(
                "some of the caller's pods run a sidecar, which would skip waypoint \(waypoint.key); its ambient pods are evaluated here",
                outcome: .assumption))
            uncertainties.append("some pods running as \(principal(identity)) run a sidecar and skip waypoint \(waypoint.key)")
            return false
        }
    }

    // MARK: A workload's pods

    private mutating func planWorkload(_ key: ObjectKey, port: Int, caller: MeshIdentity?) throws(AccessError) {
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
            case .identity(let identity):
                if !skipsWaypointAsSidecar(identity, waypoint: bound, traffic: "pod-IP traffic") { waypoint = bound }
            }
        }
        // Pod-IP traffic names no Service port: the protocol is sniffed.
        if let waypoint {
            crossings.append(.waypoint(waypoint, service: nil, port: port, portProtocol: .sniffed))
        }
        crossings.append(destination(workload, namespace: workload.namespace ?? "default", port: port, portProtocol: .sniffed, via: waypoint))
    }

    // MARK: The destination

    /// The destination's enforcement point: its sidecar when its pods run one, else its ztunnel
    /// (which also says when the pods are not in the mesh).
    private func destination(
        _ workload: WorkloadView?, namespace: String, port: Int, portProtocol: PortProtocol, via waypoint: Waypoint?
    ) -> AccessRoute.Crossing {
        let mode = workload.map { index.enrollment(of: $0).mode } ?? index.namespace(namespace).dataplaneMode
        if mode == .sidecar {
            return .sidecar(workload: workload, namespace: namespace, port: port, portProtocol: portProtocol, via: waypoint)
        }
        return .ztunnel(workload: workload, namespace: namespace, port: port, via: waypoint)
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

    private func principal(_ identity: MeshIdentity) -> String {
        Matching.principal(of: identity, trustDomain: index.trustDomain)
    }

    /// A step at `span` of `resource`, or pointing nowhere when the evidence is not a manifest.
    private func step(_ message: String, at span: Span, in resource: Resource?, outcome: AccessStep.Outcome) -> AccessStep {
        guard let resource else { return AccessStep(message, outcome: outcome) }
        return AccessStep(message, at: span, of: resource, outcome: outcome)
    }
}

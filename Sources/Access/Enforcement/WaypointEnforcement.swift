import YAMLModel

/// A waypoint: the Envoy that serves the Services (or pods) bound to it. The policies that bind it
/// target it, a Service it serves, or the `istio-waypoint` class; it sees the caller's identity.
extension Evaluation {
    func waypointProxy(_ waypoint: Waypoint, service: ObjectKey?, port: Int, portProtocol: PortProtocol, facts: RequestFacts) -> EnvoyProxy {
        let gateway = waypoint.gateway.resource
        var arrival = [AccessStep(
            "the request reaches waypoint \(waypoint.key) with the caller's identity (\(facts.peerDescription)), port \(facts.port)",
            at: gateway.nameSpan, of: gateway, outcome: .info)]
        let chain = FilterChain(portProtocol)
        if case .tcp(let word) = portProtocol {
            arrival.append(AccessStep(
                "port \(port) declares \(word): the waypoint takes it on its TCP filter chain, which sees no HTTP request", outcome: .info))
        }
        var seenAuthorization = Set<ResourceOrigin>()
        var seenAuthentication = Set<ResourceOrigin>()
        return EnvoyProxy(
            place: .waypoint(waypoint.key), name: "the waypoint", scope: service.map { "Service \($0)" } ?? "pod-IP traffic",
            arrival: arrival,
            authorizationPolicies: index.authorizationPolicies(at: waypoint)
                .filter { $0.covers(service) && seenAuthorization.insert($0.policy.resource.origin).inserted }.map(\.policy),
            requestAuthentications: index.requestAuthentications(at: waypoint)
                .filter { $0.covers(service) && seenAuthentication.insert($0.policy.resource.origin).inserted }.map(\.policy),
            chain: chain,
            forwarded: chain == .http ? "the waypoint forwards the request to the destination's pods" : "the waypoint forwards the connection to the destination's pods",
            refused: chain == .http ? "the waypoint answers 403 (RBAC: access denied)" : "the waypoint closes the connection (RBAC: access denied)")
    }
}

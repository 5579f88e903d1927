import YAMLModel

/// An ingress gateway's own proxy: the Envoy a request from outside enters by. Policies bind it by
/// `targetRefs` to the Gateway (from its namespace) and, as for any proxy, by a selector on its pod
/// labels, its namespace's namespace-wide policies and the root namespace's mesh-wide ones
/// (istio/istio `pilot/pkg/model/policyattachment.go` `ShouldAttachPolicy`). It sees the client as
/// it arrives: no mesh identity.
extension Evaluation {
    mutating func gatewayHop(_ key: ObjectKey, port: Int, listenerProtocol: PortProtocol) -> AccessHop {
        let gateway = index.gateway(key)
        var arrival: [AccessStep] = []
        let message = "the request enters by ingress Gateway \(key)'s proxy on port \(port), from a client outside the mesh (no peer identity)"
        if let gateway {
            arrival.append(AccessStep(message, at: gateway.resource.nameSpan, of: gateway.resource, outcome: .info))
        } else {
            arrival.append(AccessStep(message, outcome: .info))
        }
        let chain = FilterChain(listenerProtocol)
        let proxy = EnvoyProxy(
            place: .gateway(key), name: "the gateway", scope: "ingress Gateway \(key)", arrival: arrival,
            authorizationPolicies: index.gatewayAuthorizationPolicies(of: key),
            requestAuthentications: index.gatewayRequestAuthentications(of: key),
            chain: chain,
            forwarded: "the gateway routes the request on, as \(principal(index.ingressGatewayIdentity(of: key)))",
            refused: chain == .http ? "the gateway answers 403 (RBAC: access denied)" : "the gateway closes the connection (RBAC: access denied)")
        return envoyHop(proxy, facts: facts(peer: nil, isCaller: false, port: port, host: route?.host, token: nil))
    }
}

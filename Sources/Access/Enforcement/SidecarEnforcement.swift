import YAMLModel

/// A destination workload's sidecar: the Envoy in its own pods, bound by the policies that select
/// them (a `selector: {}` selects every pod), its namespace's and the root namespace's
/// namespace-wide ones; never by `targetRefs` (istio/istio `pilot/pkg/model/policyattachment.go`
/// `ShouldAttachPolicy`). It sees every HTTP attribute and the peer's own identity.
extension Evaluation {
    /// The sidecar's verdict: PeerAuthentication for plaintext, then Envoy authentication and authorization.
    mutating func sidecarHop(
        workload: WorkloadView?, namespace: String, port: Int, portProtocol: PortProtocol, via waypoint: Waypoint?, caller: MeshIdentity?
    ) -> AccessHop {
        let place = AccessHop.Place.sidecar(workload: workload?.key, namespace: namespace)
        let subject = workload.map { "the pods of \($0.resource.kind) \($0.key)" } ?? "the pods of namespace \(namespace)"
        var steps: [AccessStep] = []
        let reason = workload.map { sidecarReason(of: $0) } ?? "namespace \(namespace) injects sidecars"
        if let resource = workload?.resource ?? index.namespace(namespace).object?.resource {
            steps.append(AccessStep(
                "\(subject) run a sidecar (\(reason)): it enforces mTLS and policy itself, with every HTTP attribute",
                at: resource.nameSpan, of: resource, outcome: .info))
        } else {
            steps.append(AccessStep("\(subject) run a sidecar (\(reason)): it enforces mTLS and policy itself", outcome: .info))
        }
        let source = waypoint.map { index.identity(of: $0) } ?? caller
        if let waypoint {
            steps.append(AccessStep(
                "source identity: the waypoint's, \(principal(index.identity(of: waypoint))): the request comes through waypoint \(waypoint.key)",
                at: waypoint.gateway.resource.nameSpan, of: waypoint.gateway.resource, outcome: .info))
        } else if let source {
            steps.append(AccessStep("source identity: the caller's, \(principal(source))", outcome: .info))
        } else {
            steps.append(AccessStep("no source identity: a plaintext connection", outcome: .info))
            if peerAuthenticationRefuses(workload: workload, namespace: namespace, port: port, steps: &steps) {
                steps.append(AccessStep("the sidecar refuses the plaintext connection", outcome: .refused))
                return AccessHop(place: place, steps: steps, decision: .refused)
            }
        }
        let proxy = EnvoyProxy(
            place: place, name: "the sidecar", scope: subject, arrival: steps,
            authorizationPolicies: index.sidecarAuthorizationPolicies(for: workload, namespace: namespace),
            requestAuthentications: index.sidecarRequestAuthentications(for: workload, namespace: namespace),
            chain: FilterChain(portProtocol),
            forwarded: "the sidecar delivers the request to the application on port \(port)",
            refused: FilterChain(portProtocol) == .http ? "the sidecar answers 403 (RBAC: access denied)" : "the sidecar closes the connection (RBAC: access denied)")
        let facts = facts(peer: source, isCaller: waypoint == nil, port: port, host: route?.host, token: nil)
        return envoyHop(proxy, facts: facts)
    }

    /// Why a workload's pods get a sidecar, for the trace.
    private func sidecarReason(of workload: WorkloadView) -> String {
        let enrollment = index.enrollment(of: workload)
        switch enrollment.reason {
        case .sidecarOnPod: return "its pod template asks for injection"
        default: return "namespace \(workload.namespace ?? "default") injects sidecars"
        }
    }
}

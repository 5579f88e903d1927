import YAMLModel

/// ztunnel in front of an ambient workload's pods: PeerAuthentication for plaintext, then the L4
/// translation of the AuthorizationPolicies that bind the pods (selector, namespace-wide and
/// mesh-wide ones; never `targetRefs`, never a `selector: {}`).
extension Evaluation {
    // MARK: The destination's ztunnel

    /// ztunnel's verdict for one destination workload (nil: the Service's workloads are not in the
    /// input): enrollment, PeerAuthentication for plaintext, then the L4 translation of its policies.
    mutating func ztunnelHop(
        workload: WorkloadView?, namespace: String, port: Int, source: MeshIdentity?, waypoint: Waypoint?, host: String?
    ) -> AccessHop {
        var steps: [AccessStep] = []
        let place = AccessHop.Place.ztunnel(workload: workload?.key, namespace: namespace)
        if let early = enrollment(workload: workload, namespace: namespace, steps: &steps) {
            return AccessHop(place: place, steps: steps, decision: early)
        }
        if let waypoint {
            let gateway = waypoint.gateway.resource
            steps.append(AccessStep(
                "source identity: the waypoint's, \(principal(index.identity(of: waypoint))): the request comes through waypoint \(waypoint.key)",
                at: gateway.nameSpan, of: gateway, outcome: .info))
        } else if let source {
            steps.append(AccessStep("source identity: the caller's, \(principal(source))", outcome: .info))
        } else {
            steps.append(AccessStep("no source identity: a plaintext connection", outcome: .info))
        }
        if source == nil {
            if peerAuthenticationRefuses(workload: workload, namespace: namespace, port: port, steps: &steps) {
                steps.append(AccessStep("ztunnel refuses the plaintext connection (reset)", outcome: .refused))
                return AccessHop(place: place, steps: steps, decision: .refused)
            }
        } else {
            steps.append(AccessStep("the connection is mTLS (HBONE): accepted under any PeerAuthentication mode", outcome: .info))
        }
        if waypoint == nil, token != nil {
            steps.append(AccessStep("ztunnel sees no HTTP: the token is neither validated nor read here", outcome: .info))
        }
        let policies: [AuthorizationPolicyView]
        // A `selector: {}` carried over from sidecar days attaches to no ambient workload.
        for ignored in index.emptySelectorPolicies(affecting: namespace) {
            steps.append(AccessStep(
                "\(ignored.action == .deny ? "DENY" : ignored.action == .audit ? "AUDIT" : "ALLOW") \(ignored.namespace ?? "default")/\(ignored.name) "
                    + "has `selector: {}`: ztunnel ignores it (an empty selector attaches to no ambient workload; a sidecar would apply it to every pod)",
                at: ignored.selectorSpan ?? ignored.resource.nameSpan, of: ignored.resource, outcome: .info))
        }
        if let workload {
            policies = index.ztunnelPolicies(for: workload)
        } else {
            let root = index.rootNamespace
            policies = (index.authorizationPolicies(in: namespace) + (namespace == root ? [] : index.authorizationPolicies(in: root)))
                .filter { [.namespace, .mesh].contains(index.attachment(of: $0).scope) }
        }
        let facts = facts(peer: source, isCaller: waypoint == nil, port: port, host: host, token: nil)
        let decision = decide(policies: policies, at: .ztunnel, steps: &steps) { rule, policy in
            ZtunnelRuleMatcher(facts: facts, policyNamespace: policy.namespace ?? "default").verdict(for: rule, action: policy.action ?? .allow)
        }
        if decision.isAllowed {
            steps.append(AccessStep("ztunnel delivers the connection on port \(port)", outcome: .allowed))
        } else {
            steps.append(AccessStep("ztunnel denies the connection (reset)", outcome: .denied))
        }
        return AccessHop(place: place, steps: steps, decision: decision)
    }

    /// Whether ztunnel captures the destination's pods; a decision when it does not (nothing of the
    /// mesh applies), nil when evaluation goes on.
    private mutating func enrollment(workload: WorkloadView?, namespace: String, steps: inout [AccessStep]) -> AccessDecision? {
        let mode: DataplaneMode
        let subject: String
        var resource: Resource? = workload?.resource
        if let workload {
            mode = index.enrollment(of: workload).mode
            subject = "the pods of \(workload.resource.kind) \(workload.key)"
        } else {
            let facts = index.namespace(namespace)
            mode = facts.dataplaneMode
            subject = "the pods of namespace \(namespace)"
            resource = facts.object?.resource
        }
        let span = resource?.nameSpan ?? .fileStart
        switch mode {
        case .ambient:
            steps.append(step("\(subject) are in ambient: ztunnel enforces mTLS and L4 policy", at: span, in: resource, outcome: .info))
            return nil
        case .unknown:
            steps.append(step(
                "the labels of namespace \(namespace) are not in the input: \(subject) are assumed to be in ambient",
                at: span, in: resource, outcome: .assumption))
            uncertainties.append("whether namespace \(namespace) is in ambient is not in the input")
            return nil
        case .none:
            steps.append(step(
                "\(subject) are not in the mesh: no ztunnel captures them, so no PeerAuthentication or AuthorizationPolicy applies",
                at: span, in: resource, outcome: .info))
            steps.append(AccessStep("the connection reaches the pods unchecked", outcome: .allowed))
            return .allow
        case .sidecar:
            // The route sends pods that run a sidecar to their sidecar; ztunnel never captures them.
            steps.append(step(
                "\(subject) run a sidecar: ztunnel does not capture them, their sidecar enforces policy", at: span, in: resource, outcome: .info))
            steps.append(AccessStep("ztunnel passes the connection on", outcome: .allowed))
            return .allow
        }
    }

    /// PeerAuthentication for a plaintext connection: true when the destination refuses it on `port`
    /// (ztunnel and a sidecar alike refuse plaintext under STRICT).
    mutating func peerAuthenticationRefuses(
        workload: WorkloadView?, namespace: String, port: Int, steps: inout [AccessStep]
    ) -> Bool {
        func evidence(_ policy: PeerAuthenticationView) -> Span { policy.mtlsMode?.span ?? policy.resource.nameSpan }
        guard let workload else {
            let mtls = index.mtls(in: namespace)
            if mtls.isStrict {
                if let policy = mtls.decidingPolicy {
                    steps.append(AccessStep(
                        "PeerAuthentication \(policy.key) sets STRICT mTLS for namespace \(namespace): plaintext is refused",
                        at: evidence(policy), of: policy.resource, outcome: .matched))
                } else {
                    steps.append(AccessStep("STRICT mTLS: plaintext is refused", outcome: .matched))
                }
                return true
            }
            describePermissive(mode: mtls.mode, policy: mtls.decidingPolicy, steps: &steps)
            return false
        }
        let mtls = index.mtls(of: workload)
        if mtls.isStrict {
            if let policy = mtls.policy, let open = mtls.plaintextPorts.first(where: { $0.port == port }) {
                steps.append(AccessStep(
                    "PeerAuthentication \(policy.key) sets port \(port) to \(open.mode?.rawValue ?? "PERMISSIVE"): plaintext is accepted on it",
                    at: open.entrySpan, of: policy.resource, outcome: .info))
                return false
            }
            let deciding = mtls.isSetByPolicy ? mtls.policy : mtls.namespace.decidingPolicy
            if let deciding {
                steps.append(AccessStep(
                    "PeerAuthentication \(deciding.key) sets STRICT mTLS for these pods: plaintext is refused",
                    at: evidence(deciding), of: deciding.resource, outcome: .matched))
            } else {
                steps.append(AccessStep("STRICT mTLS: plaintext is refused", outcome: .matched))
            }
            return true
        }
        if let policy = mtls.policy, let strict = policy.portLevelMTLS.first(where: { $0.port == port && $0.mode == .strict }) {
            steps.append(AccessStep(
                "PeerAuthentication \(policy.key) sets port \(port) to STRICT: plaintext is refused on it",
                at: strict.entrySpan, of: policy.resource, outcome: .matched))
            return true
        }
        describePermissive(mode: mtls.mode, policy: mtls.isSetByPolicy ? mtls.policy : mtls.namespace.decidingPolicy, steps: &steps)
        return false
    }

    private func describePermissive(mode: MTLSMode, policy: PeerAuthenticationView?, steps: inout [AccessStep]) {
        let what = mode == .disable ? "DISABLE, which ztunnel treats as PERMISSIVE" : mode.rawValue
        if let policy {
            steps.append(AccessStep(
                "PeerAuthentication \(policy.key): \(what): plaintext is accepted",
                at: policy.mtlsMode?.span ?? policy.resource.nameSpan, of: policy.resource, outcome: .info))
        } else {
            steps.append(AccessStep("no PeerAuthentication sets a mode: ambient's default PERMISSIVE accepts plaintext", outcome: .info))
        }
    }
}

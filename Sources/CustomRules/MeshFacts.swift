import Rules
import YAMLModel

/// A mesh fact about the matched resource's namespace (or, for a Service, the Service itself),
/// answered by the `MeshIndex`.
struct FactAssertion: Sendable {
    enum Fact: Sendable {
        /// The namespace's data plane is ambient; `expected` false asserts it is not.
        case ambient(expected: Bool)
        /// A namespace-wide ALLOW makes the namespace deny by default.
        case defaultDeny(expected: Bool)
        /// Bound to a waypoint (with `name`: to that one, `name` or `namespace/name`).
        case waypoint(expected: Bool, name: String?)
        /// A RequestAuthentication validates tokens where the resource's traffic is handled, with
        /// every listed issuer and audience.
        case requestAuthentication(expected: Bool, issuers: [String], audiences: [String])
        /// Requests need a valid token at the waypoint.
        case tokenRequired(expected: Bool)
        /// The namespace's ztunnel mTLS mode.
        case mtls(MTLSMode)
        /// The waypoints run at least `min` replicas (the index knows "one" or "two or more").
        case waypointReplicas(min: Int)
        /// A disruption budget protects the waypoints.
        case pdb(expected: Bool)
    }

    static let names = [
        "ambient", "defaultDeny", "waypoint", "requestAuthentication", "tokenRequired", "mtls", "waypointReplicas", "pdb",
    ]

    let fact: Fact
    let message: String?

    func failure(on resource: Resource, index: MeshIndex) -> AssertionFailure? {
        let namespace = homeNamespace(of: resource)
        switch fact {
        case .ambient(let expected):
            let facts = index.namespace(namespace)
            guard (facts.dataplaneMode == .ambient) != expected else { return nil }
            return AssertionFailure(
                message: expected
                    ? "namespace \(namespace) is not in the ambient data plane (its data plane is \(facts.dataplaneMode.rawValue))"
                    : "namespace \(namespace) is in the ambient data plane",
                span: resource.kind == "Namespace" ? facts.dataplaneLabel?.entrySpan : nil)
        case .defaultDeny(let expected):
            let deny = index.defaultDeny(in: namespace)
            guard deny.holds != expected else { return nil }
            if expected {
                return AssertionFailure(
                    message: "namespace \(namespace) does not deny by default: no namespace-wide ALLOW policy enforced by ztunnel covers it",
                    span: nil,
                    related: deny.nearMisses.map {
                        RelatedLocation("\($0.policy.resource.name) is not a default deny (\($0.reason.rawValue))", in: $0.policy.resource)
                    })
            }
            return AssertionFailure(message: "namespace \(namespace) denies by default", span: nil,
                                    related: deny.policy.map { [RelatedLocation("the default deny", in: $0.resource)] } ?? [])
        case .waypoint(let expected, let name):
            let waypoint = boundWaypoint(of: resource, index: index)
            if !expected {
                return waypoint.map { AssertionFailure(message: "it is bound to waypoint \($0.key)", span: nil) }
            }
            guard let waypoint else { return AssertionFailure(message: "it is not bound to a waypoint", span: nil) }
            if let name, name != waypoint.name, name != "\(waypoint.namespace)/\(waypoint.name)" {
                return AssertionFailure(message: "it is bound to waypoint \(waypoint.key), not \(name)", span: nil)
            }
            return nil
        case .requestAuthentication(let expected, let issuers, let audiences):
            let policies = requestAuthentications(for: resource, namespace: namespace, index: index)
            if !expected {
                return policies.first.map {
                    AssertionFailure(message: "RequestAuthentication \($0.resource.name) validates its tokens", span: nil,
                                     related: [RelatedLocation("the RequestAuthentication", in: $0.resource)])
                }
            }
            guard !policies.isEmpty else {
                return AssertionFailure(message: "no RequestAuthentication validates tokens for it", span: nil)
            }
            let rules = policies.flatMap(\.jwtRules)
            let known = Set(rules.compactMap { $0.issuer?.value })
            if let missing = issuers.first(where: { !known.contains($0) }) {
                return AssertionFailure(
                    message: "no RequestAuthentication for it accepts issuer \(missing) (accepted: \(known.sorted().joined(separator: ", ")))",
                    span: nil, related: policies.map { RelatedLocation("a RequestAuthentication", in: $0.resource) })
            }
            let audiencesKnown = Set(rules.flatMap { $0.audiences.map(\.value) })
            if let missing = audiences.first(where: { !audiencesKnown.contains($0) }) {
                return AssertionFailure(
                    message: "no RequestAuthentication for it restricts tokens to audience \(missing)", span: nil,
                    related: policies.map { RelatedLocation("a RequestAuthentication", in: $0.resource) })
            }
            return nil
        case .tokenRequired(let expected):
            let required = tokenRequired(for: resource, namespace: namespace, index: index)
            guard required != expected else { return nil }
            return AssertionFailure(
                message: expected
                    ? "requests for it do not need a valid token (no DENY of requests without a request principal, nor ALLOW policies that all require one, at its waypoint)"
                    : "requests for it need a valid token",
                span: nil)
        case .mtls(let expected):
            let mtls = index.mtls(in: namespace)
            guard mtls.mode != expected else { return nil }
            let deciding = mtls.decidingPolicy
            return AssertionFailure(
                message: "namespace \(namespace)'s mTLS mode is \(mtls.mode.rawValue)"
                    + (deciding.map { " (set by PeerAuthentication \($0.resource.namespace ?? "")/\($0.resource.name))" } ?? " (ambient's default)")
                    + ", not \(expected.rawValue)",
                span: nil, related: deciding.map { [RelatedLocation("the deciding PeerAuthentication", in: $0.resource, at: $0.mtlsMode?.span)] } ?? [])
        case .waypointReplicas(let min):
            let waypoints = self.waypoints(for: resource, namespace: namespace, index: index)
            guard !waypoints.isEmpty else { return AssertionFailure(message: "no waypoint serves it", span: nil) }
            guard min > 1 else { return nil }
            for waypoint in waypoints where !index.scaling(of: waypoint).hasSeveralReplicas {
                return AssertionFailure(
                    message: "waypoint \(waypoint.key) runs a single replica; at least \(min) are required", span: nil,
                    related: [RelatedLocation("the waypoint", in: waypoint.gateway.resource)])
            }
            return nil
        case .pdb(let expected):
            let waypoints = self.waypoints(for: resource, namespace: namespace, index: index)
            guard !waypoints.isEmpty else {
                return expected ? AssertionFailure(message: "no waypoint serves it", span: nil) : nil
            }
            for waypoint in waypoints where (index.scaling(of: waypoint).disruptionBudget != nil) != expected {
                return AssertionFailure(
                    message: expected
                        ? "no PodDisruptionBudget protects waypoint \(waypoint.key)"
                        : "a PodDisruptionBudget protects waypoint \(waypoint.key)",
                    span: nil, related: [RelatedLocation("the waypoint", in: waypoint.gateway.resource)])
            }
            return nil
        }
    }

    /// The waypoint the resource's traffic is bound to. A Namespace is not bound itself: its
    /// `istio.io/use-waypoint` label binds its Services, so its waypoint is the one its Services
    /// inherit from it (with none of them in the input, the waypoint the label names).
    private func boundWaypoint(of resource: Resource, index: MeshIndex) -> Waypoint? {
        guard resource.kind == "Namespace", resource.group.isEmpty else { return index.binding(of: resource).waypoint }
        for (service, waypoint) in index.boundServices(in: resource.name)
        where index.binding(of: service).request?.source == .namespaceLabel {
            return waypoint
        }
        guard let label = resource.labels[WellKnown.useWaypointLabel]?.value, label != "none" else { return nil }
        let home = resource.labels[WellKnown.useWaypointNamespaceLabel]?.value ?? resource.name
        return index.waypoint(ObjectKey(namespace: home, name: label))
    }

    /// The waypoints handling the resource's traffic: its own binding, else (for a namespace) the
    /// waypoints deployed in it.
    private func waypoints(for resource: Resource, namespace: String, index: MeshIndex) -> [Waypoint] {
        if let bound = boundWaypoint(of: resource, index: index) { return [bound] }
        return resource.kind == "Namespace" ? index.waypoints(in: namespace) : []
    }

    private func requestAuthentications(for resource: Resource, namespace: String, index: MeshIndex) -> [RequestAuthenticationView] {
        let waypoints = self.waypoints(for: resource, namespace: namespace, index: index)
        guard !waypoints.isEmpty else { return index.requestAuthentications(in: namespace) }
        let service: ObjectKey? = resource.kind == "Service" ? ObjectKey(namespace: namespace, name: resource.name) : nil
        return waypoints.flatMap { waypoint in
            index.requestAuthentications(at: waypoint).filter { service == nil || $0.covers(service) }.map(\.policy)
        }
    }

    private func tokenRequired(for resource: Resource, namespace: String, index: MeshIndex) -> Bool {
        if resource.kind == "Namespace" {
            let bound = index.tokenRequirements(in: namespace)
            return !bound.isEmpty && bound.allSatisfy(\.requirement.isMandatory)
        }
        guard let waypoint = boundWaypoint(of: resource, index: index) else { return false }
        let service: ObjectKey? = resource.kind == "Service" ? ObjectKey(namespace: namespace, name: resource.name) : nil
        return index.tokenRequirement(at: waypoint, for: service).isMandatory
    }
}

/// The RequestAuthentications whose validated tokens an AuthorizationPolicy's `request.auth.*`
/// conditions read, at one place where the policy is enforced.
///
/// `request.auth.*` attributes exist only for a token that a RequestAuthentication validated at the
/// same proxy. At a waypoint these are the RequestAuthentications enforced there for the same
/// traffic (the same Service, or all of the waypoint's); a policy that reaches no waypoint is read
/// with the RequestAuthentications of its own namespace and of the root namespace.
public struct TokenValidationScope: Sendable {
    public enum Place: Sendable {
        /// The policy is enforced at this waypoint.
        case waypoint(Waypoint)
        /// The policy reaches no waypoint; it is read with the RequestAuthentications of this namespace.
        case namespace(String)
    }

    /// One way the policy reaches the place (one `targetRefs` entry at a waypoint), and the
    /// RequestAuthentications that validate tokens for that traffic.
    public struct Entry: Sendable {
        /// The Service the policy applies to at the waypoint; nil for all of its traffic (or outside waypoints).
        public let service: ObjectKey?
        public let requestAuthentications: [RequestAuthenticationView]

        /// The jwtRules of those RequestAuthentications: one of them must accept a token for `request.auth.*` to be set.
        public var jwtRules: [RequestAuthenticationView.JWTRule] { requestAuthentications.flatMap(\.jwtRules) }
    }

    public let place: Place
    /// Never empty.
    public let entries: [Entry]

    /// The waypoint, when the place is one.
    public var waypoint: Waypoint? {
        if case .waypoint(let waypoint) = place { return waypoint }
        return nil
    }

    /// Every RequestAuthentication of the entries, without repeats, in order.
    public var requestAuthentications: [RequestAuthenticationView] {
        var seen = Set<ResourceOrigin>()
        return entries.flatMap(\.requestAuthentications).filter { seen.insert($0.resource.origin).inserted }
    }
}

extension MeshIndex {
    // MARK: Token validation

    /// Where `policy`'s `request.auth.*` conditions are evaluated, and against the tokens of which
    /// RequestAuthentications: one scope per waypoint the policy is enforced at (sorted by waypoint),
    /// or, when it reaches none, one scope for its namespace.
    public func tokenValidationScopes(of policy: AuthorizationPolicyView) -> [TokenValidationScope] {
        // The waypoints the policy's own targets reach: a lookup, not a scan of every waypoint.
        var reached = Set<ObjectKey>()
        for target in attachment(of: policy).targets {
            switch target.outcome {
            case .waypoint(let waypoint): reached.insert(waypoint.key)
            case .allWaypoints: reached.formUnion(waypoints.map(\.key))
            default: continue
            }
        }
        var scopes: [TokenValidationScope] = []
        for waypoint in waypoints(withKeys: reached) {
            let placements = authorizationPolicies(at: waypoint).filter { $0.policy.resource.origin == policy.resource.origin }
            guard !placements.isEmpty else { continue }
            let authentications = requestAuthentications(at: waypoint)
            let entries = placements.map { placement in
                var seen = Set<ResourceOrigin>()
                let applicable = authentications
                    .filter { $0.overlaps(placement) && seen.insert($0.policy.resource.origin).inserted }
                    .map(\.policy)
                return TokenValidationScope.Entry(service: placement.service, requestAuthentications: applicable)
            }
            scopes.append(TokenValidationScope(place: .waypoint(waypoint), entries: entries))
        }
        guard scopes.isEmpty else { return scopes }
        let namespace = policy.namespace ?? "default"
        let authentications = requestAuthentications(in: namespace)
            + (namespace == rootNamespace ? [] : requestAuthentications(in: rootNamespace))
        return [TokenValidationScope(
            place: .namespace(namespace),
            entries: [TokenValidationScope.Entry(service: nil, requestAuthentications: authentications)])]
    }
}

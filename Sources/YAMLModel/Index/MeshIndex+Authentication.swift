/// An AuthorizationPolicy written to make a token mandatory that does not do so where it is needed:
/// what a finding about an anonymous-friendly RequestAuthentication should point at.
public struct TokenRequirementNearMiss: Sendable {
    public enum Reason: String, Sendable {
        /// Annotated `istio.io/dry-run: "true"`: logged, never enforced.
        case dryRun
        /// `selector` or no target: ztunnel's, which sees no HTTP and so no token (and waypoints ignore it).
        case enforcedByZtunnel
        /// An ALLOW with rules that require a request principal, and one (`rule`) that does not.
        case allowsWithoutToken
    }

    public let policy: AuthorizationPolicyView
    public let reason: Reason
    /// For `allowsWithoutToken`, the rule that admits requests without a token.
    public let rule: AuthorizationRule?

    public init(policy: AuthorizationPolicyView, reason: Reason, rule: AuthorizationRule? = nil) {
        self.policy = policy
        self.reason = reason
        self.rule = rule
    }

    /// Where a finding's related location points: the rule, else the policy's name.
    public var span: Span { rule?.span ?? policy.resource.nameSpan }
}

extension AuthorizationPolicyView {
    /// True when the policy, enforced as written by an HTTP proxy, turns away requests without a valid
    /// JWT: a DENY with `notRequestPrincipals: ["*"]`, or an ALLOW whose every rule requires a request
    /// principal (or a `request.auth.*` condition). The same test `tokenRequirement(at:for:)` applies.
    public var requiresTokenAsWritten: Bool {
        switch action {
        case .deny?: rules.contains(where: \.deniesRequestsWithoutToken)
        case .allow?: !hasNoRules && rules.allSatisfy(\.requiresRequestPrincipal)
        default: false
        }
    }
}

extension MeshIndex {
    // MARK: Authentication

    /// The workloads a ztunnel-scoped policy applies to: those its `selector` matches (in its
    /// namespace, or in every namespace from the root namespace), every workload of its namespace
    /// (no selector, no target), or every workload (mesh-wide). Empty for `targetRefs` policies.
    public func workloads(coveredBy policy: some WorkloadPolicyView) -> [WorkloadView] {
        let namespace = policy.namespace ?? "default"
        switch attachment(of: policy).scope {
        case .workloadSelector:
            guard let selector = policy.selector else { return [] }
            let candidates = namespace == rootNamespace ? workloads : (workloadsByNamespace[namespace] ?? [])
            return candidates.filter { selector.matches($0.podLabelValues) }
        case .namespace:
            return workloadsByNamespace[namespace] ?? []
        case .mesh:
            return workloads
        case .targetRefs, .selectorAndTargetRefs:
            return []
        }
    }

    /// The waypoints in `namespace`, sorted by name.
    public func waypoints(in namespace: String) -> [Waypoint] {
        waypointsByNamespace[namespace] ?? []
    }

    /// The Services and ServiceEntries of `namespace` that are bound to a waypoint, with it, in input order.
    /// The waypoints serving a namespace: those its Services are bound to; else the one its
    /// `istio.io/use-waypoint` label names (also when none of its Services is in the input); else
    /// those deployed in it. Sorted by key.
    public func waypoints(serving namespace: String) -> [Waypoint] {
        var seen = Set<ObjectKey>()
        var found = boundServices(in: namespace).map(\.waypoint).filter { seen.insert($0.key).inserted }
        let labels = self.namespace(namespace).labelSource
        if found.isEmpty, let label = labels?[WellKnown.useWaypointLabel]?.value, label != "none" {
            let home = labels?[WellKnown.useWaypointNamespaceLabel]?.value ?? namespace
            if let named = waypoint(ObjectKey(namespace: home, name: label)) { found.append(named) }
        }
        if found.isEmpty { found = waypoints(in: namespace) }
        return found.sorted { $0.key < $1.key }
    }

    /// Whether requests need a token, for each Service of `namespace` bound to a waypoint.
    public func tokenRequirements(in namespace: String) -> [(service: Resource, requirement: TokenRequirement)] {
        boundServices(in: namespace).map { entry in
            (entry.service, tokenRequirement(at: entry.waypoint, for: ObjectKey(namespace: namespace, name: entry.service.name)))
        }
    }

    public func boundServices(in namespace: String) -> [(service: Resource, waypoint: Waypoint)] {
        let resources = (servicesByNamespace[namespace] ?? []).map(\.resource)
            + (serviceEntriesByNamespace[namespace] ?? []).map(\.resource)
        return resources.compactMap { resource in
            guard let waypoint = binding(of: resource).waypoint else { return nil }
            return (resource, waypoint)
        }
    }

    /// AuthorizationPolicies that look like they require a token for `service` (nil: all traffic) at
    /// `waypoint` but do not: dry-run ones enforced there, ALLOW ones there with a rule that needs no
    /// token beside rules that do, and ztunnel-scoped ones in the waypoint's or the service's namespace
    /// (or mesh-wide), which no waypoint applies.
    public func tokenRequirementNearMisses(at waypoint: Waypoint, for service: ObjectKey?) -> [TokenRequirementNearMiss] {
        let atWaypoint = authorizationPolicies(at: waypoint).filter { $0.covers(service) }.map(\.policy)
        var result = atWaypoint
            .filter { $0.isDryRun && $0.requiresTokenAsWritten }
            .map { TokenRequirementNearMiss(policy: $0, reason: .dryRun) }
        for policy in atWaypoint where !policy.isDryRun && policy.action == .allow {
            let rules = policy.rules
            guard rules.contains(where: \.requiresRequestPrincipal),
                  let open = rules.first(where: { !$0.requiresRequestPrincipal })
            else { continue }
            result.append(TokenRequirementNearMiss(policy: policy, reason: .allowsWithoutToken, rule: open))
        }
        var namespaces = [waypoint.namespace]
        if let serviceNamespace = service?.namespace, !namespaces.contains(serviceNamespace) { namespaces.append(serviceNamespace) }
        if !namespaces.contains(rootNamespace) { namespaces.append(rootNamespace) }
        for namespace in namespaces {
            for policy in authorizationPolicies(in: namespace) where !policy.isDryRun && policy.requiresTokenAsWritten {
                let attachment = attachment(of: policy)
                // From the root namespace only the mesh-wide ones: its selector policies select other workloads.
                guard namespace == rootNamespace ? attachment.scope == .mesh : attachment.isEnforcedByZtunnel else { continue }
                result.append(TokenRequirementNearMiss(policy: policy, reason: .enforcedByZtunnel))
            }
        }
        return result
    }
}

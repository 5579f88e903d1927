extension MeshIndex {
    // MARK: Waypoints and what they serve

    /// The waypoints with these keys, sorted by namespace and name.
    public func waypoints(withKeys keys: Set<ObjectKey>) -> [Waypoint] {
        keys.sorted().compactMap { waypoint($0) }
    }

    /// The Services, ServiceEntries and workloads bound to `waypoint`.
    public func resourcesBound(to waypoint: Waypoint) -> [Resource] {
        boundToWaypoint[waypoint.key] ?? []
    }

    /// AuthorizationPolicies enforced at `waypoint` (targeting it, a Service bound to it, or the class).
    public func authorizationPolicies(at waypoint: Waypoint) -> [WaypointPolicy<AuthorizationPolicyView>] {
        (authorizationPoliciesAtWaypoint[waypoint.key] ?? []) + classWideAuthorizationPolicies
    }

    /// RequestAuthentications enforced at `waypoint`.
    public func requestAuthentications(at waypoint: Waypoint) -> [WaypointPolicy<RequestAuthenticationView>] {
        (requestAuthenticationsAtWaypoint[waypoint.key] ?? []) + classWideRequestAuthentications
    }

    public func requestAuthentications(in namespace: String) -> [RequestAuthenticationView] {
        requestAuthenticationsByNamespace[namespace] ?? []
    }

    /// Whether requests for `service` (nil: all of the waypoint's traffic) need a token at `waypoint`:
    /// a DENY with `notRequestPrincipals: ["*"]`, or ALLOW policies whose every rule requires a request
    /// principal or a `request.auth.*` condition. Dry-run policies enforce nothing.
    public func tokenRequirement(at waypoint: Waypoint, for service: ObjectKey?) -> TokenRequirement {
        let policies = authorizationPolicies(at: waypoint).filter { $0.covers(service) && !$0.policy.isDryRun }
        let denies = policies.filter { $0.policy.action == .deny && $0.policy.rules.contains(where: \.deniesRequestsWithoutToken) }
        if !denies.isEmpty { return TokenRequirement(isMandatory: true, enforcedBy: denies.map(\.policy)) }
        let allows = policies.filter { $0.policy.action == .allow }
        if !allows.isEmpty, allows.allSatisfy({ $0.policy.rules.allSatisfy(\.requiresRequestPrincipal) }) {
            return TokenRequirement(isMandatory: true, enforcedBy: allows.map(\.policy))
        }
        return TokenRequirement(isMandatory: false, enforcedBy: [])
    }

    // MARK: Workloads and services

    /// The workloads of a namespace, in input order.
    public func workloads(in namespace: String) -> [WorkloadView] {
        workloadsByNamespace[namespace] ?? []
    }

    /// The workloads a selector policy in `namespace` applies to (in every namespace from the root).
    public func workloads(selectedBy selector: LabelSelector, policyNamespace namespace: String) -> [WorkloadView] {
        let candidates = namespace == rootNamespace ? workloads : self.workloads(in: namespace)
        return candidates.filter { selector.matches($0.podLabelValues) }
    }

    /// The workloads whose pods a Service selects (same namespace).
    public func workloads(behind service: ServiceView) -> [WorkloadView] {
        guard let selector = service.selector else { return [] }
        return (workloadsByNamespace[service.namespace ?? ""] ?? []).filter { selector.matches($0.podLabelValues) }
    }

    /// The Services that select a workload's pods.
    public func services(selecting workload: WorkloadView) -> [ServiceView] {
        let labels = workload.podLabelValues
        return (servicesByNamespace[workload.namespace ?? ""] ?? []).filter { $0.selector?.matches(labels) ?? false }
    }

    /// The identity a workload's pods run as.
    public func identity(of workload: WorkloadView) -> MeshIdentity {
        MeshIdentity(namespace: workload.namespace ?? "default", serviceAccount: workload.serviceAccount)
    }

    /// The waypoints a workload's inbound traffic passes through: those of the bound Services that
    /// select it, and its own when it is bound (for pod-addressed traffic).
    public func waypoints(inFrontOf workload: WorkloadView) -> [Waypoint] {
        var seen = Set<ObjectKey>()
        var result: [Waypoint] = []
        let candidates = services(selecting: workload).compactMap { binding(of: $0.resource).waypoint }
            + [binding(of: workload.resource).waypoint].compactMap { $0 }
        for waypoint in candidates where seen.insert(waypoint.key).inserted { result.append(waypoint) }
        return result
    }

    /// The AuthorizationPolicies of `namespace` (and the root namespace) with `selector: {}`:
    /// enforced by no ztunnel, though a sidecar would apply them to every pod.
    public func emptySelectorPolicies(affecting namespace: String) -> [AuthorizationPolicyView] {
        let candidates = authorizationPolicies(in: namespace) + (namespace == rootNamespace ? [] : authorizationPolicies(in: rootNamespace))
        return candidates.filter(hasEmptyWorkloadSelector)
    }

    /// True when `policy` is a selector policy whose selector has no labels (`selector: {}`): a
    /// sidecar applies it to every pod, ztunnel to none.
    public func hasEmptyWorkloadSelector(_ policy: AuthorizationPolicyView) -> Bool {
        attachment(of: policy).scope == .workloadSelector && policy.selector?.isEmptyWorkloadSelector == true
    }

    /// The AuthorizationPolicies ztunnel applies to a workload: selector policies that match its pod
    /// labels (from its namespace, or the root namespace for every namespace), its namespace's
    /// namespace-wide policies, and the root namespace's mesh-wide ones. A `selector: {}` (no labels)
    /// attaches to no workload in ambient: istiod gives the policy workload-selector scope
    /// (ambient `authorization.go` `convertAuthorizationPolicy`) and attaches selector policies only
    /// when their selector is not empty (krt `FilterSelectsNonEmpty`), so ztunnel never receives it.
    public func ztunnelPolicies(for workload: WorkloadView) -> [AuthorizationPolicyView] {
        let namespace = workload.namespace ?? "default"
        let labels = workload.podLabelValues
        let candidates = authorizationPolicies(in: namespace)
            + (namespace == rootNamespace ? [] : authorizationPolicies(in: rootNamespace))
        return candidates.filter { policy in
            switch attachment(of: policy).scope {
            case .namespace, .mesh: return true
            case .workloadSelector: return !hasEmptyWorkloadSelector(policy) && (policy.selector?.matches(labels) ?? false)
            case .targetRefs, .selectorAndTargetRefs: return false
            }
        }
    }
}

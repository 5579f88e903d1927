/// Where an AuthorizationPolicy or RequestAuthentication takes effect: ztunnel, a waypoint, or nowhere.
public struct PolicyAttachment: Sendable {
    public enum Scope: String, Sendable {
        /// `selector`: ztunnel, for the matching ambient workloads (in every namespace from the root namespace).
        case workloadSelector
        /// No selector, no targetRefs: ztunnel, for every ambient workload of the namespace.
        case namespace
        /// No selector, no targetRefs, in the root namespace: ztunnel, mesh-wide.
        case mesh
        /// `targetRefs`: only the waypoints or gateways the refs reach.
        case targetRefs
        /// Both `selector` and `targetRefs`: rejected by istiod's validation, enforced nowhere.
        case selectorAndTargetRefs
    }

    public let scope: Scope
    /// Each `targetRefs` entry and what it reaches (empty unless the scope is `targetRefs`).
    public let targets: [ResolvedTarget]

    /// True for policies ztunnel enforces (L4 only; waypoints ignore them).
    public var isEnforcedByZtunnel: Bool {
        scope == .workloadSelector || scope == .namespace || scope == .mesh
    }

    /// The waypoints the targets reach, without repeats, in target order.
    public var waypoints: [Waypoint] {
        var seen = Set<ObjectKey>()
        var result: [Waypoint] = []
        for target in targets {
            if case .waypoint(let waypoint) = target.outcome, seen.insert(waypoint.key).inserted {
                result.append(waypoint)
            }
        }
        return result
    }

    /// True when the input shows the policy is enforced by nothing at all.
    public var isEnforcedNowhere: Bool {
        switch scope {
        case .selectorAndTargetRefs: return true
        case .targetRefs: return targets.allSatisfy(\.outcome.reachesNothing)
        default: return false
        }
    }
}

/// One `targetRefs` entry, resolved against the input.
public struct ResolvedTarget: Sendable {
    public enum Outcome: Sendable {
        /// A waypoint Gateway, or a Service or ServiceEntry bound to this waypoint.
        case waypoint(Waypoint)
        /// GatewayClass `istio-waypoint` from the root namespace: every waypoint of the mesh.
        case allWaypoints
        /// A Gateway that is not a waypoint (an ingress or egress gateway) enforces it.
        case gateway(GatewayView)
        /// A Service or ServiceEntry that no waypoint serves: nothing enforces the policy for it.
        case serviceWithoutWaypoint(Resource, WaypointBinding)
        /// The named object is not in the input. When the absence is conclusive it does not exist
        /// (its namespace is declared complete, or the name is a near miss of one the input holds);
        /// otherwise it may be defined elsewhere and what enforces the policy is unknown.
        case notFound(Absence)
        /// The input cannot tell (e.g. the Service's waypoint lives in a namespace not in the input).
        case unresolved
        /// istiod rejects this reference; the reason says why.
        case invalid(String)

        /// True when this target certainly enforces nothing.
        public var reachesNothing: Bool {
            switch self {
            case .serviceWithoutWaypoint, .invalid: true
            case .notFound(let absence): absence.isConclusive
            case .waypoint, .allWaypoints, .gateway, .unresolved: false
            }
        }
    }

    public let ref: PolicyTargetRef
    public let outcome: Outcome
    /// For a ref to a Service or ServiceEntry, that object: the policy applies at the waypoint only
    /// to traffic for it. nil for a Gateway or GatewayClass ref (all traffic of the waypoint).
    public let service: ObjectKey?

    public init(ref: PolicyTargetRef, outcome: Outcome, service: ObjectKey?) {
        self.ref = ref
        self.outcome = outcome
        self.service = service
    }
}

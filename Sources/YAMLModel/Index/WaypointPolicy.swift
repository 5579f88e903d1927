/// A policy enforced at a waypoint, and for which traffic: one Service (or ServiceEntry) when it
/// targets that Service, else everything the waypoint serves.
public struct WaypointPolicy<View: WorkloadPolicyView>: Sendable {
    public let policy: View
    /// The `targetRefs` entry through which the policy reaches the waypoint.
    public let target: ResolvedTarget

    /// The Service the policy applies to at the waypoint; nil for all of the waypoint's traffic.
    public var service: ObjectKey? { target.service }

    /// True when the policy applies to traffic for `service` (nil: to all of the waypoint's traffic).
    public func covers(_ service: ObjectKey?) -> Bool {
        self.service == nil || self.service == service
    }

    /// True when the two policies can apply to the same request.
    public func overlaps<Other>(_ other: WaypointPolicy<Other>) -> Bool {
        service == nil || other.service == nil || service == other.service
    }
}

/// Whether a request without a token can pass a waypoint: the question `RequestAuthentication`
/// leaves open, since it accepts a missing token as anonymous.
public struct TokenRequirement: Sendable {
    /// True when some policy at the waypoint turns away requests without a valid JWT.
    public let isMandatory: Bool
    /// The policies that make it mandatory.
    public let enforcedBy: [AuthorizationPolicyView]
}

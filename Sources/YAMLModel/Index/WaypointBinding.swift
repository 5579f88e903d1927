/// Whether a Service, ServiceEntry or workload sends its traffic through a waypoint, and why.
public struct WaypointBinding: Sendable {
    public enum Source: String, Sendable { case ownLabel, namespaceLabel }

    /// The labels that ask for a waypoint.
    public struct Request: Sendable {
        /// The `istio.io/use-waypoint` label.
        public let label: Spanned<String>.Entry
        /// The `istio.io/use-waypoint-namespace` label beside it, for a waypoint in another namespace.
        public let namespaceLabel: Spanned<String>.Entry?
        public let source: Source
        /// The Gateway the labels name.
        public let waypointKey: ObjectKey
    }

    public enum Status: Sendable {
        /// No `istio.io/use-waypoint` label applies.
        case notRequested
        /// The label says `none`.
        case optedOut
        case bound(Waypoint)
        /// The named Gateway does not exist: its namespace is declared complete, or the name is a
        /// near miss of a Gateway the input holds.
        case waypointNotFound
        /// The named Gateway is not in the input although some of its namespace's manifests are:
        /// it may be defined elsewhere, so whether the object is bound is unknown.
        case waypointNotInInput
        /// The named Gateway's namespace is not in the input: the binding cannot be judged.
        case unresolved
        /// The waypoint's `waypoint-for` does not take this kind of traffic.
        case trafficTypeNotAccepted(Waypoint)
        /// A waypoint in another namespace whose HBONE listener does not allow this namespace.
        case namespaceNotAllowed(Waypoint)
    }

    public let request: Request?
    public let status: Status

    /// The waypoint traffic goes through, when bound.
    public var waypoint: Waypoint? {
        if case .bound(let waypoint) = status { return waypoint }
        return nil
    }

    /// true when bound, false when not, nil when the input cannot tell.
    public var isBound: Bool? {
        switch status {
        case .bound: true
        case .unresolved, .waypointNotInInput: nil
        default: false
        }
    }

    static let notRequested = WaypointBinding(request: nil, status: .notRequested)
}

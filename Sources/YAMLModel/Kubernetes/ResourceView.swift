/// A read-only, typed reading of one kind of resource. Every field a view returns keeps its span.
public protocol ResourceView: Sendable {
    /// The kinds this view reads.
    static var groupKinds: Set<GroupKind> { get }
    var resource: Resource { get }
    init(unchecked resource: Resource)
}

extension ResourceView {
    /// The view of `resource`, or nil when it is of another kind.
    public init?(_ resource: Resource) {
        guard Self.groupKinds.contains(resource.groupKind) else { return nil }
        self.init(unchecked: resource)
    }

    public var name: String { resource.name }
    public var namespace: String? { resource.namespace }
    public var labels: Labels { resource.labels }
    public var annotations: Labels { resource.annotations }
    public var spec: Node? { resource.node["spec"] }
    public var key: ObjectKey { ObjectKey(namespace: resource.namespace, name: resource.name) }
}

/// A namespace and name: how objects refer to each other.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let namespace: String?
    public let name: String

    public init(namespace: String?, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { namespace.map { "\($0)/\(name)" } ?? name }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace ?? "", lhs.name) < (rhs.namespace ?? "", rhs.name)
    }
}

/// Several objects of one kind with one namespace and name in a scan: environment folders, patches,
/// copies. Applied to one cluster, the last one applied wins, which no path order can tell.
public struct DuplicateResources: Sendable {
    public let groupKind: GroupKind
    public let key: ObjectKey
    /// Every copy, in input order.
    public let copies: [Resource]
    /// The parts in which the copies differ (`metadata.labels`, `spec`, ...), sorted; empty when
    /// they are the same object written twice.
    public let differences: [String]

    /// True when the copies disagree on their labels: enrollment and waypoint bindings read them.
    public var labelsDiffer: Bool { differences.contains("metadata.labels") }

    /// True when the copies disagree on their labels or `spec`: what a Gateway serves, or a
    /// policy enforces. Annotations (a sync wave, an owner) change neither.
    public var specOrLabelsDiffer: Bool { labelsDiffer || differences.contains("spec") }

    /// Groups the resources that share kind, namespace and name, in input order of their first copy.
    static func find(in resources: [Resource]) -> [DuplicateResources] {
        struct Identity: Hashable {
            let groupKind: GroupKind
            let key: ObjectKey
        }
        var groups: [Identity: [Resource]] = [:]
        var order: [Identity] = []
        // Objects named by `generateName` get names of their own, and objects without
        // metadata.namespace land wherever they are applied: neither is a copy of another.
        for resource in resources where !resource.name.isEmpty && resource.metadata?["name"] != nil
            && (resource.namespaceIsExplicit || resource.namespace == nil) {
            let identity = Identity(groupKind: resource.groupKind, key: ObjectKey(namespace: resource.namespace, name: resource.name))
            if groups[identity] == nil { order.append(identity) }
            groups[identity, default: []].append(resource)
        }
        return order.compactMap { identity in
            guard let copies = groups[identity], copies.count > 1 else { return nil }
            return DuplicateResources(
                groupKind: identity.groupKind, key: identity.key, copies: copies, differences: differences(among: copies))
        }
    }

    /// The top-level parts (and labels and annotations) that are not the same in every copy.
    private static func differences(among copies: [Resource]) -> [String] {
        var parts = Set<String>()
        let first = copies[0].node
        for copy in copies.dropFirst() {
            for key in ["labels", "annotations"] where !same(first["metadata", key], copy.node["metadata", key]) {
                parts.insert("metadata.\(key)")
            }
            let keys = Set(first.pairs.compactMap(\.key.scalar) + copy.node.pairs.compactMap(\.key.scalar))
                .subtracting(["apiVersion", "kind", "metadata", "status"])
            for key in keys where !same(first[key], copy.node[key]) { parts.insert(key) }
        }
        return parts.sorted()
    }

    /// Structural equality: the same scalars, items in order, and the same keys with equal values
    /// in any order. Styles, spans and comments do not count.
    static func same(_ lhs: Node?, _ rhs: Node?) -> Bool {
        guard let lhs, let rhs else { return (lhs?.isNull ?? true) && (rhs?.isNull ?? true) }
        guard lhs.kind == rhs.kind else { return false }
        switch lhs.kind {
        case .scalar:
            return lhs.scalar == rhs.scalar
        case .sequence:
            let left = lhs.items, right = rhs.items
            guard left.count == right.count else { return false }
            return zip(left, right).allSatisfy { same($0, $1) }
        case .mapping:
            let left = lhs.pairs, right = rhs.pairs
            guard left.count == right.count else { return false }
            // One pass to index the right side: a lookup per key would be quadratic on a large map.
            var values: [String: Node] = [:]
            for pair in right {
                guard let key = pair.key.scalar, values.updateValue(pair.value, forKey: key) == nil else { return false }
            }
            return left.allSatisfy { pair in
                guard let key = pair.key.scalar else { return false }
                return same(pair.value, values[key])
            }
        }
    }
}

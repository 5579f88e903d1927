/// A sequence's items, read in place from the file's `NodeStore`.
///
/// An array literal makes a list too (`node["items"]?.items ?? []`), which is why a list can also
/// hold nodes of its own.
public struct NodeList: RandomAccessCollection, ExpressibleByArrayLiteral, Sendable {
    private enum Storage: Sendable {
        case stored(NodeStore, collection: NodeRecord)
        case nodes([Node])
    }

    private let storage: Storage
    public let count: Int

    init(store: NodeStore, collection: NodeRecord, count: Int) {
        storage = .stored(store, collection: collection)
        self.count = count
    }

    public init(arrayLiteral elements: Node...) {
        storage = .nodes(elements)
        count = elements.count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Node {
        precondition(position >= 0 && position < count, "NodeList index out of range")
        switch storage {
        case .stored(let store, let collection): return Node(store: store, index: store.childIndex(of: collection, position))
        case .nodes(let nodes): return nodes[position]
        }
    }
}

/// A mapping's entries in source order, read in place from the file's `NodeStore`.
public struct PairList: RandomAccessCollection, ExpressibleByArrayLiteral, Sendable {
    private enum Storage: Sendable {
        case stored(NodeStore, collection: NodeRecord)
        case pairs([Node.Pair])
    }

    private let storage: Storage
    public let count: Int

    init(store: NodeStore, collection: NodeRecord, count: Int) {
        storage = .stored(store, collection: collection)
        self.count = count
    }

    public init(arrayLiteral elements: Node.Pair...) {
        storage = .pairs(elements)
        count = elements.count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Node.Pair {
        precondition(position >= 0 && position < count, "PairList index out of range")
        switch storage {
        case .stored(let store, let collection):
            return Node.Pair(
                key: Node(store: store, index: store.childIndex(of: collection, 2 * position)),
                value: Node(store: store, index: store.childIndex(of: collection, 2 * position + 1)))
        case .pairs(let pairs):
            return pairs[position]
        }
    }
}

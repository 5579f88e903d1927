/// A sequence's items, read in place from the file's `NodeStore`.
///
/// An array literal makes a list too (`node["items"]?.items ?? []`), which is why a list can also
/// hold nodes of its own.
public struct NodeList: RandomAccessCollection, ExpressibleByArrayLiteral, Sendable {
    private enum Storage: Sendable {
        case stored(NodeStore, first: Int)
        case nodes([Node])
    }

    private let storage: Storage
    public let count: Int

    init(store: NodeStore, first: Int, count: Int) {
        storage = .stored(store, first: first)
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
        case .stored(let store, let first): return Node(store: store, index: store.child(at: first + position))
        case .nodes(let nodes): return nodes[position]
        }
    }
}

/// A mapping's entries in source order, read in place from the file's `NodeStore`.
public struct PairList: RandomAccessCollection, ExpressibleByArrayLiteral, Sendable {
    private enum Storage: Sendable {
        case stored(NodeStore, first: Int)
        case pairs([Node.Pair])
    }

    private let storage: Storage
    public let count: Int

    init(store: NodeStore, first: Int, count: Int) {
        storage = .stored(store, first: first)
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
        case .stored(let store, let first):
            let keyPosition = first + 2 * position
            return Node.Pair(
                key: Node(store: store, index: store.child(at: keyPosition)),
                value: Node(store: store, index: store.child(at: keyPosition + 1)))
        case .pairs(let pairs):
            return pairs[position]
        }
    }
}

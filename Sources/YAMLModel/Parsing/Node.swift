/// One YAML node (scalar, sequence or mapping) with its exact span, tag and style.
///
/// A node is a position in its file's `NodeStore`, so copying one costs a reference, and an alias
/// is the anchored node itself rather than a copy, which is what keeps an alias bomb cheap to
/// represent (its *expansion* is still counted and capped).
public struct Node: Sendable {
    public enum Kind: Sendable, Equatable { case scalar, sequence, mapping }

    public enum Style: Sendable, Equatable {
        case plain, singleQuoted, doubleQuoted, literal, folded
        case block, flow
    }

    /// A key and its value in a mapping, in source order.
    public struct Pair: Sendable {
        public let key: Node
        public let value: Node
    }

    let store: NodeStore
    let index: Int

    /// The nodes kept for this node's file and the bytes they take (for `--timings`).
    public var fileStorage: (nodes: Int, bytes: Int) {
        (store.recordCount, store.footprint)
    }

    init(store: NodeStore, index: Int) {
        self.store = store
        self.index = index
    }

    public var kind: Kind { store.kind(index) }
    public var style: Style { store.record(index).style }
    public var span: Span { store.span(index) }

    /// The explicit tag, expanded (`!!str` is `tag:yaml.org,2002:str`); nil when the tag was implicit.
    public var tag: String? { store.tag(index) }

    /// Nodes in this subtree, itself included, with every alias expanded.
    var subtreeSize: Int { store.subtreeSize(index) }

    // MARK: Scalars

    /// The scalar's text, whatever it resolves to; nil for collections.
    public var scalar: String? {
        kind == .scalar ? store.text(index) : nil
    }

    /// True for an explicit or implicit null (`~`, `null`, an empty plain value).
    public var isNull: Bool {
        let record = store.record(index)
        guard record.kind == .scalar else { return false }
        if record.isTagged { return store.tag(index) == "tag:yaml.org,2002:null" }
        guard record.style == .plain else { return false }
        switch store.count(index) {
        case 0: return true
        case 1: return store.scalarEquals(index, "~")
        case 4: return store.scalarEquals(index, "null") || store.scalarEquals(index, "Null") || store.scalarEquals(index, "NULL")
        default: return false
        }
    }

    /// The scalar's text unless it is null: the reading every Kubernetes string field uses.
    public var string: String? {
        isNull ? nil : scalar
    }

    /// The scalar as an integer, when it is one (Kubernetes accepts `3` and, for int-or-string, `"3"`).
    public var int: Int? {
        guard let text = string else { return nil }
        return Int(text)
    }

    /// The scalar as a boolean (YAML 1.2 core spellings, which is what Kubernetes' decoder accepts).
    public var bool: Bool? {
        switch string {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    /// True when this is a scalar whose text is exactly `text`, compared byte for byte without
    /// building a string.
    public func scalarIs(_ text: String) -> Bool {
        store.scalarEquals(index, text)
    }

    /// True when this is a scalar whose text begins with `prefix`, compared byte for byte.
    public func scalarHasPrefix(_ prefix: String) -> Bool {
        var prefix = prefix
        return prefix.withUTF8 { store.scalarHasPrefix(index, $0) }
    }

    // MARK: Collections

    /// A sequence's items; empty for anything else.
    public var items: NodeList {
        guard store.kind(index) == .sequence else { return [] }
        return NodeList(store: store, collection: store.record(index), count: store.count(index))
    }

    /// A mapping's entries in source order; empty for anything else.
    public var pairs: PairList {
        guard store.kind(index) == .mapping else { return [] }
        return PairList(store: store, collection: store.record(index), count: store.count(index))
    }

    /// The number of items or entries; 0 for a scalar.
    public var count: Int {
        kind == .scalar ? 0 : store.count(index)
    }

    /// The entry of a mapping whose key is the scalar `key` (the first one: a duplicate is a finding).
    public func pair(_ key: String) -> Pair? {
        guard store.kind(index) == .mapping, let entry = store.entry(inMapping: index, key: key) else { return nil }
        return Pair(key: Node(store: store, index: entry.key), value: Node(store: store, index: entry.value))
    }

    /// The value under `key` in a mapping.
    public subscript(key: String) -> Node? {
        guard store.kind(index) == .mapping, let entry = store.entry(inMapping: index, key: key) else { return nil }
        return Node(store: store, index: entry.value)
    }

    /// The value under a path of keys, e.g. `node["spec", "selector", "matchLabels"]`.
    public subscript(path: String...) -> Node? {
        var node: Node? = self
        for key in path { node = node?[key] }
        return node
    }

    /// The string under `key`, with its spans.
    public func spannedString(_ key: String) -> Spanned<String>? {
        guard let pair = pair(key), let text = pair.value.string else { return nil }
        return Spanned(text, span: pair.value.span, keySpan: pair.key.span)
    }

    /// The integer under `key`, with its spans.
    public func spannedInt(_ key: String) -> Spanned<Int>? {
        guard let pair = pair(key), let number = pair.value.int else { return nil }
        return Spanned(number, span: pair.value.span, keySpan: pair.key.span)
    }

    /// The strings of a sequence under `key` (a lone scalar is not accepted: Kubernetes rejects it).
    public func spannedStrings(_ key: String) -> [Spanned<String>] {
        guard let node = self[key] else { return [] }
        return node.items.compactMap { item in item.string.map { Spanned($0, span: item.span) } }
    }

    /// A mapping of strings (labels, annotations, matchLabels) with the spans of each key and value.
    public var stringMap: [Spanned<String>.Entry] {
        pairs.compactMap { pair in
            guard let key = pair.key.scalar else { return nil }
            return Spanned<String>.Entry(
                key: key, value: pair.value.string ?? "", keySpan: pair.key.span, valueSpan: pair.value.span)
        }
    }
}

extension Spanned where Value == String {
    /// One entry of a string map, e.g. one label.
    public struct Entry: Sendable, Hashable {
        public let key: String
        public let value: String
        public let keySpan: Span
        public let valueSpan: Span

        public var spannedValue: Spanned<String> { Spanned(value, span: valueSpan, keySpan: keySpan) }
        public var entrySpan: Span { keySpan.union(valueSpan) }
    }
}

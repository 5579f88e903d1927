/// One YAML node (scalar, sequence or mapping) with its exact span, tag and style.
///
/// Nodes are values: an alias shares the anchored node's storage instead of copying it, which is
/// what keeps an alias bomb cheap to represent (its *expansion* is still counted and capped).
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

    enum Content: Sendable {
        case scalar(String)
        case sequence([Node])
        case mapping([Pair])
    }

    let content: Content
    public let span: Span
    /// The explicit tag, expanded (`!!str` is `tag:yaml.org,2002:str`); nil when the tag was implicit.
    public let tag: String?
    public let style: Style
    /// Nodes in this subtree, itself included: what an alias to it expands to.
    public let subtreeSize: Int

    init(content: Content, span: Span, tag: String?, style: Style, subtreeSize: Int) {
        self.content = content
        self.span = span
        self.tag = tag
        self.style = style
        self.subtreeSize = subtreeSize
    }

    public var kind: Kind {
        switch content {
        case .scalar: .scalar
        case .sequence: .sequence
        case .mapping: .mapping
        }
    }

    // MARK: Scalars

    /// The scalar's text, whatever it resolves to; nil for collections.
    public var scalar: String? {
        if case .scalar(let text) = content { return text }
        return nil
    }

    /// True for an explicit or implicit null (`~`, `null`, an empty plain value).
    public var isNull: Bool {
        guard case .scalar(let text) = content else { return false }
        if let tag { return tag == "tag:yaml.org,2002:null" }
        guard style == .plain else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
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

    // MARK: Collections

    /// A sequence's items; empty for anything else.
    public var items: [Node] {
        if case .sequence(let items) = content { return items }
        return []
    }

    /// A mapping's entries in source order; empty for anything else.
    public var pairs: [Pair] {
        if case .mapping(let pairs) = content { return pairs }
        return []
    }

    /// The number of items or entries; 0 for a scalar.
    public var count: Int {
        switch content {
        case .scalar: 0
        case .sequence(let items): items.count
        case .mapping(let pairs): pairs.count
        }
    }

    /// The entry of a mapping whose key is the scalar `key` (the first one: a duplicate is a finding).
    public func pair(_ key: String) -> Pair? {
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs where pair.key.scalar == key {
            return pair
        }
        return nil
    }

    /// The value under `key` in a mapping.
    public subscript(key: String) -> Node? {
        pair(key)?.value
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

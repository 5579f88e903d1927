/// Where a resource came from: a file, a document in it, and an item of a `kind: List`.
public struct ResourceOrigin: Sendable, Hashable, Comparable {
    public let file: String
    // 32-bit positions: every resource and finding carries an origin.
    private let storedDocument: Int32
    /// -1 for a resource that is a document of its own.
    private let storedListItem: Int32

    public var document: Int { Int(storedDocument) }
    /// The position in a `kind: List`'s `items`, or nil for a resource that is a document of its own.
    public var listItem: Int? { storedListItem < 0 ? nil : Int(storedListItem) }
    /// For a document of rendered Helm output, the template it came from (its `# Source:` comment)
    /// and the line before the document's first: findings are reported against the template path,
    /// at the line inside the rendered document, so they can be traced back.
    public let renderedSource: RenderedSource?

    public init(file: String, document: Int, listItem: Int? = nil, renderedSource: RenderedSource? = nil) {
        self.file = file
        storedDocument = Int32(clamping: document)
        storedListItem = listItem.map { Int32(clamping: $0) } ?? -1
        self.renderedSource = renderedSource
    }

    public static func < (lhs: ResourceOrigin, rhs: ResourceOrigin) -> Bool {
        (lhs.file, lhs.document, lhs.listItem ?? -1) < (rhs.file, rhs.document, rhs.listItem ?? -1)
    }
}

/// Where a document of rendered Helm output came from: `# Source: chart/templates/x.yaml`.
public struct RenderedSource: Sendable, Hashable {
    /// The template path as Helm wrote it.
    public let template: String
    /// Lines of the stream before the document's first line.
    public let lineOffset: Int

    public init(template: String, lineOffset: Int) {
        self.template = template
        self.lineOffset = lineOffset
    }
}

/// One Kubernetes object read from the input: its identity and its whole YAML node.
///
/// A class, immutable: every view, index table and finding that refers to a resource shares it,
/// so handing one around costs a reference, not a copy of its strings.
public final class Resource: Sendable {
    public let apiVersion: String
    public var kind: String { groupKind.kind }
    /// `metadata.name`, or `metadata.generateName` when only that is given, else empty.
    public let name: String
    /// The namespace the object lives in: `metadata.namespace`, else `default` (what `kubectl apply`
    /// without `-n` does); nil for cluster-scoped kinds.
    public let namespace: String?
    /// True when the namespace is known: `metadata.namespace` was written, or the deployer gave
    /// one (`--namespace`, a Helm release's, an Argo CD Application's destination); false when
    /// it is `default` for want of one.
    public let namespaceIsExplicit: Bool
    public let node: Node
    public let origin: ResourceOrigin

    /// `defaultNamespace`: the namespace of an object without `metadata.namespace` (what `kubectl
    /// apply -n NS` gives it; `default` without).
    public init?(node: Node, origin: ResourceOrigin, defaultNamespace: String? = nil) {
        guard let apiVersion = node["apiVersion"]?.string, let kind = node["kind"]?.string,
              !apiVersion.isEmpty, !kind.isEmpty
        else { return nil }
        self.apiVersion = apiVersion
        let metadata = node["metadata"]
        name = metadata?["name"]?.string ?? metadata?["generateName"]?.string ?? ""
        let slash = apiVersion.firstIndex(of: "/")
        groupKind = GroupKind(group: slash.map { String(apiVersion[..<$0]) } ?? "", kind: kind)
        // Scope is decided only for a well-formed `group/version` (a lone `apps/` names no group).
        let wellFormed = slash.map { $0 != apiVersion.startIndex && apiVersion.index(after: $0) != apiVersion.endIndex } ?? false
        let scopeGroupKind = wellFormed || slash == nil ? groupKind : GroupKind(group: "", kind: kind)
        if GroupKind.clusterScoped.contains(scopeGroupKind) {
            namespace = nil
            namespaceIsExplicit = false
        } else if let explicit = metadata?["namespace"]?.string, !explicit.isEmpty {
            namespace = explicit
            namespaceIsExplicit = true
        } else {
            namespace = defaultNamespace ?? "default"
            namespaceIsExplicit = defaultNamespace != nil
        }
        self.node = node
        self.origin = origin
    }

    /// The API group and the kind; the group is the part of `apiVersion` before `/`, empty for
    /// the core group (`v1`). Read once: every index table and rule filter asks for it.
    public let groupKind: GroupKind

    public var group: String { groupKind.group }

    /// The file findings about this resource name: the input file, or the Helm template that
    /// rendered it.
    public var file: String { origin.renderedSource?.template ?? origin.file }

    /// A span of this resource's node as findings report it (shifted into the rendered document
    /// for rendered Helm output).
    public func reportSpan(_ span: Span) -> Span {
        guard let offset = origin.renderedSource?.lineOffset, offset > 0 else { return span }
        return Span(
            start: Mark(line: max(span.start.line - offset, 1), column: span.start.column),
            end: Mark(line: max(span.end.line - offset, 1), column: span.end.column))
    }

    public var metadata: Node? { node["metadata"] }

    /// `metadata.labels`, each with the spans of its key and value.
    public var labels: Labels { Labels(node: metadata?["labels"]) }

    /// `metadata.annotations`, each with the spans of its key and value.
    public var annotations: Labels { Labels(node: metadata?["annotations"]) }

    /// The span of `metadata.name`'s value, else of `kind`: where a finding about the whole object goes.
    public var nameSpan: Span {
        metadata?["name"]?.span ?? node.pair("kind")?.value.span ?? node.span
    }

    /// `Kind namespace/name`, or `Kind name` for a cluster-scoped object.
    public var displayName: String {
        if let namespace { return "\(kind) \(namespace)/\(name)" }
        return "\(kind) \(name)"
    }
}

/// A string map of an object (labels, annotations, matchLabels), with lookups that keep spans.
///
/// It may be layered: labels the configuration assumes for a Namespace that is in the input (a
/// script runs `kubectl label` on it) lie over the object's own, and win for the keys they set.
public struct Labels: Sendable {
    public let node: Node?
    /// Entries that override `node`'s for the keys they set.
    public let overrides: Node?
    /// Where an overriding entry is reported: it is written in another file (the configuration),
    /// so its own spans would point into the wrong one. A span of the object it is laid over.
    let overrideAnchor: Span?

    public init(node: Node?) {
        self.node = node
        overrides = nil
        overrideAnchor = nil
    }

    /// `overrides` laid over `base`; their entries are reported at `anchor`, a span of the object.
    public init(_ base: Labels, overriddenBy overrides: Labels, anchor: Span) {
        node = base.node
        self.overrides = overrides.node
        overrideAnchor = anchor
    }

    public subscript(key: String) -> Spanned<String>.Entry? {
        if let pair = overrides?.pair(key) { return overriding(pair, key: key) }
        guard let pair = node?.pair(key) else { return nil }
        return Spanned<String>.Entry(
            key: key, value: pair.value.string ?? "", keySpan: pair.key.span, valueSpan: pair.value.span)
    }

    private func overriding(_ pair: Node.Pair, key: String) -> Spanned<String>.Entry {
        let span = overrideAnchor ?? pair.key.span
        return Spanned<String>.Entry(key: key, value: pair.value.string ?? "", keySpan: span, valueSpan: span)
    }

    public var entries: [Spanned<String>.Entry] {
        guard let overrides else { return node?.stringMap ?? [] }
        let overriding = overrides.pairs.compactMap { pair in pair.key.scalar.map { self.overriding(pair, key: $0) } }
        let keys = Set(overriding.map(\.key))
        return overriding + (node?.stringMap ?? []).filter { !keys.contains($0.key) }
    }

    /// The entries whose key begins with `prefix`. Keys are compared in place, so a map with no
    /// such key (almost every one) makes no strings.
    public func entries(withKeyPrefix prefix: String) -> [Spanned<String>.Entry] {
        var matching: [Spanned<String>.Entry] = []
        var seen = Set<String>()
        for (layer, isOverride) in [(overrides, true), (node, false)] {
            guard let layer else { continue }
            for pair in layer.pairs where pair.key.scalarHasPrefix(prefix) {
                let key = pair.key.scalar ?? ""
                guard seen.insert(key).inserted else { continue }
                matching.append(isOverride ? overriding(pair, key: key) : Spanned<String>.Entry(
                    key: key, value: pair.value.string ?? "", keySpan: pair.key.span, valueSpan: pair.value.span))
            }
        }
        return matching
    }

    public var dictionary: [String: String] {
        var result: [String: String] = [:]
        for entry in entries where result[entry.key] == nil { result[entry.key] = entry.value }
        return result
    }

    public var isEmpty: Bool { (node?.count ?? 0) == 0 && (overrides?.count ?? 0) == 0 }
}

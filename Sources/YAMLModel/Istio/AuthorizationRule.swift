/// One rule of an AuthorizationPolicy: it matches when a `from` entry, a `to` entry and every
/// `when` condition match.
public struct AuthorizationRule: Sendable {
    public let node: Node
    /// The rule's position in `spec.rules`, from 0.
    public let index: Int

    public init(node: Node, index: Int) {
        self.node = node
        self.index = index
    }

    /// `from[].source` entries.
    public var sources: [RuleEntry] {
        (node["from"]?.items ?? []).map { RuleEntry(node: $0["source"] ?? $0, kind: .source) }
    }

    /// `to[].operation` entries.
    public var operations: [RuleEntry] {
        (node["to"]?.items ?? []).map { RuleEntry(node: $0["operation"] ?? $0, kind: .operation) }
    }

    /// `when` conditions.
    public var conditions: [Condition] { (node["when"]?.items ?? []).map(Condition.init(node:)) }

    /// A rule with no `from`, `to` or `when` matches every request: `rules: [{}]` allows all.
    public var matchesEverything: Bool {
        (node["from"]?.count ?? 0) == 0 && (node["to"]?.count ?? 0) == 0 && (node["when"]?.count ?? 0) == 0
    }

    /// The span a finding about the whole rule points at: its first key, or the rule itself.
    public var span: Span { node.pairs.first?.key.span ?? node.span }

    /// Every attribute of the rule that only an HTTP proxy can evaluate, with the span of its key
    /// (for a condition, of its `key` value), in source order.
    public var l7Attributes: [Spanned<String>] {
        var found: [Spanned<String>] = []
        for entry in sources + operations {
            found += entry.fields.filter { $0.layer == .l7 }.map { Spanned($0.name, span: $0.keySpan) }
        }
        for condition in conditions where condition.layer == .l7 {
            if let key = condition.key { found.append(key) }
        }
        return found
    }
}

/// Whether ztunnel (L4) can evaluate an attribute, or only a waypoint or sidecar (L7).
public enum AttributeLayer: String, Sendable { case l4, l7 }

/// One `source` or `operation` of a rule.
public struct RuleEntry: Sendable {
    public enum Kind: String, Sendable { case source, operation }

    /// One field of the entry, e.g. `principals: [...]`.
    public struct Field: Sendable {
        public let name: String
        public let keySpan: Span
        public let values: [Spanned<String>]
        public let layer: AttributeLayer
        /// True for the `not...` forms.
        public var isNegative: Bool { name.hasPrefix("not") }
    }

    public let node: Node
    public let kind: Kind

    public var fields: [Field] {
        node.pairs.compactMap { pair in
            guard let name = pair.key.scalar else { return nil }
            let values = pair.value.items.compactMap { item in item.string.map { Spanned($0, span: item.span) } }
            return Field(name: name, keySpan: pair.key.span, values: values, layer: AuthorizationAttributes.layer(of: name, in: kind))
        }
    }

    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }

    /// True when the entry holds L4 fields only; false when any field needs L7.
    public var isL4Only: Bool { fields.allSatisfy { $0.layer == .l4 } }
    /// True when every field needs L7: ztunnel is left with an empty match, which matches nothing.
    public var isL7Only: Bool { !fields.isEmpty && fields.allSatisfy { $0.layer == .l7 } }
    /// True when L4 and L7 fields share the entry: ztunnel keeps only the L4 part.
    public var mixesLayers: Bool { fields.contains { $0.layer == .l4 } && fields.contains { $0.layer == .l7 } }
}

/// One `when` condition.
public struct Condition: Sendable {
    public let node: Node
    public var key: Spanned<String>? { node.spannedString("key") }
    public var values: [Spanned<String>] { node.spannedStrings("values") }
    public var notValues: [Spanned<String>] { node.spannedStrings("notValues") }
    /// The span of the `values` (else `notValues`) list, else of the condition.
    public var valuesSpan: Span { (node.pair("values") ?? node.pair("notValues"))?.value.span ?? node.span }
    public var layer: AttributeLayer { AuthorizationAttributes.layer(ofConditionKey: key?.value ?? "") }
}

/// Which AuthorizationPolicy attributes ztunnel understands (DESIGN §2, istiod's ztunnel translation).
public enum AuthorizationAttributes {
    public static let l4SourceFields: Set<String> = [
        "principals", "notPrincipals", "namespaces", "notNamespaces", "ipBlocks", "notIpBlocks",
        "serviceAccounts", "notServiceAccounts",
    ]
    public static let l4OperationFields: Set<String> = ["ports", "notPorts"]
    public static let l4ConditionKeys: Set<String> = [
        "source.ip", "source.namespace", "source.principal", "destination.ip", "destination.port",
    ]

    /// A source or operation field's layer: anything ztunnel does not translate is L7.
    public static func layer(of field: String, in kind: RuleEntry.Kind) -> AttributeLayer {
        switch kind {
        case .source: l4SourceFields.contains(field) ? .l4 : .l7
        case .operation: l4OperationFields.contains(field) ? .l4 : .l7
        }
    }

    public static func layer(ofConditionKey key: String) -> AttributeLayer {
        l4ConditionKeys.contains(key) ? .l4 : .l7
    }

    // MARK: An Envoy's TCP filter chain

    /// Source fields Envoy's network RBAC filter evaluates; the rest are HTTP only (istio/istio
    /// `pilot/pkg/security/authz/model/generator.go`: request principals, claims and headers fail
    /// with "is HTTP only" on a TCP chain).
    static let tcpSourceFields: Set<String> = l4SourceFields.union(["remoteIpBlocks", "notRemoteIpBlocks"])
    /// `when` keys Envoy evaluates on a TCP chain.
    static let tcpConditionKeys: Set<String> = l4ConditionKeys.union(["remote.ip", "source.serviceAccount", "connection.sni"])

    /// True for a source or operation field a TCP chain cannot evaluate (methods, paths, hosts,
    /// request principals).
    public static func isHTTPOnly(field: String, in kind: RuleEntry.Kind) -> Bool {
        switch kind {
        case .source: !tcpSourceFields.contains(field)
        case .operation: !l4OperationFields.contains(field)
        }
    }

    /// True for a `when` key a TCP chain cannot evaluate (`request.*`).
    public static func isHTTPOnly(conditionKey key: String) -> Bool { !tcpConditionKeys.contains(key) }
}

extension AuthorizationRule {
    /// The attributes an Envoy's TCP filter chain drops from this rule, with their spans.
    public var httpOnlyAttributes: [Spanned<String>] {
        var found: [Spanned<String>] = []
        for entry in sources + operations {
            found += entry.fields.filter { AuthorizationAttributes.isHTTPOnly(field: $0.name, in: entry.kind) }
                .map { Spanned($0.name, span: $0.keySpan) }
        }
        for condition in conditions {
            if let key = condition.key, AuthorizationAttributes.isHTTPOnly(conditionKey: key.value) { found.append(key) }
        }
        return found
    }
}

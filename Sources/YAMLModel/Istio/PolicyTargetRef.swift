/// One entry of a policy's `targetRefs` (or its legacy single `targetRef`).
public struct PolicyTargetRef: Sendable {
    public let node: Node

    public var group: Spanned<String>? { node.spannedString("group") }
    public var kind: Spanned<String>? { node.spannedString("kind") }
    public var name: Spanned<String>? { node.spannedString("name") }
    /// Must be empty: a policy only targets objects of its own namespace.
    public var namespace: Spanned<String>? { node.spannedString("namespace") }
    public var span: Span { node.span }

    /// The group and kind, with `core` read as the core group, as Istio does.
    public var groupKind: GroupKind {
        let group = group?.value ?? ""
        return GroupKind(group: group == "core" ? "" : group, kind: kind?.value ?? "")
    }

    /// The referenced name, empty when missing.
    public var nameValue: String { name?.value ?? "" }

    /// `Kind/name`, for messages.
    public var display: String { "\(kind?.value ?? "")/\(nameValue)" }
}

/// The parts shared by AuthorizationPolicy and RequestAuthentication (and PeerAuthentication's selector).
public protocol WorkloadPolicyView: ResourceView {}

extension WorkloadPolicyView {
    /// `spec.selector`, which makes the policy ztunnel's (and which waypoints ignore).
    public var selector: LabelSelector? {
        guard let node = spec?["selector"] else { return nil }
        return LabelSelector(node: node)
    }

    /// The span of the `selector` key, for findings about it.
    public var selectorSpan: Span? { spec?.pair("selector").map { $0.key.span.union($0.value.span) } }

    /// `spec.targetRefs`, plus the legacy `spec.targetRef`.
    public var targetRefs: [PolicyTargetRef] {
        var refs = (spec?["targetRefs"]?.items ?? []).map(PolicyTargetRef.init(node:))
        if let legacy = spec?["targetRef"], legacy.kind == .mapping { refs.insert(PolicyTargetRef(node: legacy), at: 0) }
        return refs
    }

    /// The span of the `targetRefs` (or `targetRef`) key.
    public var targetRefsKeySpan: Span? { (spec?.pair("targetRefs") ?? spec?.pair("targetRef"))?.key.span }

    /// True when annotated `istio.io/dry-run: "true"`: logged, never enforced.
    public var isDryRun: Bool { annotations[WellKnown.dryRunAnnotation]?.value.lowercased() == "true" }
}

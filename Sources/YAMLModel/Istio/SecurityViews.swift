/// An Istio `AuthorizationPolicy` (security.istio.io v1 or v1beta1).
public struct AuthorizationPolicyView: WorkloadPolicyView {
    public static let groupKinds: Set<GroupKind> = [.authorizationPolicy]
    public let resource: Resource
    public init(unchecked resource: Resource) { self.resource = resource }

    public enum Action: String, Sendable { case allow = "ALLOW", deny = "DENY", audit = "AUDIT", custom = "CUSTOM" }

    /// `spec.action`; ALLOW when absent, as the API defaults it. nil for an unknown value.
    public var action: Action? {
        guard let text = spec?["action"]?.string else { return .allow }
        return Action(rawValue: text)
    }

    /// The span of `action`'s value, or of the policy's name when the action is defaulted.
    public var actionSpan: Span { spec?["action"]?.span ?? resource.nameSpan }

    /// `spec.rules`, in order.
    public var rules: [AuthorizationRule] { (spec?["rules"]?.items ?? []).map(AuthorizationRule.init(node:)) }

    /// True when `rules` is absent or empty: an ALLOW then allows nothing (the default-deny form).
    public var hasNoRules: Bool { (spec?["rules"]?.count ?? 0) == 0 }
}

/// One rule of an AuthorizationPolicy: it matches when a `from`, a `to` and every `when` match.
public struct AuthorizationRule: Sendable {
    public let node: Node

    public var from: [Node] { node["from"]?.items ?? [] }
    public var to: [Node] { node["to"]?.items ?? [] }
    public var when: [Node] { node["when"]?.items ?? [] }

    /// A rule with no `from`, `to` or `when` matches every request: `rules: [{}]` allows all.
    public var matchesEverything: Bool { from.isEmpty && to.isEmpty && when.isEmpty }
}

/// An Istio `RequestAuthentication`: which JWTs are valid where it is enforced.
public struct RequestAuthenticationView: WorkloadPolicyView {
    public static let groupKinds: Set<GroupKind> = [.requestAuthentication]
    public let resource: Resource
    public init(unchecked resource: Resource) { self.resource = resource }

    /// One entry of `spec.jwtRules`.
    public struct JWTRule: Sendable {
        public let node: Node
        public var issuer: Spanned<String>? { node.spannedString("issuer") }
        public var audiences: [Spanned<String>] { node.spannedStrings("audiences") }
        public var jwksUri: Spanned<String>? { node.spannedString("jwksUri") }
    }

    public var jwtRules: [JWTRule] { (spec?["jwtRules"]?.items ?? []).map(JWTRule.init(node:)) }
}

/// An Istio `PeerAuthentication`: the mTLS mode ztunnel enforces.
public struct PeerAuthenticationView: WorkloadPolicyView {
    public static let groupKinds: Set<GroupKind> = [.peerAuthentication]
    public let resource: Resource
    public init(unchecked resource: Resource) { self.resource = resource }

    /// `spec.mtls.mode` (`UNSET`, `DISABLE`, `PERMISSIVE`, `STRICT`).
    public var mtlsMode: Spanned<String>? { spec?["mtls"]?.spannedString("mode") }
}

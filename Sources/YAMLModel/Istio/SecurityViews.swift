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
    public var rules: [AuthorizationRule] {
        (spec?["rules"]?.items ?? []).enumerated().map { AuthorizationRule(node: $1, index: $0) }
    }

    /// True when `rules` is absent or empty: an ALLOW then allows nothing (the default-deny form).
    public var hasNoRules: Bool { (spec?["rules"]?.count ?? 0) == 0 }
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
        /// Claims Istio splits on spaces before matching (1.28+); `scope` and `permission` always are.
        public var spaceDelimitedClaims: [Spanned<String>] { node.spannedStrings("spaceDelimitedClaims") }
        /// `forwardOriginalToken: true`: Envoy keeps the token on the request it forwards. By default
        /// it removes a token it validated (istio/istio `pilot/pkg/security/authn/policy_applier.go`
        /// sets the provider's `forward` from this field), so the next proxy sees none.
        public var forwardsOriginalToken: Bool { node["forwardOriginalToken"]?.bool == true }
        /// True when `claim` is split on spaces for this issuer's tokens.
        public func splits(claim: String) -> Bool {
            claim == "scope" || claim == "permission" || spaceDelimitedClaims.contains { $0.value == claim }
        }
        /// Where Envoy looks for this issuer's token: `fromHeaders`, `fromParams` and `fromCookies`;
        /// with none of them, `Authorization: Bearer` and the `access_token` query parameter (the
        /// JWTRule's default). Naming a location replaces the defaults: a bearer token is then not read.
        public var tokenLocations: [TokenLocation] {
            let headers = (node["fromHeaders"]?.items ?? []).compactMap { $0["name"]?.string.map(TokenLocation.header) }
            let parameters = (node["fromParams"]?.items ?? []).compactMap { $0.string.map(TokenLocation.parameter) }
            let cookies = (node["fromCookies"]?.items ?? []).compactMap { $0.string.map(TokenLocation.cookie) }
            let named = headers + parameters + cookies
            return named.isEmpty ? [.bearer, .parameter("access_token")] : named
        }
        /// True when this rule reads a token sent at `location`.
        public func reads(_ location: TokenLocation) -> Bool { tokenLocations.contains(location) }
        /// True when `fromHeaders`, `fromParams` or `fromCookies` is set.
        public var namesTokenLocations: Bool { node["fromHeaders"] != nil || node["fromParams"] != nil || node["fromCookies"] != nil }
        /// True when `audience` passes this rule's audience check (no `audiences` accepts any).
        public func accepts(audience: String) -> Bool {
            let audiences = self.audiences
            return audiences.isEmpty || audiences.contains { $0.value == audience }
        }
    }

    public var jwtRules: [JWTRule] { (spec?["jwtRules"]?.items ?? []).map(JWTRule.init(node:)) }
}

/// Where a request carries its JWT. `Authorization: Bearer` is the header `authorization`
/// (header names compare without case).
public enum TokenLocation: Sendable, Hashable, CustomStringConvertible {
    case headerNamed(String)
    case parameter(String)
    case cookie(String)

    public static let bearer = TokenLocation.headerNamed("authorization")

    /// A header location; the name is compared without case.
    public static func header(_ name: String) -> TokenLocation { .headerNamed(name.lowercased()) }

    public var description: String {
        switch self {
        case .headerNamed("authorization"): "Authorization: Bearer"
        case .headerNamed(let name): "header \(name)"
        case .parameter(let name): "query parameter \(name)"
        case .cookie(let name): "cookie \(name)"
        }
    }
}

/// An Istio `PeerAuthentication`: the mTLS mode ztunnel enforces.
public struct PeerAuthenticationView: WorkloadPolicyView {
    public static let groupKinds: Set<GroupKind> = [.peerAuthentication]
    public let resource: Resource
    public init(unchecked resource: Resource) { self.resource = resource }

    /// `spec.mtls.mode` (`UNSET`, `DISABLE`, `PERMISSIVE`, `STRICT`).
    public var mtlsMode: Spanned<String>? { spec?["mtls"]?.spannedString("mode") }
}

/// Reading AuthorizationPolicy `when` conditions on JWT attributes (`request.auth.*`).
///
/// A condition such as `request.auth.claims[scp]` or `request.auth.audiences` matches only what a
/// RequestAuthentication at the same proxy validated, so rules relate the two through these helpers.
extension Condition {
    /// The claim path of a `request.auth.claims[...]` key: `[scp]` for `request.auth.claims[scp]`,
    /// `[realm_access, roles]` for a nested claim; nil for any other key.
    public var claimPath: [String]? {
        guard let key = key?.value, key.hasPrefix(Self.claimsPrefix) else { return nil }
        var rest = Substring(key.dropFirst(Self.claimsPrefix.count))
        var path: [String] = []
        while rest.first == "[" {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            let name = rest[rest.index(after: rest.startIndex)..<close]
            guard !name.isEmpty else { return nil }
            path.append(String(name))
            rest = rest[rest.index(after: close)...]
        }
        return rest.isEmpty && !path.isEmpty ? path : nil
    }

    /// True when the condition reads the top-level claim `name` (`request.auth.claims[<name>]`).
    public func readsClaim(_ name: String) -> Bool { claimPath == [name] }

    /// True for a condition on the token's audience: `request.auth.audiences` or `request.auth.claims[aud]`.
    public var readsAudience: Bool { key?.value == "request.auth.audiences" || readsClaim("aud") }

    static let claimsPrefix = "request.auth.claims"
}

extension RequestAuthenticationView.JWTRule {
    /// True when some token this rule accepts can satisfy the condition value `pattern` on its
    /// audience. Condition values use Istio's string matching (exact, `prefix*`, `*suffix`, `*`), so a
    /// pattern is accepted when it matches one of the rule's `audiences`; a rule without `audiences`
    /// accepts any audience.
    public func accepts(audienceMatching pattern: String) -> Bool {
        let audiences = self.audiences
        return audiences.isEmpty || audiences.contains { IstioStringMatch.matches(pattern, $0.value) }
    }
}

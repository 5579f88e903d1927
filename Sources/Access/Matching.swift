import YAMLModel

/// Istio's matching of one AuthorizationPolicy value against one request attribute, as istiod
/// configures it: Envoy's RBAC filter at a waypoint (`pilot/pkg/security/authz/model`), ztunnel's
/// RBAC for L4 policies (`src/rbac.rs`).
///
/// Every value is a pattern: `*` (present: any non-empty value), `*suffix`, `prefix*`, or exact.
/// Each function takes the pattern first and the request's attribute second.
public enum Matching {
    // MARK: Strings

    /// Envoy's string matcher as istiod builds it from a policy value: `*` is any non-empty value
    /// (regex `.+`), `*suffix` and `prefix*` test the ends, anything else is exact.
    public static func string(_ pattern: String, _ value: String, ignoringCase: Bool = false) -> Bool {
        guard ignoringCase else { return IstioStringMatch.matches(pattern, value) }
        return IstioStringMatch.matches(pattern.lowercased(), value.lowercased())
    }

    /// A `*` glob where each `*` stands for any run of characters (istiod turns a `namespaces` value
    /// into the regex `.*/ns/<value with * as .*>/.*`, so a star may sit anywhere).
    static func glob(_ pattern: String, _ value: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == value }
        var rest = Substring(value)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for middle in parts.dropFirst().dropLast() where !middle.isEmpty {
            // The leftmost occurrence leaves the most room for what follows.
            guard let start = rest.indices.first(where: { rest[$0...].hasPrefix(middle) }) else { return false }
            rest = rest[start...].dropFirst(middle.count)
        }
        let last = parts[parts.count - 1]
        return rest.count >= last.count && rest.hasSuffix(last)
    }

    // MARK: Identities

    /// `principals` (and `source.principal`) at a waypoint: the pattern against
    /// `<trust-domain>/ns/<ns>/sa/<sa>`. istiod rewrites a principal written in `cluster.local` to the
    /// mesh's trust domain, so both spellings match.
    static func principal(_ pattern: String, _ identity: MeshIdentity, trustDomain: String) -> Bool {
        principal(pattern, actual: principal(of: identity, trustDomain: trustDomain), trustDomain: trustDomain)
    }

    /// The same, against a principal already spelled out.
    static func principal(_ pattern: String, actual: String, trustDomain: String) -> Bool {
        if string(pattern, actual) { return true }
        if let name = PrincipalName(pattern), name.trustDomain == PrincipalName.localTrustDomainAlias {
            return name.with(trustDomain: trustDomain) == actual
        }
        return false
    }

    /// `principals` at ztunnel: the pattern against the peer's SPIFFE id without `spiffe://`, no
    /// trust-domain rewriting (istiod's ambient translation copies the strings as written).
    static func ztunnelPrincipal(_ pattern: String, _ identity: MeshIdentity, trustDomain: String) -> Bool {
        string(pattern, principal(of: identity, trustDomain: trustDomain))
    }

    /// `<trust-domain>/ns/<ns>/sa/<sa>`.
    static func principal(of identity: MeshIdentity, trustDomain: String) -> String {
        "\(trustDomain)/ns/\(identity.namespace)/sa/\(identity.serviceAccount)"
    }

    /// `serviceAccounts` (`ns/sa`, or `sa` in the policy's namespace): an exact identity.
    static func serviceAccount(_ value: String, _ identity: MeshIdentity, policyNamespace: String) -> Bool {
        let named: MeshIdentity
        if let slash = value.firstIndex(of: "/") {
            named = MeshIdentity(namespace: String(value[..<slash]), serviceAccount: String(value[value.index(after: slash)...]))
        } else {
            named = MeshIdentity(namespace: policyNamespace, serviceAccount: value)
        }
        return named == identity
    }

    /// `requestPrincipals` (and `request.auth.principal`): istiod splits the value at its last `/`
    /// into issuer and subject patterns and matches them against the token's `iss` and `sub`
    /// separately; `*` needs both to be non-empty.
    static func requestPrincipal(_ pattern: String, issuer: String?, subject: String?) -> Bool {
        let slash = pattern.lastIndex(of: "/")
        let iss = slash.map { String(pattern[..<$0]) } ?? pattern
        let sub = slash.map { String(pattern[pattern.index(after: $0)...]) } ?? ""
        enum Part { case any, exact(String), prefix(String), suffix(String) }
        func test(_ part: Part, _ value: String?) -> Bool {
            guard let value else { return false }
            switch part {
            case .any: return !value.isEmpty
            case .exact(let text): return value == text
            case .prefix(let text): return value.hasPrefix(text)
            case .suffix(let text): return value.hasSuffix(text)
            }
        }
        let issuerPart: Part, subjectPart: Part
        if pattern == "*" {
            (issuerPart, subjectPart) = (.any, .any)
        } else if pattern.hasPrefix("*") {
            if slash != nil {
                issuerPart = iss == "*" ? .any : .suffix(String(iss.dropFirst()))
                subjectPart = .exact(sub)
            } else {
                (issuerPart, subjectPart) = (.any, .suffix(String(pattern.dropFirst())))
            }
        } else if pattern.hasSuffix("*") {
            if slash != nil {
                issuerPart = .exact(iss)
                subjectPart = sub == "*" ? .any : .prefix(String(sub.dropLast()))
            } else {
                (issuerPart, subjectPart) = (.prefix(String(pattern.dropLast())), .any)
            }
        } else {
            (issuerPart, subjectPart) = (.exact(iss), .exact(sub))
        }
        return test(issuerPart, issuer) && test(subjectPart, subject)
    }

    // MARK: HTTP

    /// `hosts`: the `:authority` header, case-insensitively.
    static func host(_ pattern: String, _ host: String?) -> Bool {
        guard let host else { return false }
        return string(pattern, host, ignoringCase: true)
    }

    /// `methods`, and `request.headers[...]` values: Envoy's header matcher (`*` is presence), case-sensitive.
    static func header(_ pattern: String, _ value: String?) -> Bool {
        guard let value else { return false }
        if pattern == "*" { return true }
        return string(pattern, value)
    }

    /// `paths`: a path template (`{*}` one segment, `{**}` any remaining) or a string pattern, against
    /// the path without its query string or fragment.
    static func path(_ pattern: String, _ path: String) -> Bool {
        let path = withoutQuery(path)
        if PathTemplate.isTemplate(pattern) { return PathTemplate(pattern).matches(path) }
        return string(pattern, path)
    }

    /// The path without `?query` and `#fragment` (Envoy's `removeQueryAndFragment`).
    static func withoutQuery(_ path: String) -> String {
        guard let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) else { return path }
        return String(path[..<cut])
    }

    // MARK: Ports

    /// A `ports` value as istiod reads it (`strconv.ParseUint(v, 10, 32)`, at most 65535); nil
    /// for a value it cannot read (which istiod drops).
    static func port(_ value: String) -> Int? {
        guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let digits = value.drop { $0 == "0" }
        guard digits.count <= 5, let number = Int(digits.isEmpty ? "0" : String(digits)), number <= 65535 else { return nil }
        return number
    }

    // MARK: JWT audiences

    /// Envoy's audience check (jwt_verify_lib `CheckAudience`): the token's and the rule's audiences
    /// are compared without an `http://` or `https://` prefix and without a trailing `/`.
    static func audienceAccepted(tokenAudiences: [String], allowed: [String]) -> Bool {
        guard !allowed.isEmpty else { return true }
        let accepted = Set(allowed.map(sanitizedAudience))
        return tokenAudiences.contains { accepted.contains(sanitizedAudience($0)) }
    }

    static func sanitizedAudience(_ audience: String) -> String {
        var text = Substring(audience)
        if text.hasPrefix("http://") {
            text = text.dropFirst(7)
        } else if text.hasPrefix("https://") {
            text = text.dropFirst(8)
        }
        if text.hasSuffix("/") { text = text.dropLast() }
        return String(text)
    }
}

/// An Istio path template (`/api/{*}/items/{**}`), matched as Envoy's `uri_template` matcher does:
/// `{*}` is one non-empty segment of URI path characters, `{**}` any run of them and `/` (zero or more
/// segments), literal segments match exactly, and the whole path must match.
struct PathTemplate: Sendable {
    enum Token: Equatable { case literal(String), oneSegment, anySegments }

    let tokens: [Token]

    static func isTemplate(_ pattern: String) -> Bool {
        pattern.contains(PolicyValidation.matchOneTemplate) || pattern.contains(PolicyValidation.matchAnyTemplate)
    }

    init(_ pattern: String) {
        var tokens: [Token] = []
        var body = Substring(pattern)
        if body.hasPrefix("/") { body = body.dropFirst() }
        tokens.append(.literal("/"))
        let segments = body.split(separator: "/", omittingEmptySubsequences: false)
        for (offset, segment) in segments.enumerated() {
            if offset > 0 { tokens.append(.literal("/")) }
            switch segment {
            case PolicyValidation.matchOneTemplate: tokens.append(.oneSegment)
            case PolicyValidation.matchAnyTemplate: tokens.append(.anySegments)
            default: if !segment.isEmpty { tokens.append(.literal(String(segment))) }
            }
        }
        // Adjacent literals merge, so matching compares whole runs of text.
        var merged: [Token] = []
        for token in tokens {
            if case .literal(let text) = token, case .literal(let previous)? = merged.last {
                merged[merged.count - 1] = .literal(previous + text)
            } else {
                merged.append(token)
            }
        }
        self.tokens = merged
    }

    func matches(_ path: String) -> Bool {
        Self.match(tokens[...], Array(path.unicodeScalars)[...])
    }

    /// RFC 3986 pchars without `*` and `=` (Envoy's `kLiteral`): what a template operator may consume.
    static func isPathCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        default: "-._~%!$&'()+,;:@".unicodeScalars.contains(scalar)
        }
    }

    private static func match(_ tokens: ArraySlice<Token>, _ path: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let token = tokens.first else { return path.isEmpty }
        let rest = tokens.dropFirst()
        switch token {
        case .literal(let text):
            let scalars = Array(text.unicodeScalars)
            guard path.count >= scalars.count, path.prefix(scalars.count).elementsEqual(scalars) else { return false }
            return match(rest, path.dropFirst(scalars.count))
        case .oneSegment, .anySegments:
            let allowsSlash = token == .anySegments
            var length = 0
            var candidates: [Int] = token == .anySegments ? [0] : []
            for scalar in path {
                guard isPathCharacter(scalar) || (allowsSlash && scalar == "/") else { break }
                length += 1
                candidates.append(length)
            }
            return candidates.reversed().contains { match(rest, path.dropFirst($0)) }
        }
    }
}

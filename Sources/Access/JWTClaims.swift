/// One JSON value of a JWT's payload: a string, number, boolean, list or object (or null).
public indirect enum ClaimValue: Sendable, Hashable, CustomStringConvertible,
    ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([ClaimValue])
    case object([String: ClaimValue])
    case null

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: ClaimValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, ClaimValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { first, _ in first }))
    }

    /// The string, for a string value.
    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// What an authorization condition on a claim compares: the string itself, or each string of a
    /// list. Numbers, booleans, objects and nested lists match no condition value (Envoy's string
    /// matcher only reads strings).
    public var matchableStrings: [String] {
        switch self {
        case .string(let text): [text]
        case .list(let items): items.compactMap(\.string)
        default: []
        }
    }

    public var description: String {
        switch self {
        case .string(let text): "\"\(text)\""
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .bool(let flag): String(flag)
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
        case .null: "null"
        }
    }
}

/// The claims of a JWT's payload: `iss`, `aud` (a string or a list), `sub`, and any others, nested.
///
/// Only what the payload says: the signature and the expiry are assumed valid (a static tool has
/// neither the issuer's keys nor a clock that means anything for the request).
public struct JWTClaims: Sendable, Hashable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// The payload's top-level claims.
    public var claims: [String: ClaimValue]

    /// Claims from a dictionary, e.g. built from `--claim name=value` arguments.
    public init(_ claims: [String: ClaimValue] = [:]) { self.claims = claims }

    public init(dictionaryLiteral elements: (String, ClaimValue)...) {
        claims = Dictionary(elements, uniquingKeysWith: { first, _ in first })
    }

    /// The top-level claim `name`.
    public subscript(name: String) -> ClaimValue? {
        get { claims[name] }
        set { claims[name] = newValue }
    }

    /// The value at a path of object keys (`[realm_access, roles]`); nil when any step is missing.
    public func value(at path: [String]) -> ClaimValue? {
        guard let first = path.first, var value = claims[first] else { return nil }
        for key in path.dropFirst() {
            guard case .object(let members) = value, let next = members[key] else { return nil }
            value = next
        }
        return value
    }

    /// `iss`, when it is a string.
    public var issuer: String? { claims["iss"]?.string }
    /// `sub`, when it is a string.
    public var subject: String? { claims["sub"]?.string }
    /// `aud`: one string, or the strings of a list.
    public var audiences: [String] { claims["aud"]?.matchableStrings ?? [] }

    public var description: String { ClaimValue.object(claims).description }
}

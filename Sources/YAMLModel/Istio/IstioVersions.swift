/// A release version, `major.minor.patch[-prerelease][+build]`, as Istio, its Helm charts and the
/// Gateway API number their releases.
///
/// Ordered by semantic versioning: a pre-release comes before its release (`1.24.0-beta.1` is below
/// `1.24.0`, the release ambient mode went GA in), build metadata is ignored.
public struct ReleaseVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int
    /// Dot-separated pre-release identifiers (`["beta", "1"]`); empty for a release.
    public let prerelease: [String]

    public init(major: Int, minor: Int, patch: Int, prerelease: [String] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
    }

    /// Reads `1.24.0`, `v1.24.0`, `1.24.0-rc.1`, `1.24.0+build`; partial versions (`1.24`, `1`)
    /// get zeros for the missing parts. Nil for anything else.
    public init?(_ text: String) {
        guard let parsed = Self.parse(text), !parsed.hasWildcard else { return nil }
        self = parsed.version
    }

    /// The version in an image tag, which may carry a variant suffix: `1.23.2-distroless`, `1.23.2-debug`.
    public init?(imageTag text: String) {
        var tag = text
        for variant in Self.imageVariants where tag.hasSuffix(variant) {
            tag.removeLast(variant.count)
            break
        }
        self.init(tag)
    }

    /// The version an Istio revision name spells by convention: `1-23-2` is 1.23.2, `1-24` is 1.24.0.
    /// Nil for names that are not versions (`canary`, `stable`, `default`).
    public init?(revisionName text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        self.init(parts.joined(separator: "."))
    }

    static let imageVariants = ["-distroless", "-debug"]

    /// A version with possibly missing or wildcard parts, as constraints write them.
    struct Partial {
        let version: ReleaseVersion
        /// How many of major, minor, patch were written as numbers (0 to 3).
        let precision: Int
        /// True when a part is written `x`, `X` or `*`.
        let hasWildcard: Bool
        /// True when no part is a number (`*`): any version.
        var isWildcard: Bool { precision == 0 }
    }

    /// Parses `[v]MAJOR[.MINOR[.PATCH]][-pre][+build]`, where missing parts and `x`, `X`, `*` are wildcards.
    static func parse(_ text: String) -> Partial? {
        var rest = Substring(text)
        if rest.first == "v" || rest.first == "V" { rest = rest.dropFirst() }
        if let plus = rest.firstIndex(of: "+") {
            let build = rest[rest.index(after: plus)...].split(separator: ".", omittingEmptySubsequences: false)
            guard build.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isIdentifierCharacter) }) else { return nil }
            rest = rest[..<plus]
        }
        var prerelease: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            let identifiers = rest[rest.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false)
            guard identifiers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isIdentifierCharacter) }) else { return nil }
            prerelease = identifiers.map(String.init)
            rest = rest[..<dash]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var numbers: [Int] = []
        var wildcard = false
        for part in parts {
            if part == "x" || part == "X" || part == "*" {
                wildcard = true
                continue
            }
            // A number after a wildcard (`1.x.3`) is not a version.
            guard !wildcard, !part.isEmpty, part.count <= 9, part.allSatisfy(\.isASCIIDigit), let number = Int(part) else { return nil }
            numbers.append(number)
        }
        if numbers.count < 3, !prerelease.isEmpty { return nil }
        let padded = numbers + Array(repeating: 0, count: 3 - numbers.count)
        return Partial(
            version: ReleaseVersion(major: padded[0], minor: padded[1], patch: padded[2], prerelease: prerelease),
            precision: numbers.count, hasWildcard: wildcard)
    }

    private static func isIdentifierCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-")
    }

    /// `major.minor`, the release line (`1.24`).
    public var line: String { "\(major).\(minor)" }

    public var description: String {
        "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-" + prerelease.joined(separator: "."))
    }

    /// True when both belong to the same release line (`1.24.1` and `1.24.3`).
    public func isSameLine(as other: ReleaseVersion) -> Bool { major == other.major && minor == other.minor }

    public static func < (lhs: ReleaseVersion, rhs: ReleaseVersion) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, _): return false
        case (false, true): return true
        case (false, false): break
        }
        for (left, right) in zip(lhs.prerelease, rhs.prerelease) where left != right {
            switch (Int(left), Int(right)) {
            case let (l?, r?): return l < r
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return left < right
            }
        }
        return lhs.prerelease.count < rhs.prerelease.count
    }

    /// The first release of ambient mode as generally available: Istio 1.24.0.
    public static let ambientGA = ReleaseVersion(major: 1, minor: 24, patch: 0)
    /// The oldest Gateway API bundle MeshLint accepts next to an ambient Istio: v1.2.0.
    public static let minimumGatewayAPI = ReleaseVersion(major: 1, minor: 2, patch: 0)
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// A version constraint as Helm, Argo CD (`targetRevision`) and Flux (`spec.chart.spec.version`) read
/// it, in the syntax of the semver library they share: exact versions (`1.23.2`, `=v1.23.2`),
/// wildcards (`1.24.*`, `1.24.x`, `1.24`, `*`), tilde (`~1.22` is `>=1.22.0 <1.23.0`), caret
/// (`^1.22` is `<2.0.0`), comparisons (`>=`, `>`, `<=`, `<`, `!=`), hyphen ranges (`1.20 - 1.23`),
/// AND by spaces or commas, OR by `||`.
///
/// MeshLint judges a constraint by the highest version it admits: whatever the resolver picks,
/// it picks nothing above that.
public struct VersionConstraint: Sendable, CustomStringConvertible {
    /// The highest version admitted: `version` itself when `inclusive`, else everything below it.
    public struct Bound: Sendable, Comparable {
        public let version: ReleaseVersion
        public let inclusive: Bool

        public static func < (lhs: Bound, rhs: Bound) -> Bool {
            lhs.version != rhs.version ? lhs.version < rhs.version : (!lhs.inclusive && rhs.inclusive)
        }
    }

    /// The text as written.
    public let text: String
    /// The highest version admitted; nil when there is none (`*`, `>=1.20`, `^1.22` admits up to 2.0.0).
    public let upperBound: Bound?
    /// The one version admitted, when the constraint is a single full version (`1.23.2`, `v1.23.2`, `=1.23.2`).
    public let exactVersion: ReleaseVersion?

    /// Parses a constraint; nil when it is not one (`HEAD`, `main`, `latest`, an empty string).
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: " \t")
        guard !trimmed.isEmpty else { return nil }
        var groups: [Bound?] = []
        var exact: ReleaseVersion?
        let alternatives = Self.split(trimmed, on: "||")
        for alternative in alternatives {
            guard let terms = Self.terms(of: alternative), !terms.isEmpty else { return nil }
            // AND: the lowest of the terms' upper bounds.
            var bound: Bound?
            for term in terms {
                guard let parsed = Self.upperBound(of: term) else { return nil }
                if let upper = parsed.bound { bound = bound.map { min($0, upper) } ?? upper }
                if alternatives.count == 1, terms.count == 1 { exact = parsed.exact }
            }
            groups.append(bound)
        }
        self.text = trimmed
        // OR: the highest of the alternatives; one without an upper bound makes the whole unbounded.
        upperBound = groups.contains { $0 == nil } ? nil : groups.compactMap { $0 }.max()
        exactVersion = exact
    }

    public var description: String { text }

    /// True when every version the constraint admits is below `version`.
    public func admitsOnlyVersions(below version: ReleaseVersion) -> Bool {
        guard let upperBound else { return false }
        return upperBound.inclusive ? upperBound.version < version : upperBound.version <= version
    }

    /// The release line (`major.minor`) of the highest version admitted, when it is known:
    /// `1.24.*` and `~1.24.1` give 1.24, `>=1.20 <1.23` gives 1.22; nil for `<1.0.0` or no bound.
    public var highestLine: (major: Int, minor: Int)? {
        guard let bound = upperBound else { return nil }
        let version = bound.version
        if bound.inclusive || version.patch > 0 || !version.prerelease.isEmpty { return (version.major, version.minor) }
        return version.minor > 0 ? (version.major, version.minor - 1) : nil
    }

    // MARK: Parsing

    private static func split(_ text: String, on separator: String) -> [String] {
        text.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }

    /// One comparison of an AND group: an operator and a version, or a hyphen range.
    private enum Term {
        case comparison(String, String)
        case range(String, String)
    }

    private static let operators = ["!=", ">=", "=>", "<=", "=<", "~>", ">", "<", "=", "~", "^"]

    /// Splits an AND group into terms: `>= 1.20, <1.23` is two comparisons, `1.20 - 1.23` a range.
    private static func terms(of group: String) -> [Term]? {
        let tokens = group.split { $0 == " " || $0 == "\t" || $0 == "," }.map(String.init)
        var terms: [Term] = []
        var index = 0
        while index < tokens.count {
            var token = tokens[index]
            index += 1
            // An operator written apart from its version (`>= 1.20`).
            if operators.contains(token) {
                guard index < tokens.count else { return nil }
                token += tokens[index]
                index += 1
            }
            if index + 1 < tokens.count, tokens[index] == "-" {
                terms.append(.range(token, tokens[index + 1]))
                index += 2
                continue
            }
            let op = operators.first { token.hasPrefix($0) } ?? ""
            terms.append(.comparison(op, String(token.dropFirst(op.count))))
        }
        return terms
    }

    /// The upper bound one term puts on the versions (nil: none), and the version it pins, if any.
    private static func upperBound(of term: Term) -> (bound: Bound?, exact: ReleaseVersion?)? {
        switch term {
        case .range(let low, let high):
            guard ReleaseVersion.parse(low) != nil, let upper = ReleaseVersion.parse(high) else { return nil }
            return (ceiling(of: upper), nil)
        case .comparison(let op, let operand):
            guard let partial = ReleaseVersion.parse(operand) else { return nil }
            let version = partial.version
            switch op {
            case "", "=":
                if partial.precision == 3 { return (Bound(version: version, inclusive: true), version) }
                return (ceiling(of: partial), nil)
            case "!=", ">", ">=", "=>":
                return (nil, nil)
            case "<":
                return (partial.isWildcard ? nil : Bound(version: version, inclusive: false), nil)
            case "<=", "=<":
                return (ceiling(of: partial), nil)
            case "~", "~>":
                if partial.isWildcard { return (nil, nil) }
                // ~1.2.3 and ~1.2 stay in 1.2; ~1 stays in 1.
                let next = partial.precision >= 2
                    ? ReleaseVersion(major: version.major, minor: version.minor + 1, patch: 0)
                    : ReleaseVersion(major: version.major + 1, minor: 0, patch: 0)
                return (Bound(version: next, inclusive: false), nil)
            case "^":
                if partial.isWildcard { return (nil, nil) }
                // The first non-zero part may not change: ^1.2 < 2.0.0, ^0.2 < 0.3.0, ^0.0.3 < 0.0.4.
                let next: ReleaseVersion
                if version.major > 0 || partial.precision == 1 {
                    next = ReleaseVersion(major: version.major + 1, minor: 0, patch: 0)
                } else if version.minor > 0 || partial.precision == 2 {
                    next = ReleaseVersion(major: 0, minor: version.minor + 1, patch: 0)
                } else {
                    next = ReleaseVersion(major: 0, minor: 0, patch: version.patch + 1)
                }
                return (Bound(version: next, inclusive: false), nil)
            default:
                return nil
            }
        }
    }

    /// The bound `<= partial` means: a full version includes itself; a partial one its whole line
    /// (`<=1.23` and `1.23.x` admit every 1.23 release).
    private static func ceiling(of partial: ReleaseVersion.Partial) -> Bound? {
        let version = partial.version
        switch partial.precision {
        case 3: return Bound(version: version, inclusive: true)
        case 2: return Bound(version: ReleaseVersion(major: version.major, minor: version.minor + 1, patch: 0), inclusive: false)
        case 1: return Bound(version: ReleaseVersion(major: version.major + 1, minor: 0, patch: 0), inclusive: false)
        default: return nil
        }
    }
}

/// What an object missing from the input means: missing from the cluster, a likely typo, or
/// only not in this input.
///
/// A repository holds part of a mesh: policies layered over upstream manifests, an app team's
/// repository whose Namespace and ServiceAccounts live in the platform team's. A reference to an
/// object the input does not hold proves nothing, unless the input holds the whole namespace (the
/// configuration says so) or the name is a near miss of one the input does hold.
public enum Absence: Sendable, Equatable {
    /// The namespace is declared complete: the object does not exist.
    case missing
    /// The input holds objects of that kind with nearly the same name (closest first): a typo.
    case likelyTypo(of: [String])
    /// Nothing shows whether the object exists elsewhere.
    case notInInput

    /// True when the absence is proven (a complete namespace) or the name is a likely typo: then a
    /// rule reports it at its own severity; otherwise only as a note.
    public var isConclusive: Bool { self != .notInInput }

    /// What it means that no object `name` is in `namespace`, among the `known` names of its kind there.
    static func of(_ name: String, in namespace: String, among known: [String], completeNamespaces: [String]) -> Absence {
        // The name is there after all (a copy MeshLint could not settle on): nothing is proven.
        if known.contains(name) { return .notInInput }
        if completeNamespaces.contains(where: { IstioStringMatch.matches($0, namespace) }) { return .missing }
        let near = NameSimilarity.closest(to: name, among: known)
        return near.isEmpty ? .notInInput : .likelyTypo(of: near)
    }

    /// The near-miss names, closest first (empty unless a typo).
    public var suggestions: [String] {
        if case .likelyTypo(let names) = self { return names }
        return []
    }
}

extension MeshIndex {
    // MARK: What the input covers

    /// True when the configuration declares that the input holds `namespace` whole (`complete:`
    /// in .meshlint.yaml, or `--complete`): an object of it the input lacks does not exist.
    public func inputHoldsWhole(_ namespace: String) -> Bool {
        options.completeNamespaces.contains { IstioStringMatch.matches($0, namespace) }
    }

    /// True when the configuration declares the input holds every namespace (`complete: ["*"]`):
    /// only then does a mesh-wide search that finds nothing prove there is nothing.
    public var inputHoldsWholeMesh: Bool { options.completeNamespaces.contains("*") }

    /// What it means that no object named `name` of a kind is in `namespace`, given the `known`
    /// names of that kind the input holds there.
    public func absence(of name: String, in namespace: String, among known: [String]) -> Absence {
        Absence.of(name, in: namespace, among: known, completeNamespaces: options.completeNamespaces)
    }
}

/// Likely typos: names within a small edit distance of a name written, to tell a misspelling from
/// an object defined elsewhere and to suggest the name meant.
public enum NameSimilarity {
    /// Candidates within a small edit distance of `name` (1 for names up to 4 characters, else 2),
    /// closest first, then by name.
    ///
    /// Names that differ only in their digits (`worker-1`, `worker-2`; `v1`, `v2`) are siblings, not
    /// typos, and names of up to four characters count only a swap of two neighbours (`api` is not
    /// `app` misspelt).
    public static func closest(to name: String, among candidates: [String]) -> [String] {
        let target = Array(name.utf8)
        let limit = maximumDistance(forLength: target.count)
        let targetDigitless = target.filter { !isDigit($0) }
        var buffers = DistanceBuffers()
        var matches: [(String, Int)] = []
        for candidate in candidates {
            // Most candidates are ruled out by their length alone, before any work on their bytes.
            guard abs(candidate.utf8.count - target.count) <= limit else { continue }
            let bytes = Array(candidate.utf8)
            guard bytes != target, bytes.filter({ !isDigit($0) }) != targetDigitless else { continue }
            let distance = buffers.distance(target, bytes, limit: limit)
            guard distance <= limit, target.count > 4 || isSwap(target, bytes) else { continue }
            matches.append((candidate, distance))
        }
        return matches.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.0)
    }

    /// True when `other` looks like `name` misspelt (or with a suffix added or dropped: `ledger-v2`).
    public static func isLikelyTypo(of name: String, _ other: String) -> Bool {
        !closest(to: name, among: [other]).isEmpty
            || (!name.isEmpty && !other.isEmpty && (name.hasPrefix(other) || other.hasPrefix(name)))
    }

    private static func maximumDistance(forLength length: Int) -> Int { length <= 4 ? 1 : 2 }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Two neighbouring bytes swapped, nothing else.
    private static func isSwap(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count, a != b else { return false }
        let differing = a.indices.filter { a[$0] != b[$0] }
        return differing.count == 2 && differing[1] == differing[0] + 1
            && a[differing[0]] == b[differing[1]] && a[differing[1]] == b[differing[0]]
    }

    /// The edit distance between two strings, by characters: insertions, deletions, substitutions
    /// and swaps of two neighbours (`wbe` for `web`) count one each. Names longer than 253
    /// characters (no Kubernetes name is) are compared by equality only, so hostile input costs
    /// nothing quadratic. With a `limit`, the computation stops once every path costs more: the
    /// result is then some value above the limit.
    public static func editDistance(_ lhs: String, _ rhs: String, limit: Int = .max) -> Int {
        var buffers = DistanceBuffers()
        return buffers.distance(Array(lhs.utf8), Array(rhs.utf8), limit: limit)
    }

    /// The three rows of the distance table, reused from one comparison to the next.
    struct DistanceBuffers {
        private var beforePrevious: [Int] = []
        private var previous: [Int] = []
        private var current: [Int] = []

        mutating func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
            guard a.count <= maxComparedLength, b.count <= maxComparedLength else { return a == b ? 0 : max(a.count, b.count) }
            guard !a.isEmpty else { return b.count }
            guard !b.isEmpty else { return a.count }
            let width = b.count + 1
            if previous.count < width {
                beforePrevious = Array(repeating: 0, count: width)
                previous = Array(repeating: 0, count: width)
                current = Array(repeating: 0, count: width)
            }
            for j in 0..<width { previous[j] = j }
            for i in 1...a.count {
                current[0] = i
                var rowMinimum = i
                for j in 1...b.count {
                    var cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { cost = min(cost, beforePrevious[j - 2] + 1) }
                    current[j] = cost
                    rowMinimum = min(rowMinimum, cost)
                }
                if rowMinimum > limit { return limit &+ 1 }
                swap(&beforePrevious, &previous)
                swap(&previous, &current)
            }
            return previous[b.count]
        }
    }

    static let maxComparedLength = 253
}

/// Likely typos: names within a small edit distance of what a policy wrote, to suggest the name
/// that was meant.
enum Spelling {
    /// Candidates within a small edit distance of `name` (1 for names up to 4 characters, else 2),
    /// closest first, then by name.
    static func closest(to name: String, among candidates: [String]) -> [String] {
        candidates.filter { $0 != name }
            .map { ($0, editDistance(name, $0)) }
            .filter { isClose($0.1, to: name) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            .map(\.0)
    }

    /// True when `other` looks like `name` misspelt (or with a suffix added or dropped: `ledger-v2`).
    static func isLikelyTypo(of name: String, _ other: String) -> Bool {
        isClose(editDistance(name, other), to: name) || (!name.isEmpty && !other.isEmpty && (name.hasPrefix(other) || other.hasPrefix(name)))
    }

    private static func isClose(_ distance: Int, to name: String) -> Bool {
        distance <= (name.count <= 4 ? 1 : 2)
    }

    /// The edit distance between two strings, by characters: insertions, deletions, substitutions
    /// and swaps of two neighbours (`wbe` for `web`) count one each.
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs), b = Array(rhs)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var beforePrevious: [Int] = []
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            beforePrevious = previous
            previous = current
        }
        return previous[b.count]
    }
}

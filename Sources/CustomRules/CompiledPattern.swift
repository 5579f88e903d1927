import Synchronization

/// A regular expression of `matches`, compiled once when the rules are loaded, shared by every
/// rule that writes the same pattern, and remembering its answers.
///
/// Rule packs repeat patterns (a naming convention for principals, an image registry), and the same
/// values recur across resources, while Swift's `Regex` costs microseconds per match: the memo
/// makes a pattern's cost grow with the distinct values it sees, not with rules × resources.
final class CompiledPattern: @unchecked Sendable {
    // `Regex<AnyRegexOutput>` is not declared `Sendable` because its output type is not; the
    // regex itself is an immutable value that matching never mutates, and the memo is behind a
    // lock, so sharing a pattern across the rules running on several cores is safe.
    private let regex: Regex<AnyRegexOutput>
    private let memo = Mutex<[String: Bool]>([:])
    /// Beyond this many distinct values the memo stops growing (a bound on memory, not on answers).
    private static let memoLimit = 4096

    init(_ pattern: String) throws {
        regex = try Regex(pattern)
    }

    /// True when the whole of `value` matches.
    func matches(_ value: String) -> Bool {
        if let known = memo.withLock({ $0[value] }) { return known }
        let answer = (try? regex.wholeMatch(in: value)) != nil
        memo.withLock { memo in
            if memo.count < Self.memoLimit { memo[value] = answer }
        }
        return answer
    }
}

/// The patterns of one load, by their text: a pattern is compiled once however many rules use it.
public final class PatternCache: @unchecked Sendable {
    // Used by one loader at a time, on one thread: the lock only keeps that promise cheap to trust.
    private let compiled = Mutex<[String: CompiledPattern]>([:])

    public init() {}

    /// How many distinct patterns were compiled.
    public var count: Int { compiled.withLock { $0.count } }

    func pattern(_ text: String) throws -> CompiledPattern {
        if let known = compiled.withLock({ $0[text] }) { return known }
        let pattern = try CompiledPattern(text)
        compiled.withLock { $0[text] = pattern }
        return pattern
    }
}

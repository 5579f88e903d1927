import RE2Matcher
import Synchronization

/// A regular expression of `matches`, compiled once when the rules are loaded, shared by every
/// rule that writes the same pattern, and remembering its answers.
///
/// Patterns come from a repository's `rules.d`, which a pull request controls, so they are matched
/// by RE2: no backtracking, time linear in the value, and a memory budget fixed when the pattern is
/// compiled. (A backtracking engine runs `(a+)+$` on 28 characters for minutes.) RE2's syntax is
/// the one Envoy, and so Istio's own `regex` fields, use; backreferences and lookaround do not
/// exist in it and are refused when the rule loads.
///
/// Rule packs repeat patterns and values recur across resources: the memo makes a pattern's cost
/// grow with the distinct values it sees, not with rules × resources.
final class CompiledPattern: @unchecked Sendable {
    // The RE2 object is immutable after compilation and safe to match from several threads; the
    // memo is behind a lock.
    private let regex: OpaquePointer
    private let memo = Mutex<[String: Bool]>([:])
    /// Beyond this many distinct values the memo stops growing (a bound on memory, not on answers).
    private static let memoLimit = 4096
    /// RE2's budget for one pattern's program and its matching caches. A pattern needing more is
    /// refused when it loads; matching never needs more.
    static let memoryBudget: Int64 = 2 << 20
    /// Longer patterns are refused before RE2 sees them.
    static let maximumLength = 4096

    /// Why a pattern was refused.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    init(_ pattern: String) throws(Problem) {
        guard pattern.utf8.count <= Self.maximumLength else {
            throw Problem(description: "the pattern is \(pattern.utf8.count) bytes long; at most \(Self.maximumLength) are allowed")
        }
        var status = MESHLINT_REGEX_OK
        var message = [CChar](repeating: 0, count: 256)
        let compiled: OpaquePointer? = pattern.utf8CString.withUnsafeBufferPointer { text in
            meshlint_regex_compile(text.baseAddress, text.count - 1, Self.memoryBudget, &status, &message, message.count)
        }
        guard let compiled else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw Problem(description: Self.explain(reason, status: status, pattern: pattern))
        }
        regex = compiled
    }

    deinit { meshlint_regex_free(regex) }

    /// True when the whole of `value` matches.
    func matches(_ value: String) -> Bool {
        if let known = memo.withLock({ $0[value] }) { return known }
        var value = value
        let answer = value.withUTF8 { meshlint_regex_full_match(regex, $0.baseAddress, $0.count) == 1 }
        memo.withLock { memo in
            if memo.count < Self.memoLimit { memo[value] = answer }
        }
        return answer
    }

    /// RE2's reason, with what to do about the constructs a backtracking engine has and RE2 does not.
    private static func explain(_ reason: String, status: meshlint_regex_status, pattern: String) -> String {
        if status == MESHLINT_REGEX_TOO_LARGE {
            return "the pattern is too large to match in bounded memory (\(reason)); simplify it or lower its repetition counts"
        }
        let lookaround = ["(?=", "(?!", "(?<=", "(?<!"].first { pattern.contains($0) }
        if let lookaround {
            return "lookaround (\(lookaround)...) is not supported: custom-rule patterns use RE2 syntax, matched in linear time "
                + "(RE2 says: \(reason))"
        }
        if reason.hasPrefix("invalid escape sequence: \\") && reason.dropFirst("invalid escape sequence: \\".count).first?.isNumber == true
            || pattern.contains("(?P=") || pattern.contains("\\k<") {
            return "backreferences are not supported: custom-rule patterns use RE2 syntax, matched in linear time (RE2 says: \(reason))"
        }
        return "\(reason) (custom-rule patterns use RE2 syntax)"
    }
}

/// The patterns of one load, by their text: a pattern is compiled once however many rules use it.
public final class PatternCache: @unchecked Sendable {
    // Used by one loader at a time, on one thread: the lock only keeps that promise cheap to trust.
    private let compiled = Mutex<[String: CompiledPattern]>([:])

    public init() {}

    /// How many distinct patterns were compiled.
    public var count: Int { compiled.withLock { $0.count } }

    func pattern(_ text: String) throws(CompiledPattern.Problem) -> CompiledPattern {
        if let known = compiled.withLock({ $0[text] }) { return known }
        let pattern = try CompiledPattern(text)
        compiled.withLock { $0[text] = pattern }
        return pattern
    }
}

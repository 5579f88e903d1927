import Rules
import Testing

/// `Glob` (exclude, ignore, custom rules' names and namespaces, sensitiveNamespaces): the
/// automaton agrees with the definition, and no pattern makes it slow.
@Suite("Glob matching")
struct GlobTests {
    /// The definition, as a direct backtracking matcher (exponential on hostile patterns, fine on
    /// the short ones generated here): the reference the automaton must agree with.
    static func reference(_ pattern: [Unicode.Scalar], _ p: Int, _ text: [Unicode.Scalar], _ t: Int) -> Bool {
        if p == pattern.count { return t == text.count }
        if pattern[p] == "*" {
            if p + 1 < pattern.count, pattern[p + 1] == "*" {
                if p + 2 < pattern.count, pattern[p + 2] == "/", reference(pattern, p + 3, text, t) { return true }
                return (t...text.count).contains { reference(pattern, p + 2, text, $0) }
            }
            var end = t
            while true {
                if reference(pattern, p + 1, text, end) { return true }
                guard end < text.count, text[end] != "/" else { return false }
                end += 1
            }
        }
        guard t < text.count else { return false }
        if pattern[p] == "?" { return text[t] != "/" && reference(pattern, p + 1, text, t + 1) }
        return pattern[p] == text[t] && reference(pattern, p + 1, text, t + 1)
    }

    @Test("Known cases")
    func knownCases() {
        let cases: [(String, String, Bool)] = [
            ("deploy/*.yaml", "deploy/a.yaml", true), ("deploy/*.yaml", "deploy/x/a.yaml", false),
            ("deploy/**/*.yaml", "deploy/a.yaml", true), ("deploy/**/*.yaml", "deploy/x/y/a.yaml", true),
            ("**", "a/b/c", true), ("**/vendor/**", "vendor/x", true), ("**/vendor/**", "a/vendor/b/c", true),
            ("pay?", "pays", true), ("pay?", "pay/", false), ("pay?", "pay", false), ("", "", true), ("", "a", false),
            ("*", "", true), ("*", "a/b", false), ("a**b", "a/x/b", true), ("legacy-*", "legacy-payments", true),
        ]
        for (pattern, text, expected) in cases {
            #expect(Glob(pattern).matches(text) == expected, "\(pattern) on \(text)")
        }
    }

    @Test("The automaton agrees with the definition on every short pattern and path")
    func agreesWithTheDefinition() {
        var generator = SplitMix(seed: 19)
        let alphabet: [Unicode.Scalar] = ["a", "b", "/", "*", "?"]
        let textAlphabet: [Unicode.Scalar] = ["a", "b", "/"]
        for _ in 0..<20_000 {
            let pattern = (0..<generator.next(upTo: 8)).map { _ in alphabet[generator.next(upTo: alphabet.count)] }
            let text = (0..<generator.next(upTo: 9)).map { _ in textAlphabet[generator.next(upTo: textAlphabet.count)] }
            let glob = Glob(String(String.UnicodeScalarView(pattern)))
            let expected = Self.reference(pattern, 0, text, 0)
            #expect(glob.matches(String(String.UnicodeScalarView(text))) == expected,
                    "\(String(String.UnicodeScalarView(pattern))) on \(String(String.UnicodeScalarView(text)))")
        }
    }

    @Test("Patterns that take a backtracking matcher minutes answer at once")
    func hostilePatterns() {
        let name = String(repeating: "a", count: 50)
        #expect(!Glob("*a*a*a*a*a*a*a*ab").matches(name))
        #expect(!Glob(String(repeating: "*a", count: 12) + "b").matches(name))
        #expect(!Glob(String(repeating: "**/a", count: 12) + "b").matches(String(repeating: "a/", count: 25)))
        #expect(Glob(String(repeating: "*a", count: 12)).matches(name))
    }
}

/// A small deterministic generator, so a failure is reproducible.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(upTo bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}

import CustomRules
import Foundation
import Rules
import Testing
import YAMLModel

/// `matches:` patterns come from a repository's rules.d: RE2 matches them without backtracking.
@Suite("Custom rules: patterns in linear time")
struct PatternTests {
    static let namespace = "{kinds: [Namespace], labels: {team: {matches: 'PATTERN'}}}"

    func matchingNamespaces(_ pattern: String, _ labels: [String]) throws -> Int {
        let rule = try rule(match: Self.namespace.replacingOccurrences(of: "PATTERN", with: pattern), assert: "  - {fact: ambient}")
        let manifests = labels.enumerated().map { number, label in
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns\(number), labels: {team: '\(label)'}}\n"
        }
        return manifests.map { check(rule, $0).count }.reduce(0, +)
    }

    @Test("A pattern that backtracks exponentially elsewhere answers at once, and rightly")
    func catastrophicPatternsAreLinear() throws {
        let clock = ContinuousClock()
        let started = clock.now
        // (a+)+$ against 28 a's and a mismatch: minutes for a backtracking engine.
        let hostile = String(repeating: "a", count: 28) + "!"
        #expect(try matchingNamespaces("(a+)+$", [hostile, "aaaa"]) == 1)
        #expect(try matchingNamespaces("(a|a)*b", [String(repeating: "a", count: 5_000)]) == 0)
        #expect(try matchingNamespaces("(x+x+)+y", [String(repeating: "x", count: 5_000)]) == 0)
        // Not a timing assertion: a bound no backtracking run of these would meet, to show the
        // engine in the failure message if it ever changed back.
        #expect(started.duration(to: clock.now) < .seconds(20))
    }

    @Test("Whole-value matching, Unicode and classes as RE2 reads them")
    func semantics() throws {
        #expect(try matchingNamespaces("team-[a-z]+", ["team-pay", "team-pay-2", "xteam-pay"]) == 1)
        #expect(try matchingNamespaces("(?i)PAY.*", ["payments", "Pay"]) == 2)
        #expect(try matchingNamespaces(#"\d{3}"#, ["123", "12a"]) == 1)
        #expect(try matchingNamespaces(#"\pL+"#, ["zahlungsverkehr", "zahlungs-verkehr", "ödeme"]) == 2)
        #expect(try matchingNamespaces("a|b", ["a", "b", "ab"]) == 2)
    }

    @Test("A pattern too large for the memory budget is refused when it loads")
    func budget() {
        let error = loadError(ruleDocument(
            match: Self.namespace.replacingOccurrences(of: "PATTERN", with: #"\pL{1000}"#), assert: "  - {fact: ambient}"))
        #expect(error?.message.contains("too large to match in bounded memory") == true, "\(String(describing: error))")
        let long = loadError(ruleDocument(
            match: Self.namespace.replacingOccurrences(of: "PATTERN", with: String(repeating: "a", count: 5_000)), assert: "  - {fact: ambient}"))
        #expect(long?.message.contains("at most 4096 are allowed") == true)
    }
}

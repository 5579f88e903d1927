import Foundation
import Testing
@testable import MeshLint
@testable import Rules
import YAMLModel

/// What the fuzzer (`scripts/fuzz`) holds every input to, replayed on the inputs it found and on
/// hand-made hostile ones (Fixtures/fuzz): each must scan and report without breaking a promise.
@Suite("Fuzzing regressions")
struct FuzzRegressionTests {
    static let directory = packageRoot.appendingPathComponent("Tests/MeshLintTests/Fixtures/fuzz")

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    @Test(arguments: inputs)
    func aFoundInputKeepsEveryPromise(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent(name)))
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        #expect(FuzzPipeline.violations(of: bytes, in: work.path) == [], "\(name)")
    }

    @Test func thereAreInputsToReplay() {
        #expect(Self.inputs.count >= 10)
    }

    @Test func thePromisesCanBeBroken() throws {
        // The oracle itself: JSON that is not valid, or holds a raw control character or broken
        // UTF-8, is caught; the longest string is measured after unescaping.
        #expect(throws: JSONSyntax.Problem.self) { try JSONSyntax.check(Array(#"{"a": "b\u0001"}"#.utf8) + [0x01]) }
        #expect(throws: JSONSyntax.Problem.self) { try JSONSyntax.check(Array("{\"a\": \"\u{1}\"}".utf8)) }
        #expect(throws: JSONSyntax.Problem.self) { try JSONSyntax.check([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONSyntax.Problem.self) { try JSONSyntax.check([0x22, 0xED, 0xA0, 0x80, 0x22]) }
        #expect(throws: JSONSyntax.Problem.self) { try JSONSyntax.check(Array("\"a\u{2028}b\"".utf8)) }
        #expect(throws: JSONSyntax.Problem.self) { try JSONSyntax.check(Array("\"a\u{9B}b\"".utf8)) }
        #expect(throws: JSONSyntax.Problem.self) { try JSONSyntax.check(Array(#"{"a": 1,}"#.utf8)) }
        #expect(throws: JSONSyntax.Problem.self) { try JSONSyntax.check(Array(#"[01]"#.utf8)) }
        #expect(throws: JSONSyntax.Problem.self) { try JSONSyntax.check(Array(#""\x""#.utf8)) }
        #expect(throws: JSONSyntax.Problem.self) { try JSONSyntax.check(Array("[1] [2]".utf8)) }
        #expect(throws: JSONSyntax.Problem.self) { try JSONSyntax.check(Array(String(repeating: "[", count: 300).utf8)) }
        let valid = try JSONSyntax.check(Array(#"{"k": ["\u00e9\n", -1.5e+3, true, false, null, {}], "é": "abcd"}"#.utf8))
        #expect(valid.longestString == 4)
    }

    @Test func aFindingQuotesAtMostItsCap() {
        let huge = String(repeating: "é", count: 1_000_000)
        let finding = Finding(
            ruleID: "x", severity: .error, message: "audience \(huge)", file: "f.yaml",
            span: Span(start: Mark(line: 1, column: 1), end: Mark(line: 1, column: 2)), resource: nil,
            related: [RelatedLocation(message: huge, file: "f.yaml", span: Span(start: Mark(line: 1, column: 1), end: Mark(line: 1, column: 2)), resource: nil)],
            remediation: huge)
        #expect(finding.message.utf8.count <= Finding.maxMessageLength)
        #expect(finding.message.hasPrefix("audience éé"))
        #expect(finding.message.hasSuffix("… (2000009 bytes, cut)"))
        #expect(finding.remediation.utf8.count <= Finding.maxRemediationLength)
        #expect(finding.related[0].message.utf8.count <= Finding.maxMessageLength)
        // Cut between code points: what is left is still whole characters.
        #expect(!finding.message.unicodeScalars.contains("\u{FFFD}"))
        let named = ResourceRef(apiVersion: "v1", kind: "Namespace", namespace: huge, name: huge)
        #expect(named.name.utf8.count <= 1_000 && (named.namespace?.utf8.count ?? 0) <= 1_000)
        let short = "audience payments"
        #expect(Finding.capped(short, to: Finding.maxMessageLength) == short)
    }
}

import Rules
import Testing
import YAMLModel
@testable import MeshLint

@Suite("Text reporter")
struct TextReporterTests {
    static let finding = Finding(
        ruleID: "demo-rule", severity: .error, message: "Something is wrong.", file: "<stdin>",
        span: Span(start: Mark(line: 2, column: 3), end: Mark(line: 2, column: 6)), resource: nil,
        remediation: "Do this:\n  step: one")

    func render(_ source: String, colored: Bool, finding: Finding = Self.finding) -> String {
        var summary = Scanner.Summary()
        summary.files = 1
        summary.errors = 1
        let result = Scanner.Result(findings: [finding], summary: summary, readErrors: [], standardInput: Array(source.utf8))
        return TextReporter(colored: colored, sources: SourceLines(standardInput: result.standardInput)).render(result)
    }

    @Test func plainOutputHasLocationCaretFixAndSummary() {
        let output = render("a: 1\nb: bad\n", colored: false)
        #expect(output == """
            <stdin>:2:3: error: Something is wrong. [demo-rule]
                b: bad
                  ^~~
              fix: Do this:
                     step: one

            1 error, 0 warnings, 0 notes in 1 file (0 resources)

            """)
        #expect(!output.contains("\u{1B}"))
    }

    @Test func colourIsOnlyAddedWhenAsked() {
        let output = render("a: 1\nb: bad\n", colored: true)
        #expect(output.contains("\u{1B}[1;31merror\u{1B}[0m"))
        #expect(output.contains("\u{1B}[32m^~~\u{1B}[0m"))
    }

    @Test func crlfSourcesAreQuotedWithoutCarriageReturns() {
        let output = render("a: 1\r\nb: bad\r\n", colored: false)
        #expect(output.contains("    b: bad\n"))
    }

    @Test func longLinesAreCutAroundTheSpan() {
        let line = String(repeating: "x", count: 500) + "TARGET" + String(repeating: "y", count: 500)
        let finding = Finding(
            ruleID: "demo-rule", severity: .warning, message: "Long.", file: "<stdin>",
            span: Span(line: 1, column: 501, length: 6), resource: nil, remediation: "Fix.")
        let output = render(line + "\n", colored: false, finding: finding)
        let lines = output.split(separator: "\n")
        #expect(lines[1].count < 130)
        #expect(lines[1].contains("…") && lines[1].contains("TARGET"))
        // The caret still stands under the span in the cut line.
        let quoted = Array(lines[1])
        let caret = Array(lines[2])
        let caretStart = caret.firstIndex(of: "^")!
        #expect(String(quoted[caretStart..<(caretStart + 6)]) == "TARGET")
    }
}

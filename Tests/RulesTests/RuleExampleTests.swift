import Rules
import Testing
import YAMLModel

/// One example of one rule, as a test argument.
struct ExampleCase: Sendable, CustomTestStringConvertible {
    let ruleID: String
    let example: Example
    let triggering: Bool
    let number: Int

    var testDescription: String {
        "\(ruleID) \(triggering ? "triggering" : "non-triggering") #\(number + 1)"
    }

    var sourceLocation: SourceLocation {
        SourceLocation(fileID: example.fileID, filePath: example.filePath, line: example.line, column: example.column)
    }

    static let all: [ExampleCase] = RuleCatalog.builtIn.flatMap { rule -> [ExampleCase] in
        let description = rule.description
        return description.triggeringExamples.enumerated().map {
            ExampleCase(ruleID: description.id, example: $1, triggering: true, number: $0)
        } + description.nonTriggeringExamples.enumerated().map {
            ExampleCase(ruleID: description.id, example: $1, triggering: false, number: $0)
        }
    }
}

/// Runs the whole pipeline (parse, index, rule) on an example and returns the rule's findings.
func findings(of ruleID: String, in example: Example) -> (findings: [Finding], marks: [Mark], problems: [InputProblem]) {
    let (yaml, marks) = example.unmarked
    let file = ManifestLoader.load(path: "example.yaml", bytes: Array(yaml.utf8), limits: example.limits)
    let context = LintContext(
        files: [file], options: MeshIndexOptions(rootNamespace: example.rootNamespace), settings: example.settings)
    guard let rule = RuleCatalog.rule(withID: ruleID) else { return ([], marks, file.problems) }
    return (rule.init().check(context), marks, file.problems)
}

@Suite("Rule examples")
struct RuleExampleTests {
    /// Every example of every rule: triggering ones must report exactly at their `↓` markers,
    /// non-triggering ones must report nothing. A failure points at the example in the rule's file.
    @Test(arguments: ExampleCase.all)
    func example(_ testCase: ExampleCase) {
        let (found, marks, problems) = findings(of: testCase.ruleID, in: testCase.example)
        let positions = found.map(\.span.start).sorted()
        // An example must be valid input unless the problem is what its rule reports: a broken
        // example would otherwise pass for the wrong reason.
        for problem in problems where !found.contains(where: { $0.span == problem.span }) {
            Issue.record("the example itself has an input problem: \(problem.message) at \(problem.span.start)",
                         sourceLocation: testCase.sourceLocation)
        }
        if testCase.triggering {
            if marks.isEmpty {
                Issue.record("a triggering example needs a ↓ marker", sourceLocation: testCase.sourceLocation)
            }
            if positions != marks.sorted() {
                Issue.record(
                    "expected findings at \(marks.sorted()), got \(positions): \(found.map(\.message))",
                    sourceLocation: testCase.sourceLocation)
            }
            for finding in found {
                #expect(finding.ruleID == testCase.ruleID, sourceLocation: testCase.sourceLocation)
                #expect(!finding.message.isEmpty && !finding.remediation.isEmpty, sourceLocation: testCase.sourceLocation)
                #expect(finding.span.end >= finding.span.start, sourceLocation: testCase.sourceLocation)
            }
        } else {
            if !marks.isEmpty {
                Issue.record("a non-triggering example must not carry ↓ markers", sourceLocation: testCase.sourceLocation)
            }
            if !found.isEmpty {
                Issue.record("expected no finding, got \(found.map { "\($0.span.start): \($0.message)" })",
                             sourceLocation: testCase.sourceLocation)
            }
        }
    }

    @Test("The example harness itself notices a marker in the wrong place")
    func harnessDetectsMisplacedMarker() {
        let misplaced = Example("""
            apiVersion: v1
            kind: Namespace
            ↓metadata:
              name: payments
              labels: {istio.io/dataplane-mode: ambient}
            """)
        let (found, marks, _) = findings(of: "ambient-namespace-without-default-deny", in: misplaced)
        #expect(found.count == 1)
        #expect(found.map(\.span.start) != marks)
    }

    @Test("The example harness sees a broken example")
    func harnessDetectsBrokenExamples() {
        let broken = Example("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n    bad: indent\n")
        let (found, _, problems) = findings(of: "ambient-namespace-without-default-deny", in: broken)
        #expect(found.isEmpty)
        #expect(problems.map(\.kind) == [.syntaxError])
    }
}

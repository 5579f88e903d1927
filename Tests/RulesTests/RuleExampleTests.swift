import MeshLintConfig
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

/// The file name an example's manifests are read as, and its configuration's.
let exampleFile = "example.yaml"
let exampleConfigurationFile = ".meshlint.yaml"

/// Runs the whole pipeline (parse, index, rule) on an example and returns the rule's findings and
/// the positions its markers expect, each with the file it is in.
func findings(of ruleID: String, in example: Example) -> (findings: [Finding], marks: [Mark], problems: [InputProblem]) {
    let (yaml, manifestMarks) = example.unmarked
    var marks = manifestMarks.map { ExpectedMark(file: exampleFile, mark: $0) }
    var options = MeshIndexOptions(rootNamespace: example.rootNamespace)
    var settings = example.settings
    if let text = example.configuration {
        let (configurationYAML, configurationMarks) = Example.unmark(text)
        marks += configurationMarks.map { ExpectedMark(file: exampleConfigurationFile, mark: $0) }
        do {
            let configuration = try Configuration.parse(Array(configurationYAML.utf8), file: exampleConfigurationFile)
            options = configuration.indexOptions(rootNamespace: configuration.rootNamespace ?? example.rootNamespace)
            settings = configuration.lintSettings(today: example.today)
        } catch {
            Issue.record("the example's configuration is invalid: \(error)")
        }
    }
    // Parsed as a scan parses it, with the pod-spec fields no rule reads pruned; the unpruned
    // tree must give the same findings (pruning never removes what a rule reads).
    let file = ManifestLoader.load(path: exampleFile, bytes: Array(yaml.utf8), limits: example.limits, pruning: .standard)
    let context = LintContext(files: [file], options: options, settings: settings)
    guard let rule = RuleCatalog.rule(withID: ruleID) else { return ([], marks.map(\.mark), file.problems) }
    let found = rule.init().check(context)
    let whole = ManifestLoader.load(path: exampleFile, bytes: Array(yaml.utf8), limits: example.limits)
    let unpruned = rule.init().check(LintContext(files: [whole], options: options, settings: settings))
    #expect(unpruned.map(\.fingerprint) == found.map(\.fingerprint), "pruning changed the findings of \(ruleID)")
    #expect(whole.problems.map(\.message) == file.problems.map(\.message))
    // Marks compare with the file they are in; a finding in another file can match none.
    return (found, marks.map { $0.file == exampleFile ? $0.mark : $0.shifted }, file.problems)
}

/// A marker's position and file. Marks in the configuration are kept apart from the manifests'
/// by moving them past any line a manifest could have, and findings there are moved the same way.
struct ExpectedMark {
    let file: String
    let mark: Mark
    var shifted: Mark { Mark(line: mark.line + ExpectedMark.configurationLineOffset, column: mark.column) }
    static let configurationLineOffset = 1_000_000
}

extension Finding {
    /// The start to compare with markers (see `ExpectedMark`).
    var markPosition: Mark {
        file == exampleConfigurationFile
            ? Mark(line: span.start.line + ExpectedMark.configurationLineOffset, column: span.start.column) : span.start
    }
}

@Suite("Rule examples")
struct RuleExampleTests {
    /// Every example of every rule: triggering ones must report exactly at their `↓` markers,
    /// non-triggering ones must report nothing. A failure points at the example in the rule's file.
    @Test(arguments: ExampleCase.all)
    func example(_ testCase: ExampleCase) {
        let (found, marks, problems) = findings(of: testCase.ruleID, in: testCase.example)
        let positions = found.map(\.markPosition).sorted()
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

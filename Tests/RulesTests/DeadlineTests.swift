import Foundation
import Rules
import Testing
import YAMLModel

/// `--timeout` inside the rules: a rule still running when the time runs out is reported as
/// stopped, never as complete, and long rules stop early on their own.
@Suite("The deadline inside rules")
struct DeadlineTests {
    /// A rule that works for `duration` without asking the deadline, then reports one finding.
    struct SlowRule: Rule {
        let duration: Duration
        var description: RuleDescription {
            RuleDescription(
                id: "slow-test-rule", name: "Slow", summary: "Slow.", rationale: "Tests.", remediation: "None.",
                severity: .warning, area: .authorization, tags: [], precision: .high, references: [], inputs: [],
                triggeringExamples: [], nonTriggeringExamples: [])
        }
        func check(_ context: LintContext) -> [Finding] {
            Thread.sleep(forTimeInterval: Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
            return []
        }
    }

    @Test("A rule that runs past the deadline is stopped, and the scan-incomplete finding says so")
    func overrunIsIncomplete() throws {
        let context = LintContext(files: [ManifestLoader.load(path: "a.yaml", bytes: Array("kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n".utf8))])
        let linter = Linter(rules: [SlowRule(duration: .milliseconds(300))], deadline: ContinuousClock.now.advanced(by: .milliseconds(50)))
        let outcome = linter.timedLint(context)
        #expect(outcome.stopped == ["slow-test-rule"])
        #expect(outcome.notRun.isEmpty)
        let finding = try #require(Linter.findingForIncompleteRules(outcome, file: "a.yaml"))
        #expect(finding.ruleID == ScanIncomplete.ruleID && finding.severity == .error)
        #expect(finding.message.contains("stopped 1 rule while they ran (slow-test-rule)"))
        // In time, nothing is reported.
        let relaxed = Linter(rules: [SlowRule(duration: .milliseconds(1))], deadline: ContinuousClock.now.advanced(by: .seconds(60)))
        #expect(Linter.findingForIncompleteRules(relaxed.timedLint(context), file: "a.yaml") == nil)
    }

    @Test("access-expectation-failed stops between cases once the deadline has passed")
    func accessCasesStop() throws {
        let files = try LinterTests.exampleFiles("payments-guide")
        var context = LintContext(files: files)
        let rule = try #require(RuleCatalog.builtIn.first { $0.description.id == "access-expectation-failed" }).init()
        #expect(!rule.check(context).isEmpty)
        context.deadline = Deadline(ContinuousClock.now.advanced(by: .seconds(-1)))
        #expect(rule.check(context).isEmpty)
    }
}

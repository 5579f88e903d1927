import MeshLintConfig
import Rules
import YAMLModel

/// Runs one example of a rule the way the built-in rules' example tests do: triggering examples
/// must report exactly at their `↓` markers (in the manifests or the example's `.meshlint.yaml`),
/// non-triggering ones must report nothing, and an example with an input problem its rule does
/// not report fails. `meshlint rules test DIR` runs custom rules' examples with it.
public enum ExampleRunner {
    public static let manifestFile = "example.yaml"
    public static let configurationFile = ".meshlint.yaml"
    private static let configurationLineOffset = 1_000_000

    /// The problems of the example; empty when it passes.
    public static func run(_ rule: any Rule, _ example: Example, triggering: Bool) -> [String] {
        var problems: [String] = []
        let (yaml, manifestMarks) = example.unmarked
        var marks = manifestMarks
        var options = MeshIndexOptions(rootNamespace: example.rootNamespace)
        var settings = example.settings
        if let text = example.configuration {
            let (configurationYAML, configurationMarks) = Example.unmark(text)
            marks += configurationMarks.map { Mark(line: $0.line + configurationLineOffset, column: $0.column) }
            do {
                let configuration = try Configuration.parse(Array(configurationYAML.utf8), file: configurationFile)
                options = configuration.indexOptions(rootNamespace: configuration.rootNamespace ?? example.rootNamespace)
                settings = configuration.lintSettings(today: example.today)
            } catch {
                problems.append("the example's configuration is invalid: \(error)")
            }
        }
        // Parsed as a scan parses, pruning included, so an example sees what the rule will see.
        let file = ManifestLoader.load(
            path: manifestFile, bytes: Array(yaml.utf8), limits: example.limits, pruning: .standard.retaining(keys: (rule as? CustomRule)?.fieldPathKeys ?? []))
        let context = LintContext(files: [file], options: options, settings: settings)
        let found = rule.check(context)
        let positions = found.map { finding in
            finding.file == configurationFile
                ? Mark(line: finding.span.start.line + configurationLineOffset, column: finding.span.start.column)
                : finding.span.start
        }.sorted()
        func shown(_ mark: Mark) -> String {
            mark.line > configurationLineOffset
                ? "\(configurationFile):\(mark.line - configurationLineOffset):\(mark.column)" : "\(mark.line):\(mark.column)"
        }
        for problem in file.problems where !found.contains(where: { $0.span == problem.span }) {
            problems.append("the example itself has an input problem: \(problem.message) at \(problem.span.start)")
        }
        let id = rule.description.id
        if triggering {
            if marks.isEmpty { problems.append("a triggering example needs a ↓ marker") }
            if positions != marks.sorted() {
                problems.append(
                    "expected findings at \(marks.sorted().map(shown).joined(separator: ", ")), got "
                        + (positions.isEmpty ? "none" : positions.map(shown).joined(separator: ", ")) + ": \(found.map(\.message))")
            }
            for finding in found {
                if finding.ruleID != id { problems.append("a finding has rule id \(finding.ruleID), not \(id)") }
                if finding.message.isEmpty || finding.remediation.isEmpty {
                    problems.append("a finding at \(finding.span.start) has no message or remediation")
                }
                if finding.span.end < finding.span.start { problems.append("a finding's span ends before it starts") }
            }
        } else {
            if !marks.isEmpty { problems.append("a non-triggering example must not carry ↓ markers") }
            if !found.isEmpty {
                problems.append("expected no finding, got \(found.map { "\($0.span.start): \($0.message)" })")
            }
        }
        return problems
    }

    /// Every example of `rule`, each with its problems (empty when it passes).
    public static func runAll(_ rule: any Rule) -> [(example: Example, triggering: Bool, problems: [String])] {
        let description = rule.description
        return description.triggeringExamples.map { ($0, true, run(rule, $0, triggering: true)) }
            + description.nonTriggeringExamples.map { ($0, false, run(rule, $0, triggering: false)) }
    }
}

import ArgumentParser
import CustomRules
import Rules

/// `meshlint rules`: the catalogue (built-in and custom rules) as a table, by area; `rules test`
/// runs a rules directory's own examples.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "List every rule: id, severity, summary, by area.",
        subcommands: [RulesListCommand.self, RulesTestCommand.self], defaultSubcommand: RulesListCommand.self)

    /// The rules grouped by area (in `RuleArea` order), each group sorted by id.
    static func table(_ descriptions: [RuleDescription]) -> String {
        let idWidth = max(descriptions.map(\.id.count).max() ?? 0, 2)
        let severityWidth = 8
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(width - text.count, 0)) }
        var output = pad("ID", idWidth) + "  " + pad("SEVERITY", severityWidth) + "  SUMMARY\n"
        for area in RuleArea.allCases {
            let members = descriptions.filter { $0.area == area }.sorted { $0.id < $1.id }
            guard !members.isEmpty else { continue }
            output += "\n\(area.rawValue)\n"
            for description in members {
                output += pad(description.id, idWidth) + "  " + pad(description.severity.rawValue, severityWidth) + "  "
                    + description.summary + "\n"
            }
        }
        return output
    }
}

struct RulesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List every rule (the default).")

    @Option(name: .customLong("rules-dir"), help: "Also list the custom rules of this directory. Repeatable.")
    var rulesDir: [String] = []

    func run() throws {
        let custom = try CustomRuleSources.load(directories: CustomRuleSources.directories(paths: ["."], extra: rulesDir))
        FileHandle.writeToStandardOutput(RulesCommand.table(RuleCatalog.builtIn.map { $0.description } + custom.map(\.description)))
    }
}

/// `meshlint rules test DIR`: a team tests its own rules the way MeshLint tests its built-ins.
struct RulesTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Run the triggering and non-triggering examples of the custom rules in a directory.")

    @Argument(help: "Directories of custom rule files.")
    var directories: [String]

    func run() throws {
        let rules = try CustomRuleSources.load(directories: directories)
        var failures = 0
        var passed = 0
        for rule in rules {
            let description = rule.description
            for (triggering, examples) in [(true, description.triggeringExamples), (false, description.nonTriggeringExamples)] {
                for (number, example) in examples.enumerated() {
                    let problems = ExampleRunner.run(rule, example, triggering: triggering)
                    let label = "\(description.id) \(triggering ? "triggering" : "non-triggering") example \(number + 1)"
                    if problems.isEmpty {
                        passed += 1
                        FileHandle.writeToStandardOutput("ok    \(label)\n")
                    } else {
                        failures += 1
                        FileHandle.writeToStandardOutput("FAIL  \(label)\n" + problems.map { "      \($0)\n" }.joined())
                    }
                }
            }
        }
        FileHandle.writeToStandardOutput("\(passed) passed, \(failures) failed\n")
        if failures > 0 { throw ExitCode.findings }
    }
}

import ArgumentParser
import Rules

/// `meshlint explain ID`: everything a rule knows about itself.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Explain a rule: rationale, fix, examples and references.")

    @Argument(help: "The rule id, as `meshlint rules` lists it.")
    var id: String

    func run() throws {
        guard let rule = RuleCatalog.rule(withID: id) else {
            let close = RuleCatalog.builtIn.map { $0.description.id }.filter { $0.contains(id) || id.contains($0) }
            var message = "meshlint: no rule \"\(id)\""
            if !close.isEmpty { message += "; did you mean \(close.joined(separator: ", "))?" }
            FileHandle.writeToStandardError(message + " (see `meshlint rules`)\n")
            throw ExitCode.usageOrIOError
        }
        FileHandle.writeToStandardOutput(Self.render(rule.description))
    }

    static func render(_ description: RuleDescription) -> String {
        var output = "\(description.id) (\(description.severity.rawValue)): \(description.name)\n\n"
        output += description.summary + "\n\n"
        output += "Why\n" + indent(description.rationale) + "\n\n"
        output += "Fix\n" + indent(description.remediation) + "\n"
        for (title, examples) in [("Triggering", description.triggeringExamples), ("Not triggering", description.nonTriggeringExamples)] {
            for (number, example) in examples.enumerated() {
                let (yaml, marks) = example.unmarked
                output += "\n\(title) example \(number + 1)"
                if !marks.isEmpty {
                    output += " (finding at " + marks.map { "line \($0.line), column \($0.column)" }.joined(separator: "; ") + ")"
                }
                output += "\n" + indent(yaml.hasSuffix("\n") ? String(yaml.dropLast()) : yaml) + "\n"
            }
        }
        if !description.references.isEmpty {
            output += "\nReferences\n" + description.references.map { "  \($0)" }.joined(separator: "\n") + "\n"
        }
        return output
    }

    private static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  \($0)" }.joined(separator: "\n")
    }
}

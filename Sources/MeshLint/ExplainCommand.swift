import ArgumentParser
import CustomRules
import Rules

/// `meshlint explain ID`: everything a rule knows about itself.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Explain a rule: rationale, fix, examples and references.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown }

    @Argument(help: "The rule id, as `meshlint rules` lists it.")
    var id: String

    @Option(name: [.short, .long], help: "text, or markdown (the same text SARIF carries as help.markdown).")
    var format: Format = .text

    @Option(name: .customLong("rules-dir"), help: "Also look among the custom rules of this directory. Repeatable.")
    var rulesDir: [String] = []

    func run() throws {
        let custom = try CustomRuleSources.load(directories: CustomRuleSources.directories(paths: ["."], extra: rulesDir))
        let descriptions = RuleCatalog.builtIn.map { $0.description } + custom.map(\.description)
        guard let description = descriptions.first(where: { $0.id == id }) else {
            let close = descriptions.map(\.id).filter { $0.contains(id) || id.contains($0) }
            var message = "meshlint: no rule \"\(id)\""
            if !close.isEmpty { message += "; did you mean \(close.joined(separator: ", "))?" }
            FileHandle.writeToStandardError(message + " (see `meshlint rules`)\n")
            throw ExitCode.usageOrIOError
        }
        switch format {
        case .text: FileHandle.writeToStandardOutput(RuleDocumentation.text(description))
        case .markdown: FileHandle.writeToStandardOutput(RuleDocumentation.markdown(description))
        }
    }
}

import ArgumentParser
import Rules

/// `meshlint rules`: the catalogue as a table.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "List every rule: id, severity, summary.")

    func run() {
        print(Self.table(RuleCatalog.builtIn.map { $0.description }), terminator: "")
    }

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

import Rules

/// Where one compliance requirement stands in a report: the findings of the rules that support
/// it. A requirement is never shown as met (no rule satisfies one on its own), only as failing,
/// weakened, or with no finding from its rules.
public struct RequirementStatus: Sendable {
    public enum State: String, Sendable {
        /// A supporting rule has an error.
        case failing
        /// A supporting rule has a warning, none an error.
        case weakened
        /// The supporting rules ran and found nothing above a note.
        case noFinding = "no finding"
        /// No rule that ran supports it.
        case notChecked = "not checked"

        public var symbol: String {
            switch self {
            case .failing: "✘"
            case .weakened: "◐"
            case .noFinding: "✔"
            case .notChecked: "—"
            }
        }
    }

    public let state: State
    /// The supporting rules that ran.
    public let rules: [String]
    /// The supporting rules with findings, and how many of each severity.
    public let rulesWithFindings: [String]
    public let errors: Int
    public let warnings: Int
    public let notes: Int

    /// `✘ failing: 2 errors, 1 warning (peer-authentication-not-strict, ...)`.
    public var summary: String {
        var counts: [String] = []
        if errors > 0 { counts.append("\(errors) error" + (errors == 1 ? "" : "s")) }
        if warnings > 0 { counts.append("\(warnings) warning" + (warnings == 1 ? "" : "s")) }
        if notes > 0 { counts.append("\(notes) note" + (notes == 1 ? "" : "s")) }
        switch state {
        case .notChecked: return "\(state.symbol) \(state.rawValue): no rule that ran supports it"
        case .noFinding:
            return "\(state.symbol) \(state.rawValue) from \(rules.count) rule" + (rules.count == 1 ? "" : "s")
                + (counts.isEmpty ? "" : " (" + counts.joined(separator: ", ") + ")")
        case .failing, .weakened:
            return "\(state.symbol) \(state.rawValue): " + counts.joined(separator: ", ") + " (" + rulesWithFindings.joined(separator: ", ") + ")"
        }
    }
}

extension PostureReport {
    /// The status of `requirement` of `framework`, from the report's (unsuppressed) findings.
    public func status(of requirement: ComplianceMapping.Requirement, in framework: ComplianceMapping.Framework) -> RequirementStatus {
        let rules = self.rules.filter { compliance.rules[$0.id]?[framework.id]?.contains(requirement.id) ?? false }.map(\.id)
        let supporting = Set(rules)
        let relevant = findings.filter { supporting.contains($0.rule) }
        let errors = relevant.filter { $0.severity == .error }.count
        let warnings = relevant.filter { $0.severity == .warning }.count
        let notes = relevant.filter { $0.severity == .note }.count
        let state: RequirementStatus.State = rules.isEmpty ? .notChecked : errors > 0 ? .failing : warnings > 0 ? .weakened : .noFinding
        let withFindings = rules.filter { rule in relevant.contains { $0.rule == rule && $0.severity >= .warning } }
        return RequirementStatus(
            state: state, rules: rules, rulesWithFindings: withFindings, errors: errors, warnings: warnings, notes: notes)
    }
}

import Rules
import YAMLModel

/// A finding kept out of the report, and why.
struct SuppressedFinding {
    enum Kind: String {
        /// `ignore.meshlint.io/<rule-id>` on the resource.
        case annotation
        /// An `ignore` entry of the configuration file.
        case configuration
    }

    let finding: Finding
    let kind: Kind
    let reason: String
    /// Where the suppression is written.
    let file: String
    /// The last day a configuration `ignore` entry applies (nil: an annotation, or no expiry).
    var expires: CalendarDate?
    let span: Span
}

/// Applies suppressions: the resource's own annotation first, then the configuration's `ignore`
/// entries that have not expired. A suppression always carries a reason; an empty one suppresses
/// nothing (the `suppression-reason-missing` rule reports it).
enum Suppressor {
    static func apply(
        _ findings: [Finding], resources: [ResourceOrigin: Resource], settings: LintSettings
    ) -> (kept: [Finding], suppressed: [SuppressedFinding]) {
        let active = settings.ignores.filter { !$0.isExpired(on: settings.today) }
        var kept: [Finding] = []
        var suppressed: [SuppressedFinding] = []
        for finding in findings {
            if let origin = finding.origin, let resource = resources[origin],
               let entry = SuppressionAnnotation.reason(for: finding.ruleID, on: resource) {
                suppressed.append(SuppressedFinding(
                    finding: finding, kind: .annotation, reason: entry.value, file: resource.file,
                    span: resource.reportSpan(entry.entrySpan)))
            } else if let entry = active.first(where: { $0.matches(finding) }) {
                suppressed.append(SuppressedFinding(
                    finding: finding, kind: .configuration, reason: entry.reason, file: entry.file, expires: entry.expires, span: entry.span))
            } else {
                kept.append(finding)
            }
        }
        return (kept, suppressed)
    }
}

import Rules

/// A Markdown summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment: counts by severity and
/// by rule, then each finding with a `path:line` link.
struct MarkdownReporter {
    let context: ReportContext

    func render(_ result: Scanner.Result) -> String {
        let summary = result.summary
        var output = "## MeshLint\n\n"
        if result.findings.isEmpty {
            output += "No findings in \(summary.files) files (\(summary.resources) resources).\n"
            return output
        }
        output += "| errors | warnings | notes | files | resources |\n| ---: | ---: | ---: | ---: | ---: |\n"
        output += "| \(summary.errors) | \(summary.warnings) | \(summary.notes) | \(summary.files) | \(summary.resources) |\n\n"

        var counts: [String: (severity: Severity, count: Int)] = [:]
        for finding in result.findings {
            counts[finding.ruleID, default: (finding.severity, 0)].count += 1
        }
        let summaries = Dictionary(context.rules.map { ($0.id, $0.summary) }, uniquingKeysWith: { first, _ in first })
        output += "| rule | severity | findings | what it finds |\n| --- | --- | ---: | --- |\n"
        for (rule, entry) in counts.sorted(by: { ($0.value.severity, $1.key) > ($1.value.severity, $0.key) }) {
            output += "| `\(rule)` | \(entry.severity.rawValue) | \(entry.count) | \(Self.cell(summaries[rule] ?? "")) |\n"
        }
        output += "\n### Findings\n\n"
        for finding in result.findings {
            let path = context.repositoryPath(finding.file) ?? finding.file
            let location = "\(path):\(finding.span.start.line)"
            let link = finding.file == Scanner.standardInputName ? "`\(location)`" : "[\(location)](\(path)#L\(finding.span.start.line))"
            output += "- **\(finding.severity.rawValue)** \(link) `\(finding.ruleID)`: \(Self.inline(finding.message))\n"
        }
        return output
    }

    /// Text for a table cell: no pipes or line breaks.
    static func cell(_ text: String) -> String {
        inline(text).split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
    }

    static func inline(_ text: String) -> String {
        text.split(separator: "\n").joined(separator: " ")
    }
}

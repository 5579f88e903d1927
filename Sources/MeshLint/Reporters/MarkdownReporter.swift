import Rules

/// A Markdown summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment: counts by severity and
/// by rule, then each finding with a `path:line` link. Every value from the input goes through
/// `Markdown`, so a file or resource name cannot add a heading, a link, an image, a mention or a
/// comment that hides what follows.
struct MarkdownReporter {
    let context: ReportContext

    func render(_ result: Scanner.Result) -> String {
        let summary = result.summary
        var output = "## MeshLint\n\n"
        if result.findings.isEmpty {
            output += "No findings in \(summary.files) files (\(summary.resources) resources).\n"
            return output + configurationSection(summary)
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
            output += "| \(Markdown.code(rule, inTable: true)) | \(entry.severity.rawValue) | \(entry.count) | "
                + "\(Markdown.prose(summaries[rule] ?? "", inTable: true)) |\n"
        }
        output += "\n### Findings\n\n"
        for finding in result.findings {
            let path = context.repositoryPath(finding.file) ?? finding.file
            let line = finding.span.start.line
            let location = Markdown.code("\(path):\(line)")
            let link = finding.file == Scanner.standardInputName ? location : "[\(location)](\(Markdown.destination(path))#L\(line))"
            // The first line is the finding; the lines after it (an access trace) keep their
            // layout in a block under it.
            let lines = finding.message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            output += "- **\(finding.severity.rawValue)** \(link) \(Markdown.code(finding.ruleID)): \(Markdown.prose(String(lines[0])))\n"
            if lines.count > 1 { output += "\n" + Markdown.fenced(String(lines[1]), indent: "  ") + "\n\n" }
        }
        return output + configurationSection(summary)
    }

    /// The configuration in effect, when it changed anything: a pull request's `.meshlint.yaml`
    /// that excluded every file or disabled the rules shows here, beside the result it caused.
    private func configurationSection(_ summary: Scanner.Summary) -> String {
        guard !context.configuration.isQuiet(summary) else { return "" }
        return "\n### Configuration in effect\n\n" + context.configuration.lines(summary).map { "- " + Markdown.prose($0) + "\n" }.joined()
    }
}

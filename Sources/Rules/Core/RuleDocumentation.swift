import YAMLModel

/// A rule's documentation rendered once, from its `RuleDescription`, for every place that shows it:
/// `meshlint explain` (text or Markdown) and SARIF's `help.text` / `help.markdown`.
public enum RuleDocumentation {
    /// Plain text: title, summary, why, fix, examples with where each finding lands, references.
    public static func text(_ description: RuleDescription) -> String {
        var output = "\(description.id) (\(description.severity.rawValue)): \(description.name)\n\n"
        output += description.summary + "\n\n"
        output += "Why\n" + indent(description.rationale) + "\n\n"
        output += "Fix\n" + indent(description.remediation) + "\n"
        for (title, number, example) in numberedExamples(description) {
            let (yaml, marks) = example.unmarked
            output += "\n\(title) example \(number)"
            if !marks.isEmpty { output += " (finding at " + positions(marks) + ")" }
            output += "\n" + indent(trimmed(yaml)) + "\n"
            if let configuration = example.configuration {
                let (text, configurationMarks) = Example.unmark(configuration)
                output += "  with .meshlint.yaml (on \(example.today))"
                if !configurationMarks.isEmpty { output += ", finding at " + positions(configurationMarks) }
                output += ":\n" + indent(indent(trimmed(text))) + "\n"
            }
        }
        if !description.references.isEmpty {
            output += "\nReferences\n" + description.references.map { "  \($0)" }.joined(separator: "\n") + "\n"
        }
        return output
    }

    /// Markdown: the same content, with the YAML in fenced blocks. A custom rule's texts come from
    /// a repository's `rules.d`, so every text is written through `Markdown`: its `code spans` stay
    /// code, nothing else can become a link, an image, HTML or a heading.
    public static func markdown(_ description: RuleDescription) -> String {
        var output = "## \(Markdown.text(description.name)) (\(Markdown.code(description.id)))\n\n"
        output += "**Severity:** \(description.severity.rawValue)"
        if let score = description.securitySeverity { output += " · **security-severity:** \(score)" }
        output += " · **tags:** " + description.tags.map(Markdown.text).joined(separator: ", ") + "\n\n"
        output += Markdown.prose(description.summary) + "\n\n"
        output += "### Why\n\n" + Markdown.paragraphs(description.rationale) + "\n\n"
        output += "### Fix\n\n" + fencedWhereYAML(description.remediation)
        for (title, number, example) in numberedExamples(description) {
            let (yaml, marks) = example.unmarked
            output += "\n### \(title) example \(number)\n\n"
            if !marks.isEmpty { output += "Finding at " + positions(marks) + ".\n\n" }
            output += Markdown.fenced(trimmed(yaml), info: "yaml") + "\n"
            if let configuration = example.configuration {
                let (text, configurationMarks) = Example.unmark(configuration)
                output += "\nWith this `.meshlint.yaml`, on \(example.today)"
                if !configurationMarks.isEmpty { output += " (finding at " + positions(configurationMarks) + ")" }
                output += ":\n\n" + Markdown.fenced(trimmed(text), info: "yaml") + "\n"
            }
        }
        if !description.references.isEmpty {
            output += "\n### References\n\n" + description.references.map { "- " + Markdown.link($0) }.joined(separator: "\n") + "\n"
        }
        return output
    }

    private static func numberedExamples(_ description: RuleDescription) -> [(String, Int, Example)] {
        description.triggeringExamples.enumerated().map { ("Triggering", $0 + 1, $1) }
            + description.nonTriggeringExamples.enumerated().map { ("Not triggering", $0 + 1, $1) }
    }

    private static func positions(_ marks: [Mark]) -> String {
        marks.map { "line \($0.line), column \($0.column)" }.joined(separator: "; ")
    }

    private static func trimmed(_ yaml: String) -> String {
        var text = yaml
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// The lines of `text`, split on line feeds by bytes (splitting Characters is far slower, and
    /// every SARIF report renders the documentation of every rule).
    private static func lines(_ text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func indent(_ text: String) -> String {
        lines(text).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
    }

    /// A remediation is prose, then (often) YAML from the first line that looks like a key: the
    /// YAML part goes into a fenced block.
    private static func fencedWhereYAML(_ text: String) -> String {
        let lines = lines(text)
        guard let start = lines.firstIndex(where: looksLikeYAML) else { return Markdown.paragraphs(text) + "\n" }
        let prose = Markdown.paragraphs(lines[..<start].joined(separator: "\n"))
        let yaml = lines[start...].joined(separator: "\n")
        return (prose.isEmpty ? "" : prose + "\n\n") + Markdown.fenced(yaml, info: "yaml") + "\n"
    }

    private static func looksLikeYAML(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        if trimmed.hasPrefix("- ") || trimmed.hasPrefix("#") { return true }
        guard let colon = trimmed.firstIndex(of: ":") else { return false }
        let key = trimmed[..<colon]
        return !key.isEmpty && !key.contains(" ") && (trimmed.index(after: colon) == trimmed.endIndex || trimmed[trimmed.index(after: colon)] == " ")
    }
}

import Rules

/// GitHub Actions workflow commands: one annotation per finding, on the diff, without SARIF upload.
/// `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=rule-id::message`.
struct GitHubReporter {
    let context: ReportContext

    func render(_ result: Scanner.Result) -> String {
        result.findings.map(annotation).joined()
    }

    private func annotation(_ finding: Finding) -> String {
        let command = switch finding.severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "notice"
        }
        var properties: [(String, String)] = []
        if let path = context.repositoryPath(finding.file) { properties.append(("file", path)) }
        properties += [
            ("line", String(finding.span.start.line)),
            ("col", String(finding.span.start.column)),
            ("endLine", String(finding.span.end.line)),
            ("endColumn", String(finding.span.end.column)),
            ("title", finding.ruleID),
        ]
        let rendered = properties.map { "\($0.0)=\(Self.escapeProperty($0.1))" }.joined(separator: ",")
        let message = finding.message + "\n\nFix: " + finding.remediation
        return "::\(command) \(rendered)::\(Self.escapeData(message))\n"
    }

    /// The escaping GitHub's runner applies to a command's message, and a U+200B inside `##[`,
    /// which the runner would otherwise read as a legacy command anywhere in the line.
    static func escapeData(_ text: String) -> String {
        var output = ""
        let scalars = Array(text.unicodeScalars)
        for (index, character) in scalars.enumerated() {
            switch character {
            case "%": output += "%25"
            case "\r": output += "%0D"
            case "\n": output += "%0A"
            case "#" where index + 2 < scalars.count && scalars[index + 1] == "#" && scalars[index + 2] == "[":
                output += "#\u{200B}"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }

    /// Property values also escape the separators `:` and `,`.
    static func escapeProperty(_ text: String) -> String {
        escapeData(text).split(separator: ":", omittingEmptySubsequences: false).joined(separator: "%3A")
            .split(separator: ",", omittingEmptySubsequences: false).joined(separator: "%2C")
    }
}

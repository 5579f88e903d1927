import Rules
import YAMLModel

/// The human format: `path:line:col: severity: message [rule-id]`, the source line with a caret
/// under the span, the fix, the related locations, then a one-line summary.
struct TextReporter {
    var colored: Bool
    var sources: SourceLines
    var showSuppressed = false
    /// What the configuration changed; shown above the summary line unless it changed nothing.
    var configuration = EffectiveConfiguration()

    func render(_ result: Scanner.Result) -> String {
        var output = ""
        for finding in result.findings {
            let location = "\(visible(finding.file)):\(finding.span.start.line):\(finding.span.start.column)"
            output += "\(paint(location, .bold)): \(paint(finding.severity.rawValue, Self.color(finding.severity))): "
            // A message's first line is the finding; the lines after it (an access trace) follow
            // on lines of their own, each made visible alone.
            let lines = finding.message.split(separator: "\n", omittingEmptySubsequences: false)
            output += "\(visible(String(lines[0]))) \(paint("[\(visible(finding.ruleID))]", .dim))"
            output += finding.viaChange ? " (caused by the change)\n" : "\n"
            for line in lines.dropFirst() { output += visible(String(line)) + "\n" }
            if let line = sources.line(finding.span.start.line, of: finding.file), !line.isEmpty {
                let redacted = SecretRedaction.redact(line, allValues: finding.resource?.kind == "Secret", values: finding.secretValues)
                let (excerpt, span) = Self.excerpt(of: visible(redacted), around: finding.span)
                output += "    \(excerpt)\n"
                output += "    \(caret(under: span, in: excerpt))\n"
            }
            let fix = finding.remediation.split(separator: "\n", omittingEmptySubsequences: false)
            if let first = fix.first {
                output += "  \(paint("fix:", .bold)) \(visible(String(first)))\n"
                for line in fix.dropFirst() { output += "       \(visible(String(line)))\n" }
            }
            for related in finding.related {
                output += "  related: \(visible(related.file)):\(related.span.start.line):\(related.span.start.column): \(visible(related.message))\n"
            }
            output += "\n"
        }
        if showSuppressed && !result.suppressed.isEmpty {
            output += "Suppressed:\n"
            for item in result.suppressed {
                let finding = item.finding
                output += "  \(visible(finding.file)):\(finding.span.start.line):\(finding.span.start.column): \(visible(finding.ruleID)): "
                output += "\(visible(finding.message))\n    reason (\(item.kind.rawValue), \(visible(item.file)):\(item.span.start.line)): "
                    + "\(visible(item.reason))\n"
            }
            output += "\n"
        }
        if let baseline = result.baseline, !baseline.stale.isEmpty {
            output += "Baseline entries no longer found in \(visible(baseline.file)) (run with --write-baseline to shrink it):\n"
            for entry in baseline.stale { output += "  \(visible(entry.rule)) \(visible(entry.resource)) (\(visible(entry.file)))\n" }
            output += "\n"
        }
        if !configuration.isQuiet(result.summary) {
            output += configuration.lines(result.summary).map { visible($0) + "\n" }.joined()
        }
        output += summaryLine(result.summary) + "\n"
        return output
    }

    /// Input text with its control characters made visible (`UntrustedText.visible`).
    func visible(_ text: String) -> String { UntrustedText.visible(text) }

    private func summaryLine(_ summary: Scanner.Summary) -> String {
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        var line = "\(count(summary.errors, "error")), \(count(summary.warnings, "warning")), \(count(summary.notes, "note"))"
        line += " in \(count(summary.files, "file")) (\(count(summary.resources, "resource"))"
        if summary.skipped > 0 { line += ", \(summary.skipped) skipped without apiVersion/kind" }
        line += ")"
        if summary.suppressed > 0 { line += "; \(summary.suppressed) suppressed" }
        if summary.baselined > 0 { line += "; \(summary.baselined) in the baseline" }
        return line
    }

    /// Longest source line quoted whole; longer ones (minified JSON, a generated document) are cut
    /// to a window around the span.
    static let maxQuotedWidth = 120

    /// The part of `line` to quote, and the span shifted to it.
    static func excerpt(of line: String, around span: Span) -> (String, Span) {
        let scalars = Array(line.unicodeScalars)
        guard scalars.count > maxQuotedWidth else { return (line, span) }
        let start = min(max(span.start.column - 1 - maxQuotedWidth / 4, 0), scalars.count)
        let end = min(start + maxQuotedWidth, scalars.count)
        var text = String(String.UnicodeScalarView(scalars[start..<end]))
        var shift = start
        if start > 0 {
            text = "…" + text
            shift -= 1
        }
        if end < scalars.count { text += "…" }
        let moved = Span(
            start: Mark(line: span.start.line, column: span.start.column - shift),
            end: Mark(line: span.end.line, column: span.end.column - shift))
        return (text, moved)
    }

    /// `^~~~` under the span's code points on its first line (to the line's end when it goes on).
    private func caret(under span: Span, in line: String) -> String {
        let scalars = Array(line.unicodeScalars)
        let start = max(span.start.column - 1, 0)
        let lastColumn = span.end.line == span.start.line ? span.end.column - 1 : scalars.count
        let width = max(min(lastColumn, scalars.count) - start, 1)
        // Keep tabs so the caret lines up under tab-indented text.
        let padding = String(String.UnicodeScalarView(scalars.prefix(start).map { $0 == "\t" ? "\t" : " " }))
        return padding + paint("^" + String(repeating: "~", count: width - 1), .green)
    }

    enum Style: String {
        case bold = "1", dim = "2", red = "1;31", yellow = "1;33", cyan = "1;36", green = "32"
    }

    private static func color(_ severity: Severity) -> Style {
        switch severity {
        case .error: .red
        case .warning: .yellow
        case .note: .cyan
        }
    }

    private func paint(_ text: String, _ style: Style) -> String {
        colored ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }
}

/// Source lines for quoting, read from disk only for files that have findings.
final class SourceLines {
    private var cache: [String: [ArraySlice<UInt8>]] = [:]
    private let standardInput: [UInt8]?
    private let standardInputName: String
    /// Template paths of rendered Helm output: their lines are not the files' on disk.
    private let unreadable: Set<String>

    init(standardInput: [UInt8]?, standardInputName: String = Scanner.standardInputName, unreadable: Set<String> = []) {
        self.standardInput = standardInput
        self.standardInputName = standardInputName
        self.unreadable = unreadable
    }

    /// Line `number` (1-based) without its line break; CRLF files are split on bytes, since Swift
    /// treats "\r\n" as one character.
    func line(_ number: Int, of file: String) -> String? {
        if cache[file] == nil {
            var bytes: [UInt8] = []
            if file == standardInputName {
                bytes = standardInput ?? []
            } else if unreadable.contains(file) {
                bytes = []
            } else if case .bytes(let read) = FileReader.read(path: file, maxSize: ParseLimits.default.maxFileSize) {
                bytes = read
            }
            if case .utf8(let utf8) = UTF16Input.transcoded(bytes) { bytes = utf8 }
            cache[file] = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        }
        guard let lines = cache[file], number >= 1, number <= lines.count else { return nil }
        var line = lines[number - 1]
        if line.last == 0x0D { line = line.dropLast() }
        return String(decoding: line, as: UTF8.self)
    }
}

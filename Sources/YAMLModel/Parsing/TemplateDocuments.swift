#if canImport(Glibc)
import Glibc
#endif

/// Finds the documents of a file that are unrendered templates, by where their template actions
/// stand, so that only those documents are skipped.
///
/// A rendered installation carries Go template text as data: the sidecar injector's templates sit
/// in a ConfigMap's block scalar, a message template in a quoted string. Dropping the whole file
/// for them would drop every policy rendered beside them. A document is a template when an action
/// stands where YAML structure is (a `{{- if }}` line, a key, a plain value), when a quoted value
/// references a chart's objects (`"{{ .Values.image }}"`: never in rendered output), or when it
/// sits inside a control action (`if`, `range`, `with`, `define`) opened in an earlier document.
/// Text inside block scalars (`|`, `>`) is data.
public enum TemplateDocuments {
    /// The outcome for a file with template documents.
    public struct Screened: Sendable {
        /// The `helm-template-not-rendered` problem, at the first structural action.
        public let problem: InputProblem
        /// The bytes with every template document blanked (newlines kept, so lines stay exact).
        public let remaining: [UInt8]
        /// True when no document is left to read.
        public let isWholeFile: Bool
    }

    /// nil when no document of `bytes` is a template.
    public static func screen(_ bytes: [UInt8]) -> Screened? {
        bytes.withUnsafeBufferPointer { buffer -> Screened? in
            guard let base = buffer.baseAddress, hasOpeningBraces(base, count: buffer.count) else { return nil }
            var scanner = Scanner(buffer: buffer)
            scanner.run()
            guard let first = scanner.firstAction else { return nil }
            var remaining = bytes
            for range in scanner.templateRanges {
                for offset in range where remaining[offset] != 0x0A && remaining[offset] != 0x0D { remaining[offset] = 0x20 }
            }
            let templates = scanner.templateRanges.count
            let documents = scanner.documentCount
            let whole = templates == documents
            let message = whole
                ? "the file holds template syntax (Helm or Go templates) and is not a manifest yet; "
                    + "render it with `helm template` and pipe it to `meshlint scan -`"
                : "\(templates) of the file's \(documents) documents \(templates == 1 ? "holds" : "hold") template syntax (Helm or "
                    + "Go templates) and \(templates == 1 ? "was" : "were") skipped; the others were read. Render the file with `helm template` and pipe it to `meshlint scan -`"
            let mark = LineIndex(buffer).mark(atByteOffset: first, in: buffer)
            let problem = InputProblem(
                kind: .helmTemplate, message: message, span: Span(start: mark, end: Mark(line: mark.line, column: mark.column + 2)))
            return Screened(problem: problem, remaining: remaining, isWholeFile: whole)
        }
    }

    /// True when `{{` occurs anywhere: most files have none, and skip the line scan.
    private static func hasOpeningBraces(_ base: UnsafePointer<UInt8>, count: Int) -> Bool {
        var offset = 0
        while offset + 1 < count, let found = memchr(base + offset, 0x7B, count - offset - 1) {
            let open = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if base[open + 1] == 0x7B { return true }
            offset = open + 1
        }
        return false
    }

    /// One pass over the lines: document boundaries, block scalars, quotes and actions.
    private struct Scanner {
        let buffer: UnsafeBufferPointer<UInt8>
        /// Byte ranges of the template documents (a separator's `---` excluded).
        var templateRanges: [Range<Int>] = []
        var documentCount = 0
        /// The first action that makes a document a template.
        var firstAction: Int?

        private var documentStart = 0
        private var documentHasContent = false
        private var documentIsTemplate = false
        /// Control actions (`if`, `range`, ...) open at this point of the file.
        private var controlDepth = 0
        /// The indentation of the line that opened a block scalar, while inside one.
        private var blockParentIndent: Int?

        init(buffer: UnsafeBufferPointer<UInt8>) {
            self.buffer = buffer
        }

        mutating func run() {
            var lineStart = 0
            let count = buffer.count
            while lineStart < count {
                var lineEnd = lineStart
                while lineEnd < count, buffer[lineEnd] != 0x0A { lineEnd += 1 }
                scanLine(lineStart, lineEnd)
                lineStart = lineEnd + 1
            }
            finishDocument(at: count)
        }

        private mutating func scanLine(_ start: Int, _ end: Int) {
            var indent = start
            while indent < end, buffer[indent] == 0x20 { indent += 1 }
            let width = indent - start
            let isBlank = indent == end || (buffer[indent] == 0x0D && indent + 1 == end)
            if let parent = blockParentIndent {
                if isBlank || width > parent { return }
                blockParentIndent = nil
            }
            if width == 0, isSeparator(start, end) {
                finishDocument(at: start)
                // The new document starts after `---`, which stays to keep documents apart.
                documentStart = min(start + 3, end)
            }
            if isBlank { return }
            if buffer[indent] != 0x23 { documentHasContent = true }
            if controlDepth > 0 { documentIsTemplate = true }
            scanContent(from: indent, to: end, lineStart: start)
            if opensBlockScalar(indent, end) { blockParentIndent = width }
        }

        private func isSeparator(_ start: Int, _ end: Int) -> Bool {
            guard end - start >= 3 else { return false }
            let marker = (buffer[start], buffer[start + 1], buffer[start + 2])
            guard marker == (0x2D, 0x2D, 0x2D) || marker == (0x2E, 0x2E, 0x2E) else { return false }
            return end - start == 3 || buffer[start + 3] == 0x20 || buffer[start + 3] == 0x09 || buffer[start + 3] == 0x0D
        }

        /// Actions on the line, outside comments; quoted ones count only when they reference a chart.
        private mutating func scanContent(from start: Int, to end: Int, lineStart: Int) {
            var quote: UInt8?
            var offset = start
            while offset < end {
                let byte = buffer[offset]
                if let open = quote {
                    if open == 0x22, byte == 0x5C { offset += 2; continue }
                    if byte == open { quote = nil }
                } else if byte == 0x22 || (byte == 0x27 && startsScalar(at: offset, lineStart: start)) {
                    quote = byte
                } else if byte == 0x23, offset == start || buffer[offset - 1] == 0x20 {
                    return
                }
                if byte == 0x7B, offset + 1 < end, buffer[offset + 1] == 0x7B {
                    action(at: offset, lineStart: lineStart, quoted: quote != nil)
                    offset += 2
                    continue
                }
                offset += 1
            }
        }

        private mutating func action(at open: Int, lineStart: Int, quoted: Bool) {
            let isTemplate = quoted
                ? TextScreening.referencesChart(buffer, open: open)
                : TextScreening.isTemplateAction(buffer, open: open, lineStart: lineStart)
            // A quoted `{{ if $labels.job }}…{{ end }}` (a Prometheus message) is data: only actions
            // that are template structure open and close blocks that span documents.
            if !quoted || isTemplate {
                switch TextScreening.actionWords(buffer, open: open).first {
                case "if", "range", "with", "define", "block": controlDepth += 1
                case "end": controlDepth = max(controlDepth - 1, 0)
                default: break
                }
            }
            guard isTemplate || controlDepth > 0 else { return }
            documentIsTemplate = true
            if firstAction == nil { firstAction = open }
        }

        /// True when a `'` at `offset` opens a quoted scalar (not an apostrophe inside a plain one).
        private func startsScalar(at offset: Int, lineStart: Int) -> Bool {
            var before = offset - 1
            while before >= lineStart, buffer[before] == 0x20 { before -= 1 }
            guard before >= lineStart else { return true }
            return [0x3A, 0x2D, 0x5B, 0x7B, 0x2C].contains(buffer[before])
        }

        /// True when the line ends in a block scalar indicator (`key: |`, `- >-`, `|2`), comment aside.
        private func opensBlockScalar(_ start: Int, _ end: Int) -> Bool {
            var last = end - 1
            // A trailing comment: `key: | # why`.
            var offset = start
            while offset < end {
                if buffer[offset] == 0x23, offset > start, buffer[offset - 1] == 0x20 { last = offset - 1; break }
                offset += 1
            }
            while last >= start, buffer[last] == 0x20 || buffer[last] == 0x0D || buffer[last] == 0x09 { last -= 1 }
            var indicator = last
            while indicator >= start, buffer[indicator] == 0x2D || buffer[indicator] == 0x2B || (0x30...0x39).contains(buffer[indicator]) {
                indicator -= 1
            }
            guard indicator >= start, buffer[indicator] == 0x7C || buffer[indicator] == 0x3E else { return false }
            guard indicator > start else { return true }
            let before = buffer[indicator - 1]
            return before == 0x20 && indicator - 2 >= start && (buffer[indicator - 2] == 0x3A || buffer[indicator - 2] == 0x2D)
        }

        private mutating func finishDocument(at end: Int) {
            if documentHasContent || documentIsTemplate {
                documentCount += 1
                if documentIsTemplate { templateRanges.append(documentStart..<end) }
            }
            documentHasContent = false
            documentIsTemplate = false
            documentStart = end
        }
    }
}

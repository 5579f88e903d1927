#if canImport(Glibc)
import Glibc
#endif

/// Checks run on a file's bytes before parsing: is it text at all, and is it an unrendered template?
///
/// libyaml would also refuse binary input, but with a byte offset and a terse message; and a Helm
/// template often parses as *valid* YAML that means something else entirely (`{{ .Values.x }}` is a
/// flow mapping), so it has to be recognised before it is read as manifests.
public enum TextScreening {
    /// The first reason these bytes are not UTF-8 text, or nil. UTF-16 with a BOM is left to libyaml,
    /// which decodes it.
    public static func notTextProblem(_ bytes: [UInt8]) -> InputProblem? {
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            return nil
        }
        return bytes.withUnsafeBufferPointer { buffer -> InputProblem? in
            var offset = 0
            let count = buffer.count
            while offset < count {
                // Eight ASCII bytes at a time, none of them NUL: the common case, word by word.
                if offset + 8 <= count {
                    let word = UnsafeRawPointer(buffer.baseAddress! + offset).loadUnaligned(as: UInt64.self)
                    let highBits: UInt64 = 0x8080_8080_8080_8080
                    let hasZeroByte = (word &- 0x0101_0101_0101_0101) & ~word & highBits
                    if word & highBits == 0, hasZeroByte == 0 {
                        offset += 8
                        continue
                    }
                }
                let byte = buffer[offset]
                if byte < 0x80 {
                    if byte == 0 {
                        return problem("the file is binary (a NUL byte)", at: offset, in: buffer)
                    }
                    offset += 1
                    continue
                }
                let length = utf8SequenceLength(buffer, at: offset)
                guard length > 0 else {
                    return problem(
                        "the file is not valid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true)))",
                        at: offset, in: buffer)
                }
                offset += length
            }
            return nil
        }
    }

    /// The length of the well-formed UTF-8 sequence at `offset`, or 0 when it is malformed
    /// (overlong forms, surrogates and values past U+10FFFF included).
    /// The length of the well-formed UTF-8 sequence at `offset` (RFC 3629: no overlong forms, no
    /// surrogates, nothing past U+10FFFF), or 0 when it is malformed.
    public static func utf8SequenceLength(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int {
        let lead = buffer[offset]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return 0
        }
        guard offset + length <= buffer.count else { return 0 }
        let second = buffer[offset + 1]
        guard second >= low && second <= high else { return 0 }
        for index in 2..<length where buffer[offset + index] & 0xC0 != 0x80 {
            return 0
        }
        return length
    }

    static let maxActionLength = 512

    private static let chartObjects = [".Values", ".Release", ".Chart", ".Capabilities", ".Files", ".Template"]
    private static let templateFunctions = ["include", "toYaml", "tpl", "required", "template", "define", "nindent", "indent", "quote", "default"]
    private static let controlWords = ["if", "else", "end", "range", "with", "define", "block", "template", "/*"]

    /// The text of the action opening at `open`, up to `}}` (or the end of the line).
    private static func actionText(_ buffer: UnsafeBufferPointer<UInt8>, open: Int) -> String {
        // At most `maxActionLength` bytes: what decides is at an action's start, and a long line
        // of unclosed `{{` must not be scanned again for each one.
        let end = min(buffer.count, open + 2 + maxActionLength)
        var close = open + 2
        while close + 1 < end, buffer[close] != 0x0A, !(buffer[close] == 0x7D && buffer[close + 1] == 0x7D) {
            close += 1
        }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[(open + 2)..<min(close, buffer.count)]), as: UTF8.self)
    }

    /// The words of the action at `open`, without trim markers: `["if", ".Values.x"]`.
    static func actionWords(_ buffer: UnsafeBufferPointer<UInt8>, open: Int) -> [Substring] {
        var text = Substring(actionText(buffer, open: open))
        if text.hasPrefix("-") { text = text.dropFirst() }
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" }).filter { $0 != "-" }
    }

    /// True when the action at `open` references a chart's objects or Helm's own functions: text
    /// no rendered manifest holds, quoted or not.
    static func referencesChart(_ buffer: UnsafeBufferPointer<UInt8>, open: Int) -> Bool {
        let inner = actionText(buffer, open: open)
        if chartObjects.contains(where: { inner.contains($0) }) { return true }
        let first = actionWords(buffer, open: open).first.map(String.init) ?? ""
        return ["include", "tpl", "required"].contains(first)
    }

    /// True when the action at `open`, outside quotes, is one a template engine acts on: a
    /// reference to the chart's objects, a template function, or a control action or bare
    /// `{{ .x }}` standing where YAML expects a value or a line.
    static func isTemplateAction(_ buffer: UnsafeBufferPointer<UInt8>, open: Int, lineStart: Int) -> Bool {
        let inner = actionText(buffer, open: open)
        var action = Substring(inner)
        if action.hasPrefix("-") { action = action.dropFirst() }
        action = action.drop { $0 == " " || $0 == "\t" }
        if chartObjects.contains(where: { inner.contains($0) }) { return true }
        let firstWord = action.prefix { !($0 == " " || $0 == "\t" || $0 == "-" || $0 == "}") }
        if templateFunctions.contains(String(firstWord)) || inner.contains("| nindent") || inner.contains("| toYaml") {
            return true
        }
        // A control action or a bare `{{ .x }}` where YAML expects a value (not inside quotes):
        // before it on its line, only blanks and dashes, or a key's colon. Read backwards from the
        // action, so a long line costs no more than a short one.
        var before = open - 1
        while before >= lineStart, [0x20, 0x09, 0x2D].contains(buffer[before]) { before -= 1 }
        let standsAlone = before < lineStart || buffer[before] == 0x3A
        guard standsAlone else { return false }
        return controlWords.contains(String(firstWord)) || action.hasPrefix(".")
    }

    private static func problem(
        _ message: String, kind: InputProblem.Kind = .notText, at offset: Int, in buffer: UnsafeBufferPointer<UInt8>,
        length: Int = 1
    ) -> InputProblem {
        let start = mark(atByteOffset: offset, in: buffer)
        return InputProblem(kind: kind, message: message, span: Span(start: start, end: Mark(line: start.line, column: start.column + length)))
    }

    /// The line and code-point column of a byte offset (for libyaml's reader errors and our own checks).
    static func mark(atByteOffset offset: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Mark {
        LineIndex(buffer).mark(atByteOffset: offset, in: buffer)
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        guard let first = firstIndex(where: { !characters.contains($0) }) else { return "" }
        let last = lastIndex(where: { !characters.contains($0) })!
        return String(self[first...last])
    }
}

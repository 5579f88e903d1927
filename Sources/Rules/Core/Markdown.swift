/// Markdown from untrusted values. Everything a report quotes (names, file names, labels, messages,
/// a repository's custom-rule texts) comes from a pull request, and Markdown output lands where
/// people trust what they read: a job summary, a pull-request comment, SARIF's `help.markdown`. One
/// escaping function per context, used by every Markdown writer:
///
/// - `text`: literal inline text. Metacharacters are backslash-escaped (no emphasis, link, image,
///   raw HTML, heading, table cell break), line breaks become spaces (no new block can start), and
///   `@`/`#` get an invisible break after them (GitHub resolves mentions and issue references in
///   the rendered text, where a backslash no longer stands).
/// - `code`: a code span no content can close (a longer backtick fence than any run inside).
/// - `prose`: text in which the writer's `code spans` stay code, everything else literal.
/// - `fenced`: a fenced block no line can end.
/// - `destination`: a link target, percent-encoded.
///
/// Control characters become U+FFFD everywhere, as in the text format.
public enum Markdown {
    /// Literal inline text.
    public static func text(_ value: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n", "\r", "\t", "\u{2028}", "\u{2029}":
                output.append(" ")
            case "@", "#":
                // GitHub links `@org/team` and `#123` in rendered text: the word joiner keeps the
                // character visible and the reference unresolved.
                if scalar == "#" { output.append("\\") }
                output.append(scalar)
                output.append("\u{2060}")
            case _ where UntrustedText.isControl(scalar):
                output.append("\u{FFFD}")
            case _ where escaped.contains(scalar):
                output.append("\\")
                output.append(scalar)
            default:
                output.append(scalar)
            }
        }
        return String(output)
    }

    /// A code span showing `value` verbatim on one line. In a table cell (`inTable`), `|` is escaped
    /// as GitHub's table syntax requires even inside code.
    public static func code(_ value: String, inTable: Bool = false) -> String {
        var content = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n", "\r", "\t", "\u{2028}", "\u{2029}": content.append(" ")
            case "|" where inTable: content.append(contentsOf: "\\|".unicodeScalars)
            case _ where UntrustedText.isControl(scalar): content.append("\u{FFFD}")
            default: content.append(scalar)
            }
        }
        let body = String(content)
        guard !body.isEmpty else { return "` `" }
        let fence = String(repeating: "`", count: longestRun(of: "`", in: body) + 1)
        // A span's content loses one space at each end when both ends are spaces, and a backtick
        // next to the fence would lengthen it: pad in both cases.
        let first = body.unicodeScalars.first!, last = body.unicodeScalars.last!
        let allSpaces = body.unicodeScalars.allSatisfy { $0 == " " }
        let pad = first == "`" || last == "`" || (first == " " && last == " " && !allSpaces) ? " " : ""
        return fence + pad + body + pad + fence
    }

    /// Text whose backtick code spans (as CommonMark pairs them: equal runs) stay code spans and
    /// whose other characters are literal. Whatever the pairing, each part is escaped for what it
    /// becomes, so a name with a stray backtick changes only the styling.
    public static func prose(_ value: String, inTable: Bool = false) -> String {
        let scalars = Array(value.unicodeScalars)
        // Backtick runs, and for each length the runs of that length in order: an opening run
        // closes at the next run of the same length, found by advancing one cursor per length,
        // so pairing is linear in the text.
        var runs: [(start: Int, length: Int)] = []
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "`" else { index += 1; continue }
            let start = index
            while index < scalars.count, scalars[index] == "`" { index += 1 }
            runs.append((start, index - start))
        }
        var runsByLength: [Int: [Int]] = [:]
        for (position, run) in runs.enumerated() { runsByLength[run.length, default: []].append(position) }
        var cursor: [Int: Int] = [:]

        var output = ""
        var literalStart = 0
        var position = 0
        func literal(upTo end: Int) {
            if literalStart < end {
                output += text(String(String.UnicodeScalarView(scalars[literalStart..<end])))
            }
        }
        while position < runs.count {
            let run = runs[position]
            let sameLength = runsByLength[run.length]!
            var next = cursor[run.length, default: 0]
            while next < sameLength.count, sameLength[next] <= position { next += 1 }
            cursor[run.length] = next
            guard next < sameLength.count else {
                position += 1
                continue
            }
            let closing = runs[sameLength[next]]
            literal(upTo: run.start)
            var inner = String(String.UnicodeScalarView(scalars[(run.start + run.length)..<closing.start]))
            // CommonMark strips one space at each end of a span that has both.
            if inner.hasPrefix(" "), inner.hasSuffix(" "), inner.contains(where: { $0 != " " }) {
                inner = String(inner.dropFirst().dropLast())
            }
            output += code(inner, inTable: inTable)
            literalStart = closing.start + closing.length
            position = sameLength[next] + 1
        }
        literal(upTo: scalars.count)
        return output
    }

    /// Paragraphs (separated by blank lines) of `prose`, each on one line.
    public static func paragraphs(_ value: String) -> String {
        value.split(separator: "\n\n").map { prose(String($0)) }.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// A fenced code block whose fence is longer than any backtick run in `content`, each line
    /// prefixed by `indent` (to stay inside a list item).
    public static func fenced(_ content: String, info: String = "", indent: String = "") -> String {
        var body = String.UnicodeScalarView()
        for scalar in content.unicodeScalars {
            body.append(scalar == "\n" || scalar == "\t" || !UntrustedText.isControl(scalar) ? scalar : "\u{FFFD}")
        }
        let text = String(body)
        let fence = String(repeating: "`", count: max(3, longestRun(of: "`", in: text) + 1))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { indent + $0 }
        return ([indent + fence + info] + lines + [indent + fence]).joined(separator: "\n")
    }

    /// A link destination: unreserved characters and `/` as they are, every other byte
    /// percent-encoded, so no value can end the link or add a title.
    public static func destination(_ path: String) -> String {
        var output = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                output += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return output
    }

    /// An `http(s)` URL as an autolink; anything else (a scheme a browser would run, spaces, angle
    /// brackets) as code.
    public static func link(_ url: String) -> String {
        let lowered = url.lowercased()
        let plain = url.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "<" && $0 != ">" }
        return plain && (lowered.hasPrefix("https://") || lowered.hasPrefix("http://")) ? "<\(url)>" : code(url)
    }

    /// ASCII punctuation that CommonMark or GitHub gives a meaning inside a line: emphasis, code,
    /// links and images (`!` and `(` mean nothing without `[`), raw HTML and entities, table cells,
    /// strike-through, math. Characters that only begin a block (`-`, `+`, `#`, `>`, `1.`) mean
    /// nothing here, since no value ever starts a line; they stay readable.
    private static let escaped: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "[", "]", "|", "<", ">", "~", "&", "$"]

    private static func longestRun(of character: Unicode.Scalar, in text: String) -> Int {
        var longest = 0, current = 0
        for scalar in text.unicodeScalars {
            current = scalar == character ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }
}

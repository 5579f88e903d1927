/// Text from the input as a terminal, a CI log or a document may show it: names, file names and
/// messages come from a pull request. An escape sequence in one must not drive the terminal that
/// shows it (rewrite the screen, set its title, open a link), and a line of one must not be run by
/// the GitHub Actions runner, which reads workflow commands from every line a step prints.
public enum UntrustedText {
    /// `text` with every C0 and C1 control character (ESC, BEL, CSI, NEL, ...) and DEL, tab aside,
    /// replaced by U+FFFD. One character for one, so a caret under a quoted line stays aligned.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && $0 != "\t" }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(isControl(scalar) && scalar != "\t" ? "\u{FFFD}" : scalar) }
        return String(scalars)
    }

    /// `text` (several lines) as a CI log may show it: controls as in `visible` but line feeds
    /// kept, and nothing the GitHub runner takes for a workflow command. The runner runs a line
    /// that starts with `::` after leading white space (`::stop-commands::`, `::warning ...`), and
    /// a registered legacy command `##[name]` anywhere in a line (actions/runner,
    /// `ActionCommand.TryParseV2` and `TryParse`, tried in turn by
    /// `ActionCommandManager.TryProcessCommand`). An invisible U+200B after the first `:` or `#`
    /// breaks both forms, and the line reads the same.
    public static func inertInLog(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains(where: { ($0 == ":" || $0 == "#" || isControl($0)) }) else { return text }
        var output = String.UnicodeScalarView()
        output.reserveCapacity(scalars.count)
        var leadingWhiteSpace = true
        for (index, scalar) in scalars.enumerated() {
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            if scalar == "\n" {
                output.append(scalar)
                leadingWhiteSpace = true
                continue
            }
            output.append(isControl(scalar) && scalar != "\t" ? "\u{FFFD}" : scalar)
            if scalar == ":" && leadingWhiteSpace && next == ":" {
                output.append("\u{200B}")
            } else if scalar == "#" && next == "#" && index + 2 < scalars.count && scalars[index + 2] == "[" {
                output.append("\u{200B}")
            }
            if !scalar.properties.isWhitespace { leadingWhiteSpace = false }
        }
        return String(output)
    }

    /// C0 and C1 controls and DEL: escape sequences, bells, line-rewriting carriage returns.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

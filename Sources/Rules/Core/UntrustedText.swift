/// Text from the input as a terminal or a document may show it: names, file names and messages
/// come from a pull request, and an escape sequence in one must not drive the terminal that shows
/// it (rewrite the screen, set its title, open a link).
public enum UntrustedText {
    /// `text` with every C0 and C1 control character (ESC, BEL, CSI, NEL, ...) and DEL, tab aside,
    /// replaced by U+FFFD. One character for one, so a caret under a quoted line stays aligned.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && $0 != "\t" }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(isControl(scalar) && scalar != "\t" ? "\u{FFFD}" : scalar) }
        return String(scalars)
    }

    /// C0 and C1 controls and DEL: escape sequences, bells, line-rewriting carriage returns.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

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
        var text = text
        return text.withUTF8 { bytes in
            // Bytes, not scalars: every line MeshLint prints passes here, a matrix's gigabytes
            // included. Runs that need nothing are copied whole.
            guard let first = bytes.firstIndex(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "#") || $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 })
            else { return String(decoding: bytes, as: UTF8.self) }
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + 16)
            // The line start before `first`, so the leading white space of its line is judged.
            var index = first
            while index > 0, bytes[index - 1] != UInt8(ascii: "\n") { index -= 1 }
            output.append(contentsOf: bytes[0..<index])
            let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
            let breaker: [UInt8] = [0xE2, 0x80, 0x8B]  // U+200B
            var lineStart = true
            while index < bytes.count {
                if lineStart {
                    // After leading white space, a `::` would be a command: break it.
                    let content = index + leadingWhiteSpace(bytes, from: index)
                    output.append(contentsOf: bytes[index..<content])
                    index = content
                    lineStart = false
                    if index + 1 < bytes.count, bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: ":") {
                        output.append(UInt8(ascii: ":"))
                        output.append(contentsOf: breaker)
                        index += 1
                    }
                    continue
                }
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\n"):
                    output.append(byte)
                    lineStart = true
                    index += 1
                case UInt8(ascii: "\t"):
                    output.append(byte)
                    index += 1
                case 0x00..<0x20, 0x7F:
                    output.append(contentsOf: replacement)
                    index += 1
                case 0xC2 where index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]):
                    output.append(contentsOf: replacement)
                    index += 2
                case UInt8(ascii: "#") where index + 2 < bytes.count && bytes[index + 1] == UInt8(ascii: "#") && bytes[index + 2] == UInt8(ascii: "["):
                    output.append(byte)
                    output.append(contentsOf: breaker)
                    index += 1
                default:
                    output.append(byte)
                    index += 1
                }
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// The length in bytes of the white space at `start` that stays white space in the output and
    /// that .NET's `TrimStart` skips: spaces, tabs, and Unicode's White_Space characters that are
    /// not controls.
    private static func leadingWhiteSpace(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            // Other ASCII controls TrimStart also takes become U+FFFD, which it does not take.
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                index += 1
                continue
            }
            guard byte >= 0xC2 else { break }
            // A multi-byte scalar: decode it to ask Unicode.
            var iterator = UnsafeBufferPointer(rebasing: bytes[index...]).makeIterator()
            var decoder = UTF8()
            guard case .scalarValue(let scalar) = decoder.decode(&iterator), scalar.properties.isWhitespace, !isControl(scalar) else { break }
            index += String(scalar).utf8.count
        }
        return index - start
    }

    /// C0 and C1 controls and DEL: escape sequences, bells, line-rewriting carriage returns.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

/// Scalars MeshLint writes into YAML (a patch, a rendered values file, a fix): a value from the
/// input must stay one value, whatever quotes, backslashes, line breaks or control characters it holds.
public enum YAMLScalar {
    /// `text` as a YAML double-quoted scalar: `"` and `\` escaped, line breaks and every control
    /// character (C0, DEL, C1, the Unicode line and paragraph separators, the byte-order mark) as
    /// escapes, so the scalar reads back as exactly `text`.
    public static func doubleQuoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                let value = scalar.value
                if value < 0x20 || value == 0x7F || (0x80..<0xA0).contains(value) || value == 0x2028 || value == 0x2029 || value == 0xFEFF {
                    let hex = String(value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

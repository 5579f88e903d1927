import YAMLModel

/// Writes YAML for the patch `migrate` produces: block style, every string double-quoted with
/// JSON's escapes, so that names and values taken from a pull request's manifests can never end a
/// scalar, start a document or smuggle in a key.
enum YAMLWriter {
    /// A scalar as YAML: integers and booleans as written in the source when plain, else quoted.
    static func scalar(_ text: String, plain: Bool = false) -> String {
        if plain, !text.isEmpty, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) }) { return text }
        if plain, ["true", "false"].contains(text) { return text }
        return quoted(text)
    }

    /// A mapping key: plain when it is a word (letters, digits, `-`, `_`, `.`, starting with a
    /// letter) that YAML reads as a string, else quoted.
    static func key(_ text: String) -> String {
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"]
        func isLetter(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        guard let first = text.unicodeScalars.first, isLetter(first), !reserved.contains(text.lowercased()),
              text.unicodeScalars.allSatisfy({ isLetter($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) })
        else { return quoted(text) }
        return text
    }

    /// `text` in double quotes, every character that could end it or change its meaning escaped.
    static func quoted(_ text: String) -> String { YAMLScalar.doubleQuoted(text) }

    /// A node's value as block YAML lines (without the key), indented by `indent`. `rewrite` may
    /// replace a scalar item of a sequence by other items, given the keys on the way to it (a `when`
    /// condition adds its `key` value, so `destination.port` values are told apart).
    static func lines(
        of node: Node, indent: Int, path: [String] = [], rewrite: ([String], String) -> [String]? = { _, _ in nil }
    ) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch node.kind {
        case .scalar:
            return [pad + scalar(node.string ?? "", plain: node.style == .plain)]
        case .sequence:
            var result: [String] = []
            for item in node.items {
                if item.kind == .scalar, let replaced = rewrite(path, item.string ?? "") {
                    result += replaced.map { pad + "- " + quoted($0) }
                    continue
                }
                var inner = lines(of: item, indent: indent + 2, path: path, rewrite: rewrite)
                if let first = inner.first {
                    inner[0] = pad + "- " + first.dropFirst(indent + 2)
                }
                result += inner
            }
            return result.isEmpty ? [pad + "[]"] : result
        case .mapping:
            guard node.count > 0 else { return [pad + "{}"] }
            let conditionKey = node["key"]?.string.map { [$0] } ?? []
            var result: [String] = []
            for pair in node.pairs {
                let key = pair.key.string ?? ""
                let keyText = pad + Self.key(key) + ":"
                let childPath = path + conditionKey + [key]
                switch pair.value.kind {
                case .scalar:
                    result.append(keyText + " " + scalar(pair.value.string ?? "", plain: pair.value.style == .plain))
                case .sequence where pair.value.count == 0:
                    result.append(keyText + " []")
                case .mapping where pair.value.count == 0:
                    result.append(keyText + " {}")
                default:
                    result.append(keyText)
                    result += lines(of: pair.value, indent: indent + 2, path: childPath, rewrite: rewrite)
                }
            }
            return result
        }
    }
}

import YAMLModel

/// Writes YAML for the patch `migrate` produces: block style, every string double-quoted with
/// JSON's escapes, so that names and values taken from a pull request's manifests can never end a
/// scalar, start a document or smuggle in a key.
enum YAMLWriter {
    /// A scalar node as YAML: null as `null`; a plain integer or boolean as written (it keeps its
    /// type); anything else double-quoted.
    static func scalar(_ node: Node) -> String {
        if node.isNull { return "null" }
        let text = node.string ?? ""
        if node.style == .plain {
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            if !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return text }
            if ["true", "false", "True", "False", "TRUE", "FALSE"].contains(text) { return text }
        }
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

    /// `key: value` as block YAML lines at `indent`: a scalar or an empty collection on the key's
    /// line, a sequence's items at the key's indent, a mapping's pairs below it. `rewrite` may
    /// replace a scalar item of a sequence by other items, given the keys on the way to it (a `when`
    /// condition adds its `key` value, so `destination.port` values are told apart).
    static func field(
        _ key: String, _ node: Node, indent: Int, path: [String] = [], rewrite: ([String], String) -> [String]? = { _, _ in nil }
    ) -> [String] {
        let head = String(repeating: " ", count: indent) + Self.key(key) + ":"
        switch node.kind {
        case .scalar: return [head + " " + scalar(node)]
        case .sequence where node.count == 0: return [head + " []"]
        case .mapping where node.count == 0: return [head + " {}"]
        case .sequence: return [head] + lines(of: node, indent: indent, path: path + [key], rewrite: rewrite)
        case .mapping: return [head] + lines(of: node, indent: indent + 2, path: path + [key], rewrite: rewrite)
        }
    }

    /// A non-empty collection's content as block YAML lines at `indent` (a sequence's `- `, a
    /// mapping's keys); a scalar on its own.
    static func lines(
        of node: Node, indent: Int, path: [String] = [], rewrite: ([String], String) -> [String]? = { _, _ in nil }
    ) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch node.kind {
        case .scalar:
            return [pad + scalar(node)]
        case .sequence:
            var result: [String] = []
            for item in node.items {
                if item.kind == .scalar, let replaced = rewrite(path, item.string ?? "") {
                    result += replaced.map { pad + "- " + quoted($0) }
                    continue
                }
                switch item.kind {
                case .sequence where item.count == 0: result.append(pad + "- []")
                case .mapping where item.count == 0: result.append(pad + "- {}")
                default:
                    var inner = lines(of: item, indent: indent + 2, path: path, rewrite: rewrite)
                    if let first = inner.first { inner[0] = pad + "- " + first.dropFirst(indent + 2) }
                    result += inner
                }
            }
            return result.isEmpty ? [pad + "[]"] : result
        case .mapping:
            guard node.count > 0 else { return [pad + "{}"] }
            let conditionKey = node["key"]?.string.map { [$0] } ?? []
            return node.pairs.flatMap { pair in
                field(pair.key.string ?? "", pair.value, indent: indent, path: path + conditionKey, rewrite: rewrite)
            }
        }
    }
}

/// What the text report never quotes: the value of a key that holds secret or key material.
///
/// The text report shows the source line a finding points at. A finding may point at a line
/// such as `jwks: '{"keys": [...]}'` or `clientSecret: ...`, and CI logs are often readable by
/// more people than the repository; so on a quoted line, everything after such a key's colon is
/// replaced. Only the quoted line is affected: messages never carry these values.
enum SecretRedaction {
    static let replacement = "<redacted>"

    /// Words that make a key secret-like, compared without case, `-` and `_` (`client_secret`,
    /// `clientSecret`, `CLIENT-SECRET`).
    static let secretWords = ["password", "passwd", "secret", "token", "apikey", "privatekey", "credential", "jwks"]

    /// Keys containing a secret word that only name or locate something (`jwksUri`, `secretName`).
    static let allowedKeys: Set<String> = ["jwksuri", "secretname", "secretref", "secretkeyref", "tokenurl", "tokenuri"]

    /// `line` with the value of every secret-like key replaced.
    static func redact(_ line: String) -> String {
        let scalars = Array(line.unicodeScalars)
        var index = 0
        while index < scalars.count {
            // A key: a run of key characters, maybe quoted, followed by `:` and a space or the end.
            guard isKeyCharacter(scalars[index]) else {
                index += 1
                continue
            }
            let start = index
            while index < scalars.count, isKeyCharacter(scalars[index]) { index += 1 }
            var colon = index
            if colon < scalars.count, scalars[colon] == "\"" || scalars[colon] == "'" { colon += 1 }
            guard colon < scalars.count, scalars[colon] == ":",
                  colon + 1 == scalars.count || scalars[colon + 1] == " " || scalars[colon + 1] == "\t" else { continue }
            let key = String(String.UnicodeScalarView(scalars[start..<index]))
            guard isSecretLike(key) else { continue }
            var kept = String(String.UnicodeScalarView(scalars[...colon]))
            if colon + 1 < scalars.count { kept += " " + replacement }
            return kept
        }
        return line
    }

    static func isSecretLike(_ key: String) -> Bool {
        let folded = String(key.lowercased().unicodeScalars.filter { $0 != "-" && $0 != "_" && $0 != "." })
        guard !allowedKeys.contains(folded) else { return false }
        return secretWords.contains { folded.contains($0) }
    }

    private static func isKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "/": true
        default: false
        }
    }
}

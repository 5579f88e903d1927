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

    /// Keys containing a secret word that only name, locate or switch something (`jwksUri`,
    /// `secretName`, a Gateway's `credentialName`, `automountServiceAccountToken`).
    static let allowedKeys: Set<String> = [
        "jwksuri", "secretname", "secretref", "secretkeyref", "tokenurl", "tokenuri", "credentialname",
        "automountserviceaccounttoken", "forwardoriginaltoken",
    ]

    /// `line` with the value of every secret-like key replaced; with `allValues` (a line of a
    /// Secret, whose every value is secret: `tls.key`, `ca.crt`), the value of any key.
    static func redact(_ line: String, allValues: Bool = false) -> String {
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
            // Any character may follow the colon: minified JSON has none (`"password":"x"`).
            guard colon < scalars.count, scalars[colon] == ":" else { continue }
            let key = String(String.UnicodeScalarView(scalars[start..<index]))
            guard allValues || isSecretLike(key) else { continue }
            var kept = String(String.UnicodeScalarView(scalars[...colon]))
            if colon + 1 < scalars.count { kept += " " + replacement }
            return kept
        }
        // A line of a Secret without a key is part of a value (a block scalar's text).
        if allValues, line.unicodeScalars.contains(where: { $0 != " " && $0 != "\t" }), !line.hasPrefix("---") {
            return String(line.prefix { $0 == " " || $0 == "\t" }) + replacement
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

import Rules

/// What the text report never quotes: the value of a key that holds secret or key material.
///
/// The text report shows the source line a finding points at. A finding may point at a line
/// such as `jwks: '{"keys": [...]}'` or `clientSecret: ...`, and CI logs are often readable by
/// more people than the repository; so on a quoted line, everything after such a key's colon is
/// replaced, and so is every secret value of the finding's resource (`SecretValues`: an env
/// entry's `value:` line says nothing secret by its key). Messages and fixes are redacted by the
/// same rules when the finding is made (`Rule.finding`).
enum SecretRedaction {
    static let replacement = SecretValues.replacement

    /// `line` with the value of every secret-like key replaced; with `allValues` (a line of a
    /// Secret, whose every value is secret: `tls.key`, `ca.crt`), the value of any key; then every
    /// one of `values` wherever it stands.
    static func redact(_ line: String, allValues: Bool = false, values: [String] = []) -> String {
        SecretValues.redact(redactKeys(line, allValues: allValues), values)
    }

    private static func redactKeys(_ line: String, allValues: Bool) -> String {
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

    static func isSecretLike(_ key: String) -> Bool { SecretValues.isSecretLike(key) }

    private static func isKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "/": true
        default: false
        }
    }
}

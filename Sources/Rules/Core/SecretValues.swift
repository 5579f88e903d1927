import YAMLModel

/// The values of a resource that no report may show, decided in one place for every output:
/// the quoted source line of the text format and every finding's message and fix.
///
/// A value is secret when it is
/// - under a Secret's `data` or `stringData` (every value of a Secret is secret, whatever its key),
/// - the value of a secret-like key (`password`, `clientSecret`, `api_key`, `jwks`, an annotation
///   such as `vault.example/token`), anything under such a key included,
/// - the `value` of a `{name, value}` entry (a container's `env`) whose name is secret-like
///   (`DB_PASSWORD`).
public enum SecretValues {
    public static let replacement = "<redacted>"

    /// Words that make a key secret-like, compared without case, `-`, `_` and `.`
    /// (`client_secret`, `clientSecret`, `CLIENT-SECRET`).
    static let secretWords = ["password", "passwd", "secret", "token", "apikey", "privatekey", "credential", "jwks"]

    /// Keys containing a secret word that only name, locate or switch something (`jwksUri`,
    /// `secretName`, a Gateway's `credentialName`, `automountServiceAccountToken`).
    static let allowedKeys: Set<String> = [
        "jwksuri", "secretname", "secretref", "secretkeyref", "tokenurl", "tokenuri", "credentialname",
        "automountserviceaccounttoken", "forwardoriginaltoken",
    ]

    public static func isSecretLike(_ key: String) -> Bool {
        let folded = String(key.lowercased().unicodeScalars.filter { $0 != "-" && $0 != "_" && $0 != "." })
        guard !allowedKeys.contains(folded) else { return false }
        return secretWords.contains { folded.contains($0) }
    }

    /// The secret scalar values of `resource`, longest first; values that are its own kind, name or
    /// namespace (which every message names, and metadata never hides) are left out, as are values
    /// too short to be told from ordinary words (`""`, `1`, `on`).
    public static func of(_ resource: Resource) -> [String] {
        // MeshLint's own documents (AccessExpectations) are not deployed: their `token` is a set of
        // made-up claims to test with, not a credential.
        if resource.apiVersion.hasPrefix("meshlint.io/") { return [] }
        var found = Set<String>()
        let isSecret = resource.kind == "Secret" && resource.apiVersion == "v1"
        for (key, value) in resource.node.pairs.map({ ($0.key.string ?? "", $0.value) }) {
            collect(value, secret: isSecret && (key == "data" || key == "stringData"), into: &found)
        }
        let shown: Set<String> = [resource.kind, resource.name, resource.namespace ?? ""]
        return found.filter { $0.count >= 3 && !shown.contains($0) && $0 != "true" && $0 != "false" && $0 != "null" }
            .sorted { ($0.count, $0) > ($1.count, $1) }
    }

    /// `text` with every occurrence of `values` (longest first) replaced.
    public static func redact(_ text: String, _ values: [String]) -> String {
        var text = text
        for value in values where text.contains(value) {
            text = text.replacing(value, with: replacement)
        }
        return text
    }

    /// Walks `node`; everything under a secret place is collected. Bounded by the resource's size,
    /// which the parser's limits bound.
    private static func collect(_ node: Node, secret: Bool, into found: inout Set<String>) {
        switch node.kind {
        case .scalar:
            if secret, let value = node.string { found.insert(value) }
        case .sequence:
            for item in node.items { collect(item, secret: secret, into: &found) }
        case .mapping:
            // `{name: DB_PASSWORD, value: ...}`: the name says what the value is.
            let namedSecret = node["name"]?.string.map(isSecretLike) ?? false
            for pair in node.pairs {
                let key = pair.key.string ?? ""
                let secretHere = secret || isSecretLike(key) || (namedSecret && key == "value")
                collect(pair.value, secret: secretHere, into: &found)
            }
        }
    }
}

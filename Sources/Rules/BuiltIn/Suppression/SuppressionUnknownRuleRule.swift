import YAMLModel

/// A suppression annotation that names no MeshLint rule (a typo, a renamed id, an invalid key).
struct SuppressionUnknownRuleRule: BuiltInRule {
    static let description = RuleDescription(
        id: "suppression-unknown-rule",
        name: "Suppression of an unknown rule",
        summary: "An `ignore.meshlint.io/<rule-id>` annotation names no MeshLint rule, so it suppresses nothing.",
        rationale: """
            A suppression matches findings by their exact rule id. An annotation whose id is misspelt \
            (`singelton-waypoint`), pluralised, or made up suppresses nothing, yet reads to a reviewer \
            as an accepted, documented risk; the finding it was meant for keeps failing the build, or \
            worse, the author believes a different finding was reviewed. A Kubernetes annotation key is \
            an optional DNS prefix, one `/`, and a name of at most 63 letters, digits, `-`, `_` and `.`: \
            a key such as `ignore.meshlint.io/a/b` is not only no rule, the API server rejects the whole \
            object.
            """,
        remediation: """
            Use the id of the rule to suppress, as `meshlint rules` lists it:
            metadata:
              annotations:
                ignore.meshlint.io/<rule-id>: "<why this is accepted>"
            """,
        severity: .warning,
        area: .input,
        tags: ["suppression"],
        precision: .veryHigh,
        references: ["https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/"],
        inputs: [],
        triggeringExamples: [
            // A typo: the finding is still reported.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: waypoint
                  namespace: payments
                  annotations:
                    ↓ignore.meshlint.io/singelton-waypoint: "Staging only; one replica is accepted."
                spec:
                  gatewayClassName: istio-waypoint
                  listeners:
                  - {name: mesh, port: 15008, protocol: HBONE}
                """),
            // A part of an id, and a key with two `/` (not a valid annotation key at all).
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: legacy
                  annotations:
                    ↓ignore.meshlint.io/default-deny: "Legacy namespace, migrating in Q3."
                    ↓ignore.meshlint.io/rules/jwt-not-required: "Tokens are optional here."
                """),
            // An empty id, in a flow mapping.
            Example("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  namespace: payments
                  annotations: {↓ignore.meshlint.io/: "Everything is accepted."}
                spec:
                  ports: [{port: 80}]
                """),
        ],
        nonTriggeringExamples: [
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: waypoint
                  namespace: payments
                  annotations:
                    ignore.meshlint.io/singleton-waypoint: "Staging only; one replica is accepted."
                spec:
                  gatewayClassName: istio-waypoint
                  listeners:
                  - {name: mesh, port: 15008, protocol: HBONE}
                """),
            // Other prefixes are not suppressions.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: legacy
                  annotations:
                    meshlint.io/owner: platform
                    ignore.example.com/default-deny: "Not ours."
                    ignore.meshlint.io/ambient-namespace-without-default-deny: "Legacy namespace, migrating in Q3."
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        context.index.resources.flatMap { resource in
            SuppressionAnnotation.entries(of: resource).compactMap { ruleID, entry -> Finding? in
                guard RuleCatalog.rule(withID: ruleID) == nil else { return nil }
                let suggestions = Self.closeIDs(to: ruleID, among: RuleCatalog.builtIn.map { $0.description.id })
                var message: String
                if let problem = Self.keyProblem(ruleID) {
                    message = "The annotation key \(entry.key) on \(resource.displayName) is not a valid Kubernetes "
                        + "annotation key and names no MeshLint rule, so it suppresses nothing: \(problem)."
                } else {
                    message = "The suppression \(entry.key) on \(resource.displayName) names no MeshLint rule, so it "
                        + "suppresses nothing: a suppression matches findings by their exact rule id."
                }
                message += suggestions.isEmpty
                    ? " `meshlint rules` lists the ids."
                    : " Did you mean " + Self.alternatives(suggestions) + "?"
                return finding(
                    message, on: resource, at: entry.keySpan,
                    remediation: Self.remediation(suggestions: suggestions, reason: entry.value))
            }
        }
    }

    /// Why the text after the prefix cannot be the name part of an annotation key, if it cannot.
    static func keyProblem(_ name: String) -> String? {
        if name.containsASCII("/") {
            return "a key holds at most one `/`, between its prefix and its name, so the API server rejects the object"
        }
        if name.isEmpty {
            return "the name after `\(SuppressionAnnotation.prefix)` is empty, so the API server rejects the object"
        }
        func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        let scalars = Array(name.unicodeScalars)
        let valid = scalars.count <= 63 && isAlphanumeric(scalars[0]) && isAlphanumeric(scalars[scalars.count - 1])
            && scalars.allSatisfy { isAlphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "." }
        return valid ? nil
            : "the name after the prefix must be at most 63 letters, digits, `-`, `_` or `.`, beginning and ending "
                + "with a letter or digit, so the API server rejects the object"
    }

    /// Rule ids close to what was written: the same id in another case, an id that begins with,
    /// contains or is contained in it (or in one of its `/`-separated parts), or one a typo or two away.
    static func closeIDs(to text: String, among ids: [String]) -> [String] {
        let parts = ([text] + text.split(separator: "/").map(String.init))
            .map { $0.lowercased() }
            .filter { !$0.isEmpty }
        var scored: [(score: Int, id: String)] = []
        for id in ids {
            let scores = parts.compactMap { part -> Int? in
                if part == id { return 0 }
                if part.count >= 3, id.hasPrefix(part) || part.hasPrefix(id) { return 1 }
                if part.count >= 3, id.contains(part) || part.contains(id) { return 2 }
                let distance = editDistance(part, id, limit: 2)
                return distance <= 2 ? 2 + distance : nil
            }
            if let best = scores.min() { scored.append((best, id)) }
        }
        let best = scored.sorted { ($0.score, $0.id) < ($1.score, $1.id) }
        return best.prefix(3).map(\.id)
    }

    /// Levenshtein distance, or `limit + 1` once it is certain to exceed `limit`.
    static func editDistance(_ lhs: String, _ rhs: String, limit: Int) -> Int {
        let a = Array(lhs.unicodeScalars)
        let b = Array(rhs.unicodeScalars)
        guard abs(a.count - b.count) <= limit else { return limit + 1 }
        var previous = Array(0...b.count)
        for (i, character) in a.enumerated() {
            var current = [i + 1]
            for j in b.indices {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (character == b[j] ? 0 : 1)))
            }
            if current.allSatisfy({ $0 > limit }) { return limit + 1 }
            previous = current
        }
        return min(previous[b.count], limit + 1)
    }

    static func alternatives(_ ids: [String]) -> String {
        switch ids.count {
        case 1: ids[0]
        case 2: "\(ids[0]) or \(ids[1])"
        default: ids.dropLast().joined(separator: ", ") + " or " + ids[ids.count - 1]
        }
    }

    static func remediation(suggestions: [String], reason: String) -> String {
        let reasonText = reason.trimmingWhitespace.isEmpty
            ? "<why this is accepted>"
            : reason.reduce(into: "") { text, character in
                // Quoted for a YAML double-quoted scalar.
                switch character {
                case "\\", "\"": text += "\\" + String(character)
                case "\n": text += "\\n"
                default: text.append(character)
                }
            }
        return """
            Use the id of the rule to suppress, as `meshlint rules` lists it:
            metadata:
              annotations:
                \(SuppressionAnnotation.prefix)\(suggestions.first ?? "<rule-id>"): "\(reasonText)"
            """
    }
}

import Access
import Rules
import YAMLModel

/// Reads rule files (`apiVersion: meshlint.io/v1alpha1`, `kind: Rule`, several per file allowed),
/// strictly: an unknown key, a value of the wrong type, an unknown fact or a path that cannot be a
/// field is an error at its position that says what was expected.
public enum CustomRuleLoader {
    public static let apiVersion = "meshlint.io/v1alpha1"
    public static let kind = "Rule"
    /// The other kind a rules directory may hold, skipped here.
    public static let complianceMappingKind = "ComplianceMapping"

    /// The rules of one file; `patterns` shares compiled regular expressions across the files of a load.
    public static func load(
        _ bytes: [UInt8], file: String, builtInIDs: Set<String>, patterns: PatternCache = PatternCache()
    ) throws(CustomRuleError) -> [CustomRule] {
        let parsed = YAMLParser.parse(bytes)
        if let problem = parsed.problems.first {
            throw CustomRuleError(file: file, mark: problem.span.start, message: problem.message)
        }
        let reader = Reader(file: file, patterns: patterns)
        // Rules are read on all cores (compiling their regular expressions is most of a load);
        // the first error in document order is the one reported.
        // A ComplianceMapping (read by `meshlint report`) may share the rules directory.
        let documents = parsed.documents.filter {
            !$0.root.isNull && !($0.root["apiVersion"]?.string == apiVersion && $0.root["kind"]?.string == complianceMappingKind)
        }
        let outcomes = documents.parallelMap { document in
            Result { () throws(CustomRuleError) -> CustomRule in try reader.rule(document.root, builtInIDs: builtInIDs) }
        }
        var rules: [CustomRule] = []
        var ids = Set<String>()
        for (document, outcome) in zip(documents, outcomes) {
            let rule = try outcome.get()
            guard ids.insert(rule.description.id).inserted else {
                throw reader.error(at: document.root["metadata"]?["name"] ?? document.root,
                                   "rule \"\(rule.description.id)\" is defined twice in this file")
            }
            rules.append(rule)
        }
        return rules
    }
}

/// The strict reader of one rule file.
struct Reader {
    let file: String
    let patterns: PatternCache

    func error(at node: Node, _ message: String) -> CustomRuleError {
        CustomRuleError(file: file, mark: node.span.start, message: message)
    }

    /// The mapping `node`, with only `allowed` keys; `what` names it in errors.
    func mapping(_ node: Node, _ what: String, allowed: [String], required: [String] = []) throws(CustomRuleError) -> Node {
        guard node.kind == .mapping else { throw error(at: node, "\(what) must be a mapping with keys \(allowed.joined(separator: ", "))") }
        for pair in node.pairs {
            guard let key = pair.key.scalar, allowed.contains(key) else {
                throw error(at: pair.key, "unknown key \"\(pair.key.scalar ?? "?")\" in \(what) (expected one of \(allowed.joined(separator: ", ")))")
            }
        }
        for key in required where node[key] == nil || node[key]!.isNull {
            throw error(at: node, "\(what) needs \"\(key)\"")
        }
        return node
    }

    func string(_ node: Node, _ what: String) throws(CustomRuleError) -> String {
        guard node.kind == .scalar, !node.isNull, let value = node.scalar else { throw error(at: node, "\(what) must be a string") }
        return value
    }

    func strings(_ node: Node, _ what: String) throws(CustomRuleError) -> [String] {
        guard node.kind == .sequence else { throw error(at: node, "\(what) must be a list of strings") }
        var values: [String] = []
        for item in node.items { values.append(try string(item, "each item of \(what)")) }
        return values
    }

    func bool(_ node: Node, _ what: String) throws(CustomRuleError) -> Bool {
        guard node.kind == .scalar, let value = node.bool else { throw error(at: node, "\(what) must be true or false") }
        return value
    }

    func regex(_ node: Node, _ what: String) throws(CustomRuleError) -> ValueTest {
        let pattern = try string(node, what)
        do {
            return .matches(try patterns.pattern(pattern), pattern: pattern)
        } catch {
            throw self.error(at: node, "\(what) is not a pattern MeshLint can match: \(error)")
        }
    }

    // MARK: The rule

    func rule(_ root: Node, builtInIDs: Set<String>) throws(CustomRuleError) -> CustomRule {
        let document = try mapping(root, "a rule document", allowed: ["apiVersion", "kind", "metadata", "spec"],
                                   required: ["apiVersion", "kind", "metadata", "spec"])
        let apiVersion = try string(document["apiVersion"]!, "apiVersion")
        guard apiVersion == CustomRuleLoader.apiVersion else {
            throw error(at: document["apiVersion"]!, "apiVersion must be \(CustomRuleLoader.apiVersion)")
        }
        guard try string(document["kind"]!, "kind") == CustomRuleLoader.kind else {
            throw error(at: document["kind"]!, "kind must be \(CustomRuleLoader.kind) (or \(CustomRuleLoader.complianceMappingKind))")
        }
        let metadata = try mapping(document["metadata"]!, "metadata", allowed: ["name", "annotations", "labels"], required: ["name"])
        let nameNode = metadata["name"]!
        let id = try string(nameNode, "metadata.name")
        guard Self.isKebabCase(id) else {
            throw error(at: nameNode, "metadata.name \"\(id)\" must be kebab-case: lowercase letters and digits separated by single hyphens")
        }
        guard !builtInIDs.contains(id) else {
            throw error(at: nameNode, "metadata.name \"\(id)\" is the id of a built-in rule; choose another")
        }
        let specKeys = ["title", "severity", "summary", "rationale", "remediation", "references", "tags", "securitySeverity",
                        "area", "match", "assert", "examples"]
        let spec = try mapping(document["spec"]!, "spec", allowed: specKeys,
                               required: ["severity", "summary", "rationale", "remediation", "match", "assert"])
        let severityText = try string(spec["severity"]!, "spec.severity")
        guard let severity = Severity(rawValue: severityText) else {
            throw error(at: spec["severity"]!, "spec.severity must be error, warning or note")
        }
        var area = RuleArea.authorization
        if let node = spec["area"] {
            let text = try string(node, "spec.area")
            guard let value = RuleArea.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
                throw error(at: node, "spec.area must be one of \(RuleArea.allCases.map { $0.rawValue.lowercased() }.joined(separator: ", "))")
            }
            area = value
        }
        let tags = try spec["tags"].map { node throws(CustomRuleError) in try strings(node, "spec.tags") } ?? []
        var securitySeverity: Double?
        if let node = spec["securitySeverity"] {
            guard let value = Double(node.scalar ?? ""), value >= 0.1, value <= 10 else {
                throw error(at: node, "spec.securitySeverity must be a number from 0.1 to 10.0")
            }
            securitySeverity = value
        }
        let match = try matcher(spec["match"]!)
        let assertNode = spec["assert"]!
        guard assertNode.kind == .sequence, !assertNode.items.isEmpty else {
            throw error(at: assertNode, "spec.assert must be a non-empty list of conditions (path, fact or access)")
        }
        var assertions: [Assertion] = []
        for item in assertNode.items { assertions.append(try assertion(item)) }
        let (triggering, nonTriggering) = try examples(spec["examples"])
        let description = RuleDescription(
            id: id, name: try spec["title"].map { node throws(CustomRuleError) in try string(node, "spec.title") } ?? Self.title(id),
            summary: try string(spec["summary"]!, "spec.summary"),
            rationale: try string(spec["rationale"]!, "spec.rationale"),
            remediation: try string(spec["remediation"]!, "spec.remediation"),
            severity: severity, area: area, tags: tags, securitySeverity: securitySeverity, precision: .high,
            references: try spec["references"].map { node throws(CustomRuleError) in try strings(node, "spec.references") } ?? [],
            triggeringExamples: triggering, nonTriggeringExamples: nonTriggering)
        return CustomRule(description: description, match: match, assertions: assertions)
    }

    static func isKebabCase(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        return !id.isEmpty && parts.allSatisfy { part in
            !part.isEmpty && part.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        } && id.unicodeScalars.first.map { ("a"..."z").contains($0) } == true
    }

    /// `pci-namespace-posture` → "Pci namespace posture".
    static func title(_ id: String) -> String {
        let words = id.split(separator: "-").joined(separator: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    // MARK: match

    func matcher(_ node: Node) throws(CustomRuleError) -> Matcher {
        let match = try mapping(node, "spec.match", allowed: ["kinds", "names", "namespaces", "labels", "annotations", "namespaceLabels"])
        var matcher = Matcher()
        if let kinds = match["kinds"] { matcher.kinds = try strings(kinds, "spec.match.kinds") }
        if let names = match["names"] { matcher.names = try strings(names, "spec.match.names").map(Glob.init) }
        if let namespaces = match["namespaces"] { matcher.namespaces = try strings(namespaces, "spec.match.namespaces").map(Glob.init) }
        if let labels = match["labels"] { matcher.labels = try labelTests(labels, "spec.match.labels") }
        if let annotations = match["annotations"] { matcher.annotations = try labelTests(annotations, "spec.match.annotations") }
        if let labels = match["namespaceLabels"] { matcher.namespaceLabels = try labelTests(labels, "spec.match.namespaceLabels") }
        return matcher
    }

    /// `{key: "value"}` (shorthand for equals) or `{key: {equals|exists|in|matches: ...}}`.
    func labelTests(_ node: Node, _ what: String) throws(CustomRuleError) -> [(key: String, test: ValueTest)] {
        guard node.kind == .mapping else {
            throw error(at: node, "\(what) must map label keys to a value or to {equals | exists | in | matches}")
        }
        var tests: [(String, ValueTest)] = []
        for pair in node.pairs {
            let key = try string(pair.key, "a key of \(what)")
            if pair.value.kind == .scalar, !pair.value.isNull {
                tests.append((key, .equals(pair.value.scalar ?? "")))
            } else {
                tests.append((key, try valueTest(pair.value, "\(what)[\"\(key)\"]", allowExists: true)))
            }
        }
        return tests
    }

    /// A mapping with exactly one of `equals`, `in`, `matches` (and `exists` when allowed).
    func valueTest(_ node: Node, _ what: String, allowExists: Bool) throws(CustomRuleError) -> ValueTest {
        let keys = ["equals", "in", "matches"] + (allowExists ? ["exists"] : [])
        let test = try mapping(node, what, allowed: keys)
        guard test.pairs.count == 1, let pair = test.pairs.first else {
            throw error(at: node, "\(what) must have exactly one of \(keys.joined(separator: ", "))")
        }
        switch pair.key.scalar {
        case "equals": return .equals(try string(pair.value, "\(what).equals"))
        case "in": return .oneOf(try strings(pair.value, "\(what).in"))
        case "matches": return try regex(pair.value, "\(what).matches")
        default: return .exists(try bool(pair.value, "\(what).exists"))
        }
    }

    // MARK: assert

    func assertion(_ node: Node) throws(CustomRuleError) -> Assertion {
        guard node.kind == .mapping else {
            throw error(at: node, "each assertion must be a mapping with one of path, fact or access")
        }
        let forms = ["path", "fact", "access"].filter { node[$0] != nil }
        guard forms.count == 1 else {
            throw error(at: node, "each assertion needs exactly one of path (a field condition), fact (a mesh fact) or access (an access invariant)")
        }
        let message = try node["message"].map { node throws(CustomRuleError) in try string(node, "message") }
        switch forms[0] {
        case "path": return .field(try fieldAssertion(node, message: message))
        case "fact": return .fact(try factAssertion(node, message: message))
        default: return .access(try accessInvariant(node, message: message))
        }
    }

    func fieldAssertion(_ node: Node, message: String?) throws(CustomRuleError) -> FieldAssertion {
        let conditions = ["exists", "absent", "equals", "in", "matches", "all", "any"]
        _ = try mapping(node, "a field condition", allowed: ["path", "message"] + conditions)
        let pathNode = node["path"]!
        let text = try string(pathNode, "path")
        let path: FieldPath
        switch FieldPath.parse(text) {
        case .success(let parsed): path = parsed
        case .failure(let problem): throw error(at: pathNode, "unknown field path: \(problem.message)")
        }
        let given = node.pairs.filter { conditions.contains($0.key.scalar ?? "") }
        guard given.count == 1, let pair = given.first else {
            throw error(at: node, "a field condition on \(text) needs exactly one of \(conditions.joined(separator: ", "))")
        }
        let condition: FieldAssertion.Condition
        switch pair.key.scalar {
        case "exists": condition = .exists(try bool(pair.value, "exists"))
        case "absent": condition = .exists(!(try bool(pair.value, "absent")))
        case "equals": condition = .each(.equals(try string(pair.value, "equals")))
        case "in": condition = .each(.oneOf(try strings(pair.value, "in")))
        case "matches": condition = .each(try regex(pair.value, "matches"))
        case "all": condition = .all(try valueTest(pair.value, "all", allowExists: false))
        default: condition = .any(try valueTest(pair.value, "any", allowExists: false))
        }
        return FieldAssertion(path: path, condition: condition, message: message)
    }

    func factAssertion(_ node: Node, message: String?) throws(CustomRuleError) -> FactAssertion {
        let factNode = node["fact"]!
        let name = try string(factNode, "fact")
        func keys(_ extra: [String]) throws(CustomRuleError) {
            _ = try mapping(node, "fact \(name)", allowed: ["fact", "message"] + extra)
        }
        func expected() throws(CustomRuleError) -> Bool {
            try node["equals"].map { node throws(CustomRuleError) in try bool(node, "equals of fact \(name)") } ?? true
        }
        let fact: FactAssertion.Fact
        switch name {
        case "ambient":
            try keys(["equals"]); fact = .ambient(expected: try expected())
        case "defaultDeny":
            try keys(["equals"]); fact = .defaultDeny(expected: try expected())
        case "waypoint":
            try keys(["bound", "name"])
            let bound = try node["bound"].map { node throws(CustomRuleError) in try bool(node, "bound") } ?? true
            let waypoint = try node["name"].map { node throws(CustomRuleError) in try string(node, "name") }
            fact = .waypoint(expected: bound, name: waypoint)
        case "requestAuthentication":
            try keys(["present", "issuers", "audiences"])
            fact = .requestAuthentication(
                expected: try node["present"].map { node throws(CustomRuleError) in try bool(node, "present") } ?? true,
                issuers: try node["issuers"].map { node throws(CustomRuleError) in try strings(node, "issuers") } ?? [],
                audiences: try node["audiences"].map { node throws(CustomRuleError) in try strings(node, "audiences") } ?? [])
        case "tokenRequired":
            try keys(["equals"]); fact = .tokenRequired(expected: try expected())
        case "mtls":
            try keys(["equals"])
            let mode = try node["equals"].map { node throws(CustomRuleError) in try string(node, "equals of fact mtls") } ?? "STRICT"
            guard let parsed = MTLSMode(text: mode), parsed == .strict || parsed == .permissive else {
                throw error(at: node["equals"] ?? node, "fact mtls equals STRICT or PERMISSIVE")
            }
            fact = .mtls(parsed)
        case "waypointReplicas":
            try keys(["min"])
            guard let minNode = node["min"], let min = minNode.int, min >= 1 else {
                throw error(at: node["min"] ?? node, "fact waypointReplicas needs min: a number of replicas (1 or 2)")
            }
            guard min <= 2 else {
                throw error(at: minNode, "fact waypointReplicas: min must be 1 or 2 (the index knows whether a waypoint runs one replica or several)")
            }
            fact = .waypointReplicas(min: min)
        case "pdb":
            try keys(["equals"]); fact = .pdb(expected: try expected())
        default:
            throw error(at: factNode, "unknown fact \"\(name)\" (expected one of \(FactAssertion.names.joined(separator: ", ")))")
        }
        return FactAssertion(fact: fact, message: message)
    }

    func accessInvariant(_ node: Node, message: String?) throws(CustomRuleError) -> AccessInvariant {
        _ = try mapping(node, "an access assertion", allowed: ["access", "message"])
        let access = try mapping(node["access"]!, "access", allowed: ["to", "request", "onlyFrom", "requireToken"], required: ["to"])
        let toNode = access["to"]!
        let to = try string(toNode, "access.to")
        guard let colon = to.lastIndex(of: ":"), Int(to[to.index(after: colon)...]) != nil,
              to[..<colon].split(separator: ".").count == 2 else {
            throw error(at: toNode, "access.to must be <service>.<namespace>:<port>, e.g. ledger.payments:8080")
        }
        var method = "GET", path = "/", host: String?, headers: [String: String] = [:], token: JWTClaims?
        if let requestNode = access["request"] {
            let request = try mapping(requestNode, "access.request", allowed: ["method", "path", "host", "headers", "token"])
            if let node = request["method"] { method = try string(node, "access.request.method") }
            if let node = request["path"] { path = try string(node, "access.request.path") }
            if let node = request["host"] { host = try string(node, "access.request.host") }
            if let node = request["headers"] {
                guard node.kind == .mapping else { throw error(at: node, "access.request.headers must map header names to values") }
                for pair in node.pairs { headers[try string(pair.key, "a header name")] = try string(pair.value, "a header value") }
            }
            if let node = request["token"] {
                guard node.kind == .mapping else { throw error(at: node, "access.request.token must map claim names to values") }
                var claims: [String: ClaimValue] = [:]
                for pair in node.pairs { claims[try string(pair.key, "a claim name")] = AccessSpecification.claim(pair.value) }
                token = JWTClaims(claims)
            }
        }
        var onlyFrom: Set<String>?
        if let node = access["onlyFrom"] {
            onlyFrom = []
            guard node.kind == .sequence else { throw error(at: node, "access.onlyFrom must be a list of callers (<namespace>/<service-account> or anonymous)") }
            for item in node.items {
                let caller = try string(item, "each item of access.onlyFrom")
                do {
                    _ = try AccessSpecification.caller(caller)
                } catch {
                    throw self.error(at: item, "\(error) (expected <namespace>/<service-account> or anonymous)")
                }
                guard !caller.hasPrefix("ingress:") else { throw self.error(at: item, "access.onlyFrom takes <namespace>/<service-account> or anonymous") }
                onlyFrom?.insert(caller)
            }
        }
        let requireToken = try access["requireToken"].map { node throws(CustomRuleError) in try bool(node, "access.requireToken") } ?? false
        guard access["onlyFrom"] != nil || requireToken else {
            throw error(at: access, "access needs onlyFrom (the callers allowed), requireToken: true, or both")
        }
        return AccessInvariant(
            to: to, method: method, path: path, host: host, headers: headers, token: token, onlyFrom: onlyFrom,
            requireToken: requireToken, message: message)
    }

    // MARK: examples

    func examples(_ node: Node?) throws(CustomRuleError) -> ([Example], [Example]) {
        guard let node else { return ([], []) }
        let examples = try mapping(node, "spec.examples", allowed: ["triggering", "nonTriggering"])
        func list(_ key: String) throws(CustomRuleError) -> [Example] {
            guard let list = examples[key] else { return [] }
            guard list.kind == .sequence else {
                throw error(at: list, "spec.examples.\(key) must be a list of YAML strings or {yaml, configuration}")
            }
            var result: [Example] = []
            for item in list.items {
                var yaml: String
                var configuration: String?
                var at = item
                if item.kind == .mapping {
                    let entry = try mapping(item, "an example", allowed: ["yaml", "configuration"], required: ["yaml"])
                    at = entry["yaml"]!
                    yaml = try string(at, "an example's yaml")
                    configuration = try entry["configuration"].map { node throws(CustomRuleError) in try string(node, "an example's configuration") }
                } else {
                    yaml = try string(item, "an example")
                }
                if !yaml.hasSuffix("\n") { yaml += "\n" }
                result.append(Example(
                    yaml, configuration: configuration, fileID: file, filePath: file, line: at.span.start.line, column: at.span.start.column))
            }
            return result
        }
        return (try list("triggering"), try list("nonTriggering"))
    }
}

import YAMLModel

/// Which requirements of which frameworks each rule supports (`kind: ComplianceMapping` in a
/// rules directory). Data, not code, so that auditors can adjust it; a repository's own mapping in
/// `.meshlint/rules.d/` (or a `--rules-dir`) replaces the one MeshLint ships.
public struct ComplianceMapping: Sendable {
    public struct Requirement: Sendable {
        public let id: String
        public let title: String
        /// What the reader must know about the entry (a topic the framework does not number, say);
        /// printed with it in the report.
        public var note: String?
    }

    public struct Framework: Sendable {
        public let id: String
        public let title: String
        public let requirements: [Requirement]

        public func requirement(_ id: String) -> Requirement? { requirements.first { $0.id == id } }
    }

    public let name: String
    /// Where it was read from (`built-in` for the shipped one).
    public let source: String
    public let frameworks: [Framework]
    /// Rule id → framework id → requirement ids.
    public let rules: [String: [String: [String]]]

    /// The requirements `rule` supports in `framework`.
    public func requirements(of rule: String, in framework: Framework) -> [Requirement] {
        (rules[rule]?[framework.id] ?? []).compactMap(framework.requirement)
    }

    /// The mapping MeshLint ships (`rules.d/compliance.yaml`).
    public static var builtIn: ComplianceMapping {
        // The embedded text is checked against rules.d/compliance.yaml by the tests.
        (try? load(Array(DefaultComplianceMapping.yaml.utf8), file: "built-in")) ?? ComplianceMapping(
            name: "none", source: "built-in", frameworks: [], rules: [:])
    }

    public struct LoadError: Error, CustomStringConvertible {
        public let file: String
        public let mark: Mark
        public let message: String
        public var description: String { "\(file):\(mark.line):\(mark.column): \(message)" }
    }

    /// The mapping in `bytes`, or nil when the file holds none; strict like rule files.
    public static func load(_ bytes: [UInt8], file: String) throws(LoadError) -> ComplianceMapping? {
        let parsed = YAMLParser.parse(bytes)
        if let problem = parsed.problems.first { throw LoadError(file: file, mark: problem.span.start, message: problem.message) }
        guard let root = parsed.documents.first(where: { $0.root["kind"]?.string == "ComplianceMapping" })?.root else { return nil }
        func fail(_ node: Node, _ message: String) -> LoadError { LoadError(file: file, mark: node.span.start, message: message) }
        func mapping(_ node: Node?, _ what: String, parent: Node) throws(LoadError) -> Node {
            guard let node, node.kind == .mapping else { throw fail(node ?? parent, "\(what) must be a mapping") }
            return node
        }
        func text(_ node: Node?, _ what: String, parent: Node) throws(LoadError) -> String {
            guard let node, node.kind == .scalar, let value = node.string, !value.isEmpty else {
                throw fail(node ?? parent, "\(what) must be a non-empty string")
            }
            return value
        }
        guard root["apiVersion"]?.string == "meshlint.io/v1alpha1" else {
            throw fail(root["apiVersion"] ?? root, "apiVersion must be meshlint.io/v1alpha1")
        }
        let spec = try mapping(root["spec"], "spec", parent: root)
        for pair in spec.pairs where !["frameworks", "rules"].contains(pair.key.scalar ?? "") {
            throw fail(pair.key, "unknown key \"\(pair.key.scalar ?? "")\" in spec (expected frameworks, rules)")
        }
        guard let frameworkNodes = spec["frameworks"], frameworkNodes.kind == .sequence else {
            throw fail(spec["frameworks"] ?? spec, "spec.frameworks must be a list of {id, title, requirements}")
        }
        var frameworks: [Framework] = []
        for node in frameworkNodes.items {
            let framework = try mapping(node, "a framework", parent: frameworkNodes)
            var requirements: [Requirement] = []
            guard let list = framework["requirements"], list.kind == .sequence else {
                throw fail(framework["requirements"] ?? framework, "a framework needs requirements: a list of {id, title}")
            }
            for item in list.items {
                let requirement = try mapping(item, "a requirement", parent: list)
                let id = try text(requirement["id"], "a requirement's id", parent: requirement)
                guard !requirements.contains(where: { $0.id == id }) else { throw fail(requirement["id"]!, "requirement \(id) is listed twice") }
                var note: String?
                if let written = requirement["note"] { note = try text(written, "a requirement's note", parent: requirement) }
                requirements.append(Requirement(
                    id: id, title: try text(requirement["title"], "a requirement's title", parent: requirement), note: note))
            }
            frameworks.append(Framework(
                id: try text(framework["id"], "a framework's id", parent: framework),
                title: try text(framework["title"], "a framework's title", parent: framework), requirements: requirements))
        }
        var rules: [String: [String: [String]]] = [:]
        for pair in try mapping(spec["rules"], "spec.rules", parent: spec).pairs {
            let rule = try text(pair.key, "a rule id", parent: spec)
            var byFramework: [String: [String]] = [:]
            for entry in try mapping(pair.value, "the mapping of rule \(rule)", parent: pair.key).pairs {
                let frameworkID = try text(entry.key, "a framework id", parent: pair.value)
                guard let framework = frameworks.first(where: { $0.id == frameworkID }) else {
                    throw fail(entry.key, "unknown framework \"\(frameworkID)\" (declared: \(frameworks.map(\.id).joined(separator: ", ")))")
                }
                guard entry.value.kind == .sequence else { throw fail(entry.value, "the requirements of \(rule) must be a list") }
                byFramework[frameworkID] = try entry.value.items.map { item throws(LoadError) in
                    let id = try text(item, "a requirement id", parent: entry.value)
                    guard framework.requirement(id) != nil else {
                        throw fail(item, "requirement \(id) is not declared under framework \(frameworkID)")
                    }
                    return id
                }
            }
            rules[rule] = byFramework
        }
        return ComplianceMapping(
            name: root["metadata"]?["name"]?.string ?? "unnamed", source: file, frameworks: frameworks, rules: rules)
    }
}

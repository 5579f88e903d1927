import Access
import Rules
import YAMLModel

/// An organisation's own rule, loaded from a `meshlint.io/v1alpha1` `Rule` document.
///
/// It selects resources with `spec.match`, and reports one finding per failing `spec.assert`
/// entry on each: field conditions read the resource itself, mesh facts ask the `MeshIndex`, and
/// access invariants ask the `AccessEvaluator` which callers get through.
public struct CustomRule: Rule {
    public let description: RuleDescription
    let match: Matcher
    let assertions: [Assertion]

    init(description: RuleDescription, match: Matcher, assertions: [Assertion]) {
        self.description = description
        self.match = match
        self.assertions = assertions
    }

    public func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        let candidates = match.kinds.isEmpty ? Array(index.resources.indices) : index.resourcePositions(ofKinds: match.kinds)
        // The work grows with resources × assertions: past the time limit the rule stops where it
        // is, and the linter reports it as stopped (the scan is incomplete).
        var matched: [Int] = []
        for position in candidates {
            if context.deadline.hasPassed { return [] }
            if match.matches(index.resources[position], index: index) { matched.append(position) }
        }
        guard !matched.isEmpty else { return [] }
        // An access invariant does not depend on the matched resource: evaluate it once.
        var accessOutcomes: [Int: [AccessViolation]] = [:]
        for (number, assertion) in assertions.enumerated() {
            if case .access(let invariant) = assertion {
                if context.deadline.hasPassed { return [] }
                accessOutcomes[number] = invariant.violations(in: context)
            }
        }
        // Rule packs test the same paths over and over: each is walked once per resource and scan.
        var fieldValues: [Int: FieldValues] = [:]
        for (number, assertion) in assertions.enumerated() {
            if case .field(let field) = assertion { fieldValues[number] = FieldValues.shared(field.path, in: context) }
        }
        var findings: [Finding] = []
        for position in matched {
            if context.deadline.hasPassed { break }
            let resource = index.resources[position]
            for (number, assertion) in assertions.enumerated() {
                switch assertion {
                case .field(let field):
                    let nodes = fieldValues[number]!.nodes(at: position) { field.path.nodes(in: resource.node) }
                    if let failure = field.failure(given: nodes) {
                        findings.append(finding(
                            field.message ?? "\(subject(resource)): \(failure.message).", on: resource,
                            at: failure.span ?? resource.nameSpan))
                    }
                case .fact(let fact):
                    if let failure = fact.failure(on: resource, index: index) {
                        findings.append(finding(
                            fact.message ?? "\(subject(resource)): \(failure.message).", on: resource,
                            at: failure.span ?? resource.nameSpan, related: failure.related))
                    }
                case .access(let invariant):
                    for violation in accessOutcomes[number] ?? [] {
                        let text = (invariant.message.map { $0 + " " } ?? "") + violation.message
                        findings.append(finding(
                            "\(text) (matched \(subject(resource)))\nTrace:\n\(violation.trace)", on: resource,
                            at: resource.nameSpan, related: violation.related))
                    }
                }
            }
        }
        return findings
    }

    /// Every key the rule's field paths name: parsing must not prune them (`Pruning.retaining`).
    public var fieldPathKeys: Set<String> {
        var keys = Set<String>()
        for case .field(let field) in assertions {
            for case .key(let key) in field.path.segments { keys.insert(key) }
        }
        return keys
    }

    private func subject(_ resource: Resource) -> String {
        resource.namespace.map { "\(resource.kind) \($0)/\(resource.name)" } ?? "\(resource.kind) \(resource.name)"
    }
}

// MARK: Matching

/// A test of one string value (a label, a field): `equals`, `in`, `matches`, `exists`.
enum ValueTest: Sendable {
    case equals(String)
    case oneOf([String])
    case matches(CompiledPattern, pattern: String)
    case exists(Bool)

    func holds(_ value: String?) -> Bool {
        switch self {
        case .equals(let expected): value == expected
        case .oneOf(let values): value.map(values.contains) ?? false
        case .matches(let regex, _): value.map(regex.matches) ?? false
        case .exists(let wanted): (value != nil) == wanted
        }
    }

    var expectation: String {
        switch self {
        case .equals(let expected): "equal \"\(expected)\""
        case .oneOf(let values): "be one of \(values.map { "\"\($0)\"" }.joined(separator: ", "))"
        case .matches(_, let pattern): "match /\(pattern)/"
        case .exists(let wanted): wanted ? "exist" : "be absent"
        }
    }
}

/// `spec.match`: which resources the rule looks at.
struct Matcher: Sendable {
    var kinds: [String] = []
    var names: [Glob] = []
    var namespaces: [Glob] = []
    var labels: [(key: String, test: ValueTest)] = []
    var annotations: [(key: String, test: ValueTest)] = []
    var namespaceLabels: [(key: String, test: ValueTest)] = []

    func matches(_ resource: Resource, index: MeshIndex) -> Bool {
        if !kinds.isEmpty, !kinds.contains(resource.kind) { return false }
        if !names.isEmpty, !names.contains(where: { $0.matches(resource.name) }) { return false }
        let namespace = homeNamespace(of: resource)
        if !namespaces.isEmpty, !namespaces.contains(where: { $0.matches(namespace) }) { return false }
        if !labels.allSatisfy({ $0.test.holds(resource.labels[$0.key]?.value) }) { return false }
        if !annotations.allSatisfy({ $0.test.holds(resource.annotations[$0.key]?.value) }) { return false }
        if !namespaceLabels.isEmpty {
            let labels = index.namespace(namespace).labels ?? [:]
            if !namespaceLabels.allSatisfy({ $0.test.holds(labels[$0.key]) }) { return false }
        }
        return true
    }
}

/// The namespace a resource's mesh facts are about: a Namespace's own name, else its namespace.
func homeNamespace(of resource: Resource) -> String {
    resource.kind == "Namespace" && resource.group.isEmpty ? resource.name : (resource.namespace ?? "default")
}

// MARK: Assertions

/// One entry of `spec.assert`.
enum Assertion: Sendable {
    case field(FieldAssertion)
    case fact(FactAssertion)
    case access(AccessInvariant)
}

/// Why an assertion does not hold on a resource, and where.
struct AssertionFailure {
    let message: String
    let span: Span?
    var related: [RelatedLocation] = []
}

/// A condition on the values a path reaches.
struct FieldAssertion: Sendable {
    enum Condition: Sendable {
        /// The path reaches something (true) or nothing (false).
        case exists(Bool)
        /// Every value the path reaches passes the test (and there is one).
        case each(ValueTest)
        /// Every item of the lists the path reaches passes (vacuously true for none).
        case all(ValueTest)
        /// Some item of the lists the path reaches passes.
        case any(ValueTest)
    }

    let path: FieldPath
    let condition: Condition
    let message: String?

    func failure(on resource: Resource) -> AssertionFailure? {
        failure(given: path.nodes(in: resource.node))
    }

    /// The failure, given what the path reaches in the resource.
    func failure(given nodes: [Node]) -> AssertionFailure? {
        switch condition {
        case .exists(true):
            return nodes.isEmpty ? AssertionFailure(message: "\(path) is not set", span: nil) : nil
        case .exists(false):
            return nodes.first.map { AssertionFailure(message: "\(path) is set, and must not be", span: $0.span) }
        case .each(let test):
            guard !nodes.isEmpty else {
                return AssertionFailure(message: "\(path) is not set; it must \(test.expectation)", span: nil)
            }
            for node in nodes where !test.holds(node.scalar) {
                let shown = node.scalar.map { "is \"\($0)\"" } ?? "is not a single value"
                return AssertionFailure(message: "\(path) \(shown); it must \(test.expectation)", span: node.span)
            }
            return nil
        case .all(let test):
            for item in Self.items(nodes) where !test.holds(item.scalar) {
                let shown = item.scalar.map { "\"\($0)\"" } ?? "a value that is not a scalar"
                return AssertionFailure(message: "\(path) holds \(shown); every item must \(test.expectation)", span: item.span)
            }
            return nil
        case .any(let test):
            if Self.items(nodes).contains(where: { test.holds($0.scalar) }) { return nil }
            return AssertionFailure(message: "no item of \(path) does \(test.expectation)", span: nodes.first?.span)
        }
    }

    /// Lists are opened up into their items; single values stand for themselves.
    private static func items(_ nodes: [Node]) -> [Node] {
        nodes.flatMap { $0.kind == .sequence ? $0.items.filter { !$0.isNull } : [$0] }
    }
}

import Rules
import Synchronization
import YAMLModel

/// A path into a resource, as rule files write it: `metadata.labels["pci"]`,
/// `spec.rules[*].from[*].source.principals`, `spec.ports[0].port`.
struct FieldPath: Sendable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        /// A mapping key.
        case key(String)
        /// One item of a sequence.
        case index(Int)
        /// Every item of a sequence (or every value of a mapping).
        case each
    }

    let text: String
    let segments: [Segment]

    var description: String { text }

    /// The top-level fields a Kubernetes object can have; a path starting elsewhere is a typo.
    static let roots: Set<String> = [
        "apiVersion", "kind", "metadata", "spec", "data", "stringData", "binaryData", "type", "rules", "subjects",
        "roleRef", "webhooks", "status", "immutable",
    ]
    /// The fields of `metadata`.
    static let metadataFields: Set<String> = [
        "name", "namespace", "labels", "annotations", "ownerReferences", "finalizers", "generateName", "uid",
        "resourceVersion", "creationTimestamp", "generation", "deletionTimestamp", "managedFields",
    ]

    /// Parses `text`; the error says what is wrong, without a position (the caller adds it).
    static func parse(_ text: String) -> Result<FieldPath, FieldPathProblem> {
        var segments: [Segment] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var expectKey = true
        func identifier() -> String {
            var name = ""
            while i < scalars.count, scalars[i] != ".", scalars[i] != "[" {
                name.unicodeScalars.append(scalars[i])
                i += 1
            }
            return name
        }
        while i < scalars.count {
            if scalars[i] == "[" {
                guard let close = scalars[i...].firstIndex(of: "]") else {
                    return .failure(FieldPathProblem("an unclosed \"[\" in \"\(text)\""))
                }
                var inner = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
                if inner == "*" {
                    segments.append(.each)
                } else if let number = Int(inner), number >= 0 {
                    segments.append(.index(number))
                } else if inner.count >= 2, let first = inner.first, first == "\"" || first == "'", inner.last == first {
                    inner = String(inner.dropFirst().dropLast())
                    segments.append(.key(inner))
                } else {
                    return .failure(FieldPathProblem(
                        "\"[\(inner)]\" in \"\(text)\" must be [*], a number like [0], or a quoted key like [\"app\"]"))
                }
                i = close + 1
                expectKey = false
                continue
            }
            if scalars[i] == "." {
                guard !segments.isEmpty, !expectKey else {
                    return .failure(FieldPathProblem("an empty segment in \"\(text)\""))
                }
                i += 1
                expectKey = true
                continue
            }
            guard expectKey else { return .failure(FieldPathProblem("a \".\" or \"[\" is missing in \"\(text)\"")) }
            segments.append(.key(identifier()))
            expectKey = false
        }
        guard !segments.isEmpty, !expectKey else {
            return .failure(FieldPathProblem("\"\(text)\" must be a path like metadata.labels[\"pci\"] or spec.rules[*].from"))
        }
        guard case .key(let root) = segments[0], roots.contains(root) else {
            return .failure(FieldPathProblem(
                "\"\(text)\" does not start with a field of a Kubernetes object (\(roots.sorted().joined(separator: ", ")))"))
        }
        if root == "metadata", segments.count > 1 {
            guard case .key(let field) = segments[1], metadataFields.contains(field) else {
                return .failure(FieldPathProblem(
                    "\"\(text)\": metadata has no such field (expected one of \(metadataFields.sorted().joined(separator: ", ")))"))
            }
        }
        return .success(FieldPath(text: text, segments: segments))
    }

    /// Every node the path reaches in `root`: several through `[*]`, none when a step is missing.
    /// Null values count as missing.
    func nodes(in root: Node) -> [Node] {
        var found: [Node] = []
        visit(root, from: 0) { found.append($0) }
        return found
    }

    /// Walks down from `node` depth first, without building the intermediate lists of each level.
    private func visit(_ node: Node, from position: Int, _ body: (Node) -> Void) {
        guard position < segments.count else {
            if !node.isNull { body(node) }
            return
        }
        switch segments[position] {
        case .key(let key):
            if node.kind == .mapping, let value = node[key] { visit(value, from: position + 1, body) }
        case .index(let index):
            if node.kind == .sequence, index < node.items.count { visit(node.items[index], from: position + 1, body) }
        case .each:
            switch node.kind {
            case .sequence: for item in node.items { visit(item, from: position + 1, body) }
            case .mapping: for pair in node.pairs { visit(pair.value, from: position + 1, body) }
            case .scalar: break
            }
        }
    }
}

struct FieldPathProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// What one path reaches in each resource of a scan, walked once and shared by every rule that
/// tests the path (`LintContext.shared`).
final class FieldValues: Sendable {
    private let byPosition = Mutex<[Int: [Node]]>([:])

    static func shared(_ path: FieldPath, in context: LintContext) -> FieldValues {
        context.shared.value("FieldValues " + path.text) { FieldValues() }
    }

    /// The nodes the path reaches in the resource at `position` of the index, walked by `walk` the first time.
    func nodes(at position: Int, walk: () -> [Node]) -> [Node] {
        if let known = byPosition.withLock({ $0[position] }) { return known }
        let nodes = walk()
        byPosition.withLock { $0[position] = nodes }
        return nodes
    }
}

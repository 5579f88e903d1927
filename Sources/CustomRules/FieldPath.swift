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
        var current = [root]
        for segment in segments {
            var next: [Node] = []
            for node in current {
                switch segment {
                case .key(let key):
                    if node.kind == .mapping, let value = node[key] { next.append(value) }
                case .index(let index):
                    if node.kind == .sequence, index < node.items.count { next.append(node.items[index]) }
                case .each:
                    switch node.kind {
                    case .sequence: next += node.items
                    case .mapping: next += node.pairs.map(\.value)
                    case .scalar: break
                    }
                }
            }
            current = next
        }
        return current.filter { !$0.isNull }
    }
}

/// Why a field path does not parse.
struct FieldPathProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

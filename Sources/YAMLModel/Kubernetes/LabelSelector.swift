/// A Kubernetes label selector (`matchLabels` and `matchExpressions`), or Istio's workload selector
/// (`matchLabels` only), with its span.
public struct LabelSelector: Sendable {
    public struct Requirement: Sendable {
        public let key: String
        public let `operator`: String
        public let values: [String]
    }

    public let node: Node
    public let matchLabels: [Spanned<String>.Entry]
    public let matchExpressions: [Requirement]

    /// Reads a selector with `matchLabels`/`matchExpressions`.
    public init(node: Node) {
        self.node = node
        matchLabels = node["matchLabels"]?.stringMap ?? []
        matchExpressions = (node["matchExpressions"]?.items ?? []).compactMap { item in
            guard let key = item["key"]?.string, let op = item["operator"]?.string else { return nil }
            return Requirement(key: key, operator: op, values: item["values"]?.items.compactMap(\.string) ?? [])
        }
    }

    /// Reads a plain map of labels, as `Service.spec.selector` is.
    public init(plainMap node: Node) {
        self.node = node
        matchLabels = node.stringMap
        matchExpressions = []
    }

    /// An empty selector matches everything (a PDB) — callers that treat it otherwise say so.
    public var isEmpty: Bool { matchLabels.isEmpty && matchExpressions.isEmpty }

    /// An Istio workload selector with no labels (`selector: {}`): Istio's selector has
    /// `matchLabels` only, and one without any selects every pod for a sidecar but no workload in
    /// ambient.
    public var isEmptyWorkloadSelector: Bool { matchLabels.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        for entry in matchLabels where labels[entry.key] != entry.value {
            return false
        }
        for requirement in matchExpressions {
            let value = labels[requirement.key]
            switch requirement.operator {
            case "In": if let value, requirement.values.contains(value) { continue } else { return false }
            case "NotIn": if let value, requirement.values.contains(value) { return false }
            case "Exists": if value == nil { return false }
            case "DoesNotExist": if value != nil { return false }
            default: return false
            }
        }
        return true
    }
}

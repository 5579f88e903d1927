import YAMLModel

/// Building blocks of the Enrollment rules' fixes and messages: labels as they read in a message,
/// and Namespace or pod-template label blocks with the real names filled in.
enum EnrollmentRemediation {
    /// A label as messages quote it: `key: value` (the value quoted when YAML would not read it as a string).
    static func describe(_ label: Spanned<String>.Entry) -> String {
        "`\(label.key): \(AuthenticationRemediation.scalar(label.value))`"
    }

    /// The object's labels with `removing` dropped and `adding` set (added last, or replacing in place).
    static func labels(
        _ labels: Labels, removing: Set<String> = [], adding: [(key: String, value: String)] = []
    ) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        var seen = Set<String>()
        for entry in labels.entries where !removing.contains(entry.key) && seen.insert(entry.key).inserted {
            result.append((entry.key, adding.first { $0.key == entry.key }?.value ?? entry.value))
        }
        for added in adding where !seen.contains(added.key) { result.append(added) }
        return result
    }

    /// A Namespace manifest with these labels.
    static func namespace(_ name: String, labels: [(key: String, value: String)]) -> String {
        var lines = ["apiVersion: v1", "kind: Namespace", "metadata:", "  name: \(AuthenticationRemediation.scalar(name))"]
        lines += labelBlock(labels, indent: 2)
        return lines.joined(separator: "\n")
    }

    /// The pod template's `labels:` of `workload`, nested under the path its kind uses.
    static func podLabels(of workload: WorkloadView, _ labels: [(key: String, value: String)]) -> String {
        let path: [String] = switch workload.resource.groupKind {
        case .pod: ["metadata"]
        case .cronJob: ["spec", "jobTemplate", "spec", "template", "metadata"]
        default: ["spec", "template", "metadata"]
        }
        var lines = ["# \(workload.resource.displayName)"]
        for (depth, key) in path.enumerated() {
            lines.append(String(repeating: "  ", count: depth) + key + ":")
        }
        lines += labelBlock(labels, indent: path.count * 2)
        return lines.joined(separator: "\n")
    }

    private static func labelBlock(_ labels: [(key: String, value: String)], indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        guard !labels.isEmpty else { return [pad + "labels: {}"] }
        return [pad + "labels:"] + labels.map {
            "\(pad)  \(AuthenticationRemediation.scalar($0.key)): \(AuthenticationRemediation.scalar($0.value))"
        }
    }
}

import YAMLModel

/// The change of posture since an earlier JSON report: controls gained and lost, namespaces that
/// appeared or went, findings new and fixed.
public struct PostureComparison: Sendable {
    public struct ControlChange: Sendable {
        public let namespace: String
        public let control: String
        public let before: String
        public let after: String
        /// `gained` (the state got better: missing → partial → met), `lost`, or `changed` (same state, another value).
        public let direction: String
    }

    public struct FindingChange: Sendable {
        public let rule: String
        public let namespace: String
        public let message: String
        public let location: String
    }

    /// When and at which commit the earlier report was made.
    public let earlier: String
    public let controlChanges: [ControlChange]
    public let namespacesAdded: [String]
    public let namespacesRemoved: [String]
    public let newFindings: [FindingChange]
    public let fixedFindings: [FindingChange]

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public init(earlier bytes: [UInt8], file: String, current: PostureReport) throws(Problem) {
        // JSON is YAML: the same parser reads it, with positions for errors.
        let parsed = YAMLParser.parse(bytes)
        if let problem = parsed.problems.first {
            throw Problem(description: "\(file):\(problem.span.start.line):\(problem.span.start.column): \(problem.message)")
        }
        guard let root = parsed.documents.first?.root, root["schema"]?.string == PostureReport.schema else {
            throw Problem(description: "\(file) is not a MeshLint posture report in JSON (schema \(PostureReport.schema))")
        }
        let header = root["header"]
        earlier = (header?["generatedAt"]?.string ?? "an unknown time") + (header?["commit"]?.string.map { ", commit \($0.prefix(12))" } ?? "")

        var before: [String: [String: (state: String, value: String)]] = [:]
        for namespace in root["namespaces"]?.items ?? [] {
            guard let name = namespace["name"]?.string else { continue }
            var controls: [String: (String, String)] = [:]
            for control in namespace["controls"]?.items ?? [] {
                if let id = control["control"]?.string {
                    controls[id] = (control["state"]?.string ?? "", control["value"]?.string ?? "")
                }
            }
            before[name] = controls
        }
        let now = Dictionary(current.namespaces.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        namespacesAdded = now.keys.filter { before[$0] == nil }.sorted()
        namespacesRemoved = before.keys.filter { now[$0] == nil }.sorted()
        var changes: [ControlChange] = []
        for name in now.keys.sorted() {
            guard let old = before[name], let posture = now[name] else { continue }
            for control in posture.controls {
                guard let previous = old[control.id.rawValue] else { continue }
                guard previous.state != control.state.rawValue || previous.value != control.value else { continue }
                changes.append(ControlChange(
                    namespace: name, control: control.id.title, before: "\(previous.state) (\(previous.value))",
                    after: "\(control.state.rawValue) (\(control.value))",
                    direction: Self.rank(control.state.rawValue) > Self.rank(previous.state) ? "gained"
                        : Self.rank(control.state.rawValue) < Self.rank(previous.state) ? "lost" : "changed"))
            }
        }
        controlChanges = changes

        var earlierFindings: [String: FindingChange] = [:]
        for finding in root["findings"]?.items ?? [] {
            guard let fingerprint = finding["fingerprint"]?.string else { continue }
            earlierFindings[fingerprint] = FindingChange(
                rule: finding["rule"]?.string ?? "", namespace: finding["namespace"]?.string ?? "",
                message: Self.firstLine(finding["message"]?.string ?? ""),
                location: "\(finding["file"]?.string ?? ""):\(finding["line"]?.int ?? 0)")
        }
        let currentFingerprints = Set(current.findings.map(\.fingerprint))
        newFindings = current.findings.filter { earlierFindings[$0.fingerprint] == nil }.map {
            FindingChange(rule: $0.rule, namespace: $0.namespace, message: Self.firstLine($0.message), location: "\($0.file):\($0.line)")
        }
        fixedFindings = earlierFindings.filter { !currentFingerprints.contains($0.key) }.map(\.value)
            .sorted { ($0.namespace, $0.rule, $0.location) < ($1.namespace, $1.rule, $1.location) }
    }

    private static func rank(_ state: String) -> Int {
        switch state {
        case "met": 3
        case "partial": 2
        case "not-applicable": 1
        default: 0
        }
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
}

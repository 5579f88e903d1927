import Rules
import YAMLModel

/// The findings a repository has accepted for now, by fingerprint, so that adopting MeshLint on an
/// existing repository reports only what is new. Fingerprints ignore line numbers: a moved resource
/// stays baselined, a changed one (another field, another resource) does not.
///
/// The file is JSON, sorted by fingerprint, one entry per finding with its rule, resource and
/// message, so that it can be reviewed in a diff and shrinks as findings are fixed.
struct Baseline {
    struct Entry: Equatable {
        let fingerprint: String
        let rule: String
        let resource: String
        let file: String
        let message: String
    }

    static let schemaVersion = 1
    var entries: [Entry]

    init(entries: [Entry]) {
        self.entries = entries.sorted { ($0.fingerprint, $0.file) < ($1.fingerprint, $1.file) }
    }

    init(findings: [Finding]) {
        self.init(entries: findings.map { finding in
            Entry(
                fingerprint: finding.fingerprint, rule: finding.ruleID, resource: finding.resource?.display ?? "",
                file: finding.file, message: finding.message)
        })
    }

    func serialized() -> String {
        JSONValue.object([
            ("schemaVersion", .int(Self.schemaVersion)),
            ("tool", .object([("name", .string(ToolInfo.name)), ("version", .string(ToolInfo.version))])),
            ("findings", .array(entries.map { entry in
                .object([
                    ("fingerprint", .string(entry.fingerprint)),
                    ("rule", .string(entry.rule)),
                    ("resource", .string(entry.resource)),
                    ("file", .string(entry.file)),
                    ("message", .string(entry.message)),
                ])
            })),
        ]).serialized()
    }

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads a baseline file (JSON, read with the YAML parser: JSON is YAML).
    static func parse(_ bytes: [UInt8], file: String) throws -> Baseline {
        let parsed = YAMLParser.parse(bytes)
        if let problem = parsed.problems.first {
            throw Problem(description: "\(file):\(problem.span.start): \(problem.message)")
        }
        guard let root = parsed.documents.first?.root, root["schemaVersion"]?.int == schemaVersion,
              let findings = root["findings"], findings.kind == .sequence
        else {
            throw Problem(description: "\(file): not a MeshLint baseline (schemaVersion \(schemaVersion) with findings)")
        }
        return Baseline(entries: try findings.items.map { item in
            guard let fingerprint = item["fingerprint"]?.string else {
                throw Problem(description: "\(file):\(item.span.start): a baseline entry needs a fingerprint")
            }
            return Entry(
                fingerprint: fingerprint, rule: item["rule"]?.string ?? "", resource: item["resource"]?.string ?? "",
                file: item["file"]?.string ?? "", message: item["message"]?.string ?? "")
        })
    }

    /// What applying a baseline did.
    struct Report {
        let file: String
        /// Findings left out because the baseline has them.
        let matched: Int
        /// Entries that no longer occur: the baseline can shrink.
        let stale: [Entry]
    }

    /// The findings not in the baseline, and the report.
    func apply(to findings: [Finding], file: String) -> (new: [Finding], report: Report) {
        let known = Set(entries.map(\.fingerprint))
        let found = Set(findings.map(\.fingerprint))
        let new = findings.filter { !known.contains($0.fingerprint) }
        let stale = entries.filter { !found.contains($0.fingerprint) }
        return (new, Report(file: file, matched: findings.count - new.count, stale: stale))
    }
}

import Rules
import YAMLModel

/// The versioned JSON contract (`schemaVersion` 1). Later versions add keys; none is ever removed
/// or changes meaning. Every key is always present (`null` or `[]` when empty). `fingerprint` (the
/// same value as SARIF's `partialFingerprints`) was added after the first release of version 1.
struct JSONReporter {
    static let schemaVersion = 1
    /// Threads used to write the findings (`--jobs`); the bytes are the same for any number.
    var jobs: Int?

    func render(_ result: Scanner.Result) -> String {
        document(result).serialized()
    }

    /// The report as a JSON value whose findings are made as they are written.
    func document(_ result: Scanner.Result) -> JSONValue {
        let findings = result.findings
        return .object([
            ("schemaVersion", .int(Self.schemaVersion)),
            ("tool", .object([("name", .string(ToolInfo.name)), ("version", .string(ToolInfo.version))])),
            ("findings", .generated(count: findings.count, jobs: jobs) { Self.finding(findings[$0]) }),
            ("suppressed", .array(result.suppressed.map(Self.suppressed))),
            ("baseline", result.baseline.map(Self.baseline) ?? .null),
            ("summary", .object([
                ("files", .int(result.summary.files)),
                ("documents", .int(result.summary.documents)),
                ("resources", .int(result.summary.resources)),
                ("skipped", .int(result.summary.skipped)),
                ("errors", .int(result.summary.errors)),
                ("warnings", .int(result.summary.warnings)),
                ("notes", .int(result.summary.notes)),
                ("suppressed", .int(result.summary.suppressed)),
                ("baselined", .int(result.summary.baselined)),
            ])),
        ])
    }

    static func finding(_ finding: Finding) -> JSONValue {
        .object(members(of: finding))
    }

    /// A suppressed finding: the finding's keys, plus how and why it is suppressed.
    static func suppressed(_ item: SuppressedFinding) -> JSONValue {
        .object(members(of: item.finding) + [
            ("suppression", .object([
                ("kind", .string(item.kind.rawValue)),
                ("reason", .string(item.reason)),
                ("file", .string(item.file)),
                ("span", span(item.span)),
            ])),
        ])
    }

    static func baseline(_ report: Baseline.Report) -> JSONValue {
        .object([
            ("file", .string(report.file)),
            ("matched", .int(report.matched)),
            ("stale", .array(report.stale.map { entry in
                .object([
                    ("fingerprint", .string(entry.fingerprint)),
                    ("rule", .string(entry.rule)),
                    ("resource", .string(entry.resource)),
                    ("file", .string(entry.file)),
                    ("message", .string(entry.message)),
                ])
            })),
        ])
    }

    private static func members(of finding: Finding) -> [(String, JSONValue)] {
        [
            ("rule", .string(finding.ruleID)),
            ("severity", .string(finding.severity.rawValue)),
            ("message", .string(finding.message)),
            ("file", .string(finding.file)),
            ("span", span(finding.span)),
            ("resource", resource(finding.resource)),
            ("related", .array(finding.related.map { related in
                .object([
                    ("message", .string(related.message)),
                    ("file", .string(related.file)),
                    ("span", span(related.span)),
                    ("resource", resource(related.resource)),
                ])
            })),
            ("remediation", .string(finding.remediation)),
            // Added in schema version 1 without breaking it: a line-independent identity for baselines.
            ("fingerprint", .string(finding.fingerprint)),
            // Changed-files mode: reported because the change caused it, though it lands elsewhere.
            ("viaChange", .bool(finding.viaChange)),
            // The Kustomize roots it was found in; empty for plain files.
            ("environments", .array(finding.environments.map(JSONValue.string))),
        ]
    }

    static func span(_ span: Span) -> JSONValue {
        .object([
            ("startLine", .int(span.start.line)),
            ("startColumn", .int(span.start.column)),
            ("endLine", .int(span.end.line)),
            ("endColumn", .int(span.end.column)),
        ])
    }

    static func resource(_ resource: ResourceRef?) -> JSONValue {
        guard let resource else { return .null }
        return .object([
            ("apiVersion", .string(resource.apiVersion)),
            ("kind", .string(resource.kind)),
            ("namespace", resource.namespace.map(JSONValue.string) ?? .null),
            ("name", .string(resource.name)),
        ])
    }
}

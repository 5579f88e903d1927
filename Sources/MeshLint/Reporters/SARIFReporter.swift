import Rules
import YAMLModel

/// SARIF 2.1.0 as GitHub code scanning reads it: every rule with its help and scores, results with
/// exact regions on repository-relative paths, and fingerprints that survive moved lines.
struct SARIFReporter {
    static let schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    static let fingerprintKey = "meshlintFingerprint/v1"
    static let sourceRoot = "%SRCROOT%"

    let context: ReportContext
    /// Each file's `artifactLocation`, worked out once per file rather than once per location.
    private var artifacts: [String: JSONValue] = [:]

    init(context: ReportContext) {
        self.context = context
    }

    func render(_ result: Scanner.Result) -> String {
        document(result).serialized()
    }

    /// The log as a JSON value whose results are made as they are written.
    func document(_ result: Scanner.Result) -> JSONValue {
        var files = Set<String>()
        for finding in result.findings + result.suppressed.map(\.finding) {
            files.insert(finding.file)
            for related in finding.related { files.insert(related.file) }
        }
        for suppression in result.suppressed { files.insert(suppression.file) }
        var reporter = self
        for file in files { reporter.artifacts[file] = artifactLocation(file) }
        return reporter.log(result)
    }

    /// The run's invocation, with the configuration in effect: rules disabled or re-levelled as
    /// SARIF's own `ruleConfigurationOverrides`, how the configuration was chosen as notifications,
    /// and what it kept out of the results (files excluded, findings suppressed and baselined) as
    /// properties, so that code scanning shows what a pull request's `.meshlint.yaml` did.
    private func invocation(_ result: Scanner.Result, ruleIndex: [String: Int]) -> JSONValue {
        let effective = context.configuration
        var members: [(String, JSONValue)] = [("executionSuccessful", .bool(result.readErrors.isEmpty || result.summary.files > 0))]
        func reference(_ id: String) -> JSONValue {
            .object([("id", .string(id))] + (ruleIndex[id].map { [("index", JSONValue.int($0))] } ?? []))
        }
        let overrides: [JSONValue] = effective.disabled.map { id in
            .object([("descriptor", reference(id)), ("configuration", .object([("enabled", .bool(false))]))])
        } + effective.relevelled.map { change in
            .object([("descriptor", reference(change.rule)), ("configuration", .object([("level", .string(Self.level(change.to)))]))])
        }
        if !overrides.isEmpty { members.append(("ruleConfigurationOverrides", .array(overrides))) }
        if !effective.notices.isEmpty {
            members.append(("toolConfigurationNotifications", .array(effective.notices.map { notice in
                .object([("message", .object([("text", .string(notice))])), ("level", .string("warning"))])
            })))
        }
        let summary = result.summary
        var properties: [(String, JSONValue)] = [
            ("configurationFile", effective.file.map(JSONValue.string) ?? .null),
            ("pinnedConfiguration", .bool(effective.pinned)),
            ("ignoreEntries", .int(effective.ignoreEntries)),
            ("exclude", .array(effective.excludePatterns.map(JSONValue.string))),
            ("filesExcluded", .int(summary.excluded)),
            ("findingsSuppressed", .int(summary.suppressed)),
            ("findingsBaselined", .int(summary.baselined)),
        ]
        if let baseline = effective.baselineFile { properties.append(("baselineFile", .string(baseline))) }
        members.append(("properties", .object([("meshlint/configuration", .object(properties))])))
        return .object(members)
    }

    private func log(_ result: Scanner.Result) -> JSONValue {
        let ruleIndex = Dictionary(context.rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let run: JSONValue = .object([
            ("tool", .object([("driver", driver())])),
            ("invocations", .array([invocation(result, ruleIndex: ruleIndex)])),
            ("originalUriBaseIds", .object([
                (Self.sourceRoot, .object([("uri", .string(Self.fileURI(directory: context.repositoryRoot)))])),
            ])),
            ("automationDetails", .object([
                ("id", .string("meshlint/" + (context.sarifCategory.map { "\($0)/" } ?? ""))),
            ])),
            ("columnKind", .string("unicodeCodePoints")),
            ("results", results(result, ruleIndex: ruleIndex)),
        ])
        return JSONValue.object([
            ("$schema", .string(Self.schema)),
            ("version", .string("2.1.0")),
            ("runs", .array([run])),
        ])
    }

    /// The findings, then the suppressed ones when asked for, each made as it is written.
    private func results(_ result: Scanner.Result, ruleIndex: [String: Int]) -> JSONValue {
        let findings = result.findings
        let suppressed = context.includeSuppressedInSARIF ? result.suppressed : []
        let reporter = self
        return .generated(count: findings.count + suppressed.count, jobs: context.jobs) { offset in
            if offset < findings.count {
                return reporter.result(findings[offset], ruleIndex: ruleIndex[findings[offset].ruleID])
            }
            let entry = suppressed[offset - findings.count]
            return reporter.result(entry.finding, ruleIndex: ruleIndex[entry.finding.ruleID], suppression: entry)
        }
    }

    private func driver() -> JSONValue {
        .object([
            ("name", .string("MeshLint")),
            ("semanticVersion", .string(ToolInfo.version)),
            ("informationUri", .string(ToolInfo.informationURI)),
            // Each rule's help is rendered from its examples: on all cores, as it is written.
            ("rules", .generated(count: context.rules.count, jobs: context.jobs) { [rules = context.rules] in Self.rule(rules[$0]) }),
        ])
    }

    static func rule(_ description: RuleDescription) -> JSONValue {
        var properties: [(String, JSONValue)] = [
            ("tags", .array(description.tags.map(JSONValue.string))),
            ("precision", .string(description.precision.rawValue)),
        ]
        if let score = description.securitySeverity {
            properties.append(("security-severity", .string(String(format1: score))))
        }
        return .object([
            ("id", .string(description.id)),
            ("name", .string(pascalCase(description.id))),
            ("shortDescription", .object([("text", .string(description.summary))])),
            ("fullDescription", .object([("text", .string(description.rationale))])),
            ("help", .object([
                ("text", .string(RuleDocumentation.text(description))),
                ("markdown", .string(RuleDocumentation.markdown(description))),
            ])),
            ("defaultConfiguration", .object([("level", .string(level(description.severity)))])),
            ("helpUri", .string(description.references.first ?? ToolInfo.informationURI)),
            ("properties", .object(properties)),
        ])
    }

    private func result(_ finding: Finding, ruleIndex: Int?, suppression: SuppressedFinding? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [("ruleId", .string(finding.ruleID))]
        if let ruleIndex { members.append(("ruleIndex", .int(ruleIndex))) }
        members += [
            ("level", .string(Self.level(finding.severity))),
            ("message", .object([("text", .string(finding.message + "\n\nFix: " + finding.remediation))])),
            ("locations", .array([location(file: finding.file, span: finding.span, message: nil, id: nil)])),
        ]
        if !finding.related.isEmpty {
            members.append(("relatedLocations", .array(finding.related.enumerated().map { offset, related in
                location(file: related.file, span: related.span, message: related.message, id: offset + 1)
            })))
        }
        members.append(("partialFingerprints", .object([(Self.fingerprintKey, .string(finding.fingerprint))])))
        if !finding.environments.isEmpty {
            members.append(("properties", .object([("environments", .array(finding.environments.map(JSONValue.string)))])))
        }
        if let suppression {
            // An annotation sits in the manifest itself; a configuration entry outside it.
            members.append(("suppressions", .array([.object([
                ("kind", .string(suppression.kind == .annotation ? "inSource" : "external")),
                ("justification", .string(suppression.reason)),
                ("location", location(file: suppression.file, span: suppression.span, message: nil, id: nil)),
            ])])))
        }
        return .object(members)
    }

    private func artifactLocation(_ file: String) -> JSONValue {
        if let path = context.repositoryPath(file) {
            return .object([("uri", .string(Self.percentEncoded(path))), ("uriBaseId", .string(Self.sourceRoot))])
        } else if file == Scanner.standardInputName {
            return .object([("uri", .string("stdin"))])
        } else {
            return .object([("uri", .string(Self.fileURI(path: RepositoryRoot.absolute(file, workingDirectory: context.workingDirectory))))])
        }
    }

    private func location(file: String, span: Span, message: String?, id: Int?) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let id { members.append(("id", .int(id))) }
        members.append(("physicalLocation", .object([
            ("artifactLocation", artifacts[file] ?? artifactLocation(file)),
            ("region", .object([
                ("startLine", .int(max(span.start.line, 1))),
                ("startColumn", .int(max(span.start.column, 1))),
                ("endLine", .int(max(span.end.line, 1))),
                ("endColumn", .int(max(span.end.column, 1))),
            ])),
        ])))
        if let message { members.append(("message", .object([("text", .string(message))]))) }
        return .object(members)
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// `jwt-not-required` → `JwtNotRequired`: SARIF's friendly rule name.
    static func pascalCase(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// A relative path as a URI reference: unreserved characters and `/` kept, the rest escaped.
    static func percentEncoded(_ path: String) -> String {
        var output = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: "/"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }

    static func fileURI(path: String) -> String { "file://" + percentEncoded(path) }

    static func fileURI(directory: String) -> String { fileURI(path: directory.hasSuffix("/") ? directory : directory + "/") }
}

extension String {
    /// A number with one decimal, as security-severity scores are written ("9.1").
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}

import Posture
import Rules
import YAMLModel

/// The posture report as JSON (`schema: meshlint.io/posture-report/v1`): for tooling, and for
/// `meshlint report --compare`.
enum PostureJSON {
    static func render(_ report: PostureReport, comparison: PostureComparison?) -> String {
        var members: [(String, JSONValue)] = [
            ("schema", .string(PostureReport.schema)),
            ("header", header(report.header)),
            ("summary", summary(report.summary)),
            ("namespaces", .array(report.namespaces.map(namespace))),
            ("access", .array(report.access.map(access))),
            ("migration", .object([
                ("namespaces", .array(report.migration.map(migration))), ("notAssessed", .int(report.migrationOmitted)),
            ])),
            ("expectations", .array(report.expectations.map(expectation))),
            ("compliance", compliance(report)),
            ("findings", .array(report.findings.map(finding))),
            ("suppressions", .array(report.suppressions.map(suppression))),
        ]
        if let comparison { members.append(("comparison", self.comparison(comparison))) }
        return JSONValue.object(members).serialized()
    }

    private static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    private static func header(_ header: PostureReport.Header) -> JSONValue {
        .object([
            ("repository", .string(header.repository)), ("commit", optional(header.commit)),
            ("generatedAt", .string(header.generatedAt)), ("version", .string(header.version)),
            ("inputs", .array(header.inputs.map(JSONValue.string))), ("configuration", optional(header.configuration)),
            ("rules", .int(header.ruleCount)),
        ])
    }

    private static func summary(_ summary: PostureReport.Summary) -> JSONValue {
        .object([
            ("namespaces", .object(summary.namespacesByMode.map { ($0.mode.rawValue, .int($0.count)) })),
            ("ambientControls", .array(summary.controls.map {
                .object([("control", .string($0.control.rawValue)), ("met", .int($0.met)), ("partial", .int($0.partial)), ("of", .int($0.of))])
            })),
            ("findings", .object([
                ("error", .int(summary.errors)), ("warning", .int(summary.warnings)), ("note", .int(summary.notes)),
                ("suppressed", .int(summary.suppressed)),
            ])),
            ("expectations", .object([("passed", .int(summary.expectationsPassed)), ("total", .int(summary.expectations))])),
        ])
    }

    private static func evidence(_ evidence: Evidence) -> JSONValue {
        .object([
            ("resource", .string(evidence.resource)), ("file", .string(evidence.file)), ("line", .int(evidence.line)),
            ("column", .int(evidence.column)), ("detail", .string(evidence.detail)),
        ])
    }

    private static func namespace(_ posture: NamespacePosture) -> JSONValue {
        .object([
            ("name", .string(posture.name)), ("dataplaneMode", .string(posture.dataplaneMode.rawValue)),
            ("declared", .bool(posture.isDeclared)), ("sensitive", .bool(posture.isSensitive)),
            ("findings", .object([("error", .int(posture.errors)), ("warning", .int(posture.warnings)), ("note", .int(posture.notes))])),
            ("controls", .array(posture.controls.map { control in
                .object([
                    ("control", .string(control.id.rawValue)), ("state", .string(control.state.rawValue)),
                    ("value", .string(control.value)), ("explanation", .string(control.explanation)),
                    ("evidence", .array(control.evidence.map(evidence))),
                    ("findings", .array(control.findings.map(JSONValue.string))),
                ])
            })),
        ])
    }

    private static func migration(_ item: MigrationReadiness) -> JSONValue {
        .object([
            ("namespace", .string(item.namespace)), ("state", .string(item.state.rawValue)), ("waypoint", optional(item.waypoint)),
            ("policiesToConvert", .int(item.policiesToConvert)), ("patchObjects", .int(item.patchObjects)),
            ("changedByRawMove", .int(item.rawChanges)), ("changedWithPatch", .int(item.patchedChanges)),
            ("inexpressible", .array(item.inexpressible.map(JSONValue.string))),
            ("sidecarCallers", .array(item.sidecarCallers.map(JSONValue.string))), ("command", .string(item.command)),
        ])
    }

    private static func access(_ namespace: PostureReport.AccessNamespace) -> JSONValue {
        .object([
            ("namespace", .string(namespace.namespace)),
            ("services", .array(namespace.entries.map { entry in
                .object([
                    ("service", .string(entry.service)), ("port", .int(entry.port)),
                    ("reachedBy", .array(entry.groups.map {
                        .object([
                            ("allowedWhen", .array($0.allowedWhen.map(JSONValue.string))), ("anyIdentity", .bool($0.anyIdentity)),
                            ("callers", .array($0.callers.map(JSONValue.string))), ("count", .int($0.count)),
                        ])
                    })),
                    ("denied", .int(entry.deniedCount)),
                ])
            })),
        ])
    }

    private static func expectation(_ result: AccessExpectationResult) -> JSONValue {
        .object([
            ("suite", .string(result.suite)), ("name", .string(result.name)), ("file", .string(result.file)), ("line", .int(result.line)),
            ("from", .string(result.from)), ("to", .string(result.to)), ("request", .string(result.request)),
            ("expected", .string(result.expected)), ("actual", optional(result.actual)), ("passed", .bool(result.passed)),
            ("problem", optional(result.problem)),
        ])
    }

    private static func compliance(_ report: PostureReport) -> JSONValue {
        let mapping = report.compliance
        return .object([
            ("name", .string(mapping.name)), ("source", .string(mapping.source)),
            ("frameworks", .array(mapping.frameworks.map { framework in
                .object([
                    ("id", .string(framework.id)), ("title", .string(framework.title)),
                    ("requirements", .array(framework.requirements.map { requirement in
                        let status = report.status(of: requirement, in: framework)
                        return .object([
                            ("id", .string(requirement.id)), ("title", .string(requirement.title)), ("note", optional(requirement.note)),
                            ("supportedBy", .array(status.rules.map(JSONValue.string))),
                            ("status", .object([
                                ("state", .string(status.state.rawValue)), ("errors", .int(status.errors)), ("warnings", .int(status.warnings)),
                                ("notes", .int(status.notes)), ("rulesWithFindings", .array(status.rulesWithFindings.map(JSONValue.string))),
                            ])),
                        ])
                    })),
                ])
            })),
        ])
    }

    private static func finding(_ finding: PostureReport.ReportFinding) -> JSONValue {
        .object([
            ("namespace", .string(finding.namespace)), ("rule", .string(finding.rule)), ("severity", .string(finding.severity.rawValue)),
            ("message", .string(finding.message)), ("file", .string(finding.file)), ("line", .int(finding.line)),
            ("column", .int(finding.column)), ("resource", optional(finding.resource)), ("fingerprint", .string(finding.fingerprint)),
        ])
    }

    private static func suppression(_ suppression: PostureReport.Suppression) -> JSONValue {
        .object([
            ("finding", finding(suppression.finding)), ("kind", .string(suppression.kind)), ("reason", .string(suppression.reason)),
            ("location", .string(suppression.location)), ("expires", optional(suppression.expires)),
        ])
    }

    private static func comparison(_ comparison: PostureComparison) -> JSONValue {
        func change(_ change: PostureComparison.FindingChange) -> JSONValue {
            .object([("rule", .string(change.rule)), ("namespace", .string(change.namespace)), ("message", .string(change.message)),
                     ("location", .string(change.location))])
        }
        return .object([
            ("earlier", .string(comparison.earlier)),
            ("namespacesAdded", .array(comparison.namespacesAdded.map(JSONValue.string))),
            ("namespacesRemoved", .array(comparison.namespacesRemoved.map(JSONValue.string))),
            ("controls", .array(comparison.controlChanges.map {
                .object([("namespace", .string($0.namespace)), ("control", .string($0.control)), ("before", .string($0.before)),
                         ("after", .string($0.after)), ("direction", .string($0.direction))])
            })),
            ("newFindings", .array(comparison.newFindings.map(change))),
            ("fixedFindings", .array(comparison.fixedFindings.map(change))),
        ])
    }
}

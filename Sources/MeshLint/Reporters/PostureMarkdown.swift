import Posture
import Rules
import YAMLModel

/// The posture report in Markdown, for a wiki or a pull request.
struct PostureMarkdown: PostureRendering {
    let report: PostureReport
    let comparison: PostureComparison?

    func render() -> String {
        var out: [String] = []
        header(&out)
        sections(&out)
        return out.joined(separator: "\n") + "\n"
    }

    /// Every value from the input is literal text (`Markdown.text`, which also keeps table cells
    /// whole), a code span, or prose whose code spans stay code: a name cannot add a heading, a
    /// link, an image, a mention or an HTML comment that hides the rest of the report.
    private func escaped(_ text: String) -> String { Markdown.text(text) }
    private func code(_ text: String) -> String { Markdown.code(text, inTable: true) }
    private func prose(_ text: String) -> String { Markdown.prose(text, inTable: true) }

    private func header(_ out: inout [String]) {
        let header = report.header
        out += [
            "# MeshLint posture report: \(escaped(header.repository))", "",
            "| | |", "|---|---|",
            "| Repository | \(escaped(header.repository)) |",
            "| Commit | \(header.commit.map(code) ?? "not a git work tree") |",
            "| Generated | \(header.generatedAt) |",
            "| MeshLint | \(header.version), \(header.ruleCount) rules |",
            "| Inputs | \(header.inputs.map(code).joined(separator: ", ")) |",
            "| Configuration | \(header.configuration.map(code) ?? "none") |",
            "| Compliance mapping | \(escaped(report.compliance.name)) (\(escaped(report.compliance.source))) |", "",
            "States: ✔ met, ◐ partly, ✘ missing, – not applicable. Each cell links to its evidence.", "",
        ]
    }

    func summary(_ out: inout [String]) {
        let summary = report.summary
        out += [
            "## Summary", "",
            "- Namespaces: \(report.modeCounts).",
            "- Findings: \(summary.errors) errors, \(summary.warnings) warnings, \(summary.notes) notes; \(summary.suppressed) suppressed.",
            "- Access expectations: \(summary.expectationsPassed) of \(summary.expectations) pass.", "",
        ]
        let ambient = summary.controls.first?.of ?? 0
        out += ["| Control | Ambient namespaces meeting it (of \(ambient)) | Partly |", "|---|---|---|"]
        for share in summary.controls {
            out.append("| \(share.control.title) | \(share.met) (\(PostureReport.percent(share.met, of: share.of))) | \(share.partial) |")
        }
        out.append("")
    }

    func change(_ comparison: PostureComparison, _ out: inout [String]) {
        out += ["## Change since \(escaped(comparison.earlier))", ""]
        if !comparison.namespacesAdded.isEmpty { out.append("- Namespaces added: \(comparison.namespacesAdded.map(code).joined(separator: ", ")).") }
        if !comparison.namespacesRemoved.isEmpty { out.append("- Namespaces removed: \(comparison.namespacesRemoved.map(code).joined(separator: ", ")).") }
        out.append("- Controls: \(comparison.controlChanges.filter { $0.direction == "gained" }.count) gained, "
                   + "\(comparison.controlChanges.filter { $0.direction == "lost" }.count) lost; findings: "
                   + "\(comparison.newFindings.count) new, \(comparison.fixedFindings.count) fixed.")
        out.append("")
        if !comparison.controlChanges.isEmpty {
            out += ["| Namespace | Control | Before | After | Change |", "|---|---|---|---|---|"]
            for change in comparison.controlChanges {
                out.append("| \(code(change.namespace)) | \(escaped(change.control)) | \(escaped(change.before)) | \(escaped(change.after)) | \(change.direction) |")
            }
            out.append("")
        }
        for (title, list) in [("New findings", comparison.newFindings), ("Fixed findings", comparison.fixedFindings)] where !list.isEmpty {
            out += ["**\(title)**", ""]
            out += list.map { "- \(code($0.rule)) \(prose($0.message)) (\(code($0.location)))" }
            out.append("")
        }
    }

    func matrix(_ out: inout [String]) {
        out += ["## Control matrix", ""]
        for group in report.namespaceGroups {
            out += ["### \(group.title) (\(group.namespaces.count))", ""]
            out.append("| Namespace | " + ControlID.allCases.map(\.title).joined(separator: " | ") + " | Findings |")
            out.append("|---" + String(repeating: "|---", count: ControlID.allCases.count + 1) + "|")
            for posture in group.namespaces {
                let cells = posture.controls.map {
                    "[\(escaped(PostureReport.cell($0)))](#\(PostureReport.evidenceAnchor(posture.name, $0.id)))"
                }
                let findings = posture.errors + posture.warnings + posture.notes == 0 ? "none"
                    : "[\(posture.errors) E, \(posture.warnings) W, \(posture.notes) N](#\(PostureReport.findingsAnchor(posture.name)))"
                out.append("| [\(escaped(posture.name))](#\(PostureReport.namespaceAnchor(posture.name))) | " + cells.joined(separator: " | ") + " | \(findings) |")
            }
            out.append("")
        }
    }

    func evidence(_ out: inout [String]) {
        out += ["## Evidence", ""]
        let findings = report.findingsByFingerprint
        for posture in report.namespaces {
            out += ["<a id=\"\(PostureReport.namespaceAnchor(posture.name))\"></a>", "", "### \(escaped(posture.name))", ""]
            for control in posture.controls {
                out.append("- <a id=\"\(PostureReport.evidenceAnchor(posture.name, control.id))\"></a>**\(control.id.title): "
                           + "\(control.state.symbol) \(control.state.rawValue)**, \(escaped(control.value)): \(prose(control.explanation)).")
                for item in control.evidence {
                    out.append("  - \(escaped(item.resource)) at \(code(item.location)): \(prose(item.detail))")
                }
                for fingerprint in control.findings {
                    guard let finding = findings[fingerprint] else { continue }
                    out.append("  - finding \(code(finding.rule)) at \(code(finding.location)): \(prose(finding.firstLine))")
                }
            }
            out.append("")
        }
    }

    func access(_ out: inout [String]) {
        out += ["## Access to sensitive namespaces", ""]
        guard !report.access.isEmpty else {
            out += ["No namespace is sensitive (`report.sensitiveNamespaces`, or a waypoint).", ""]
            return
        }
        out += ["Who gets a request through to each Service port, and which requests; every entry is a request the evaluator allowed.", ""]
        for namespace in report.access {
            out += ["### \(escaped(namespace.namespace))", "", "| Service port | Reached by | Not reached by |", "|---|---|---|"]
            for entry in namespace.entries {
                let groups = entry.groups.map(PostureReport.describe)
                out.append("| \(code("\(entry.service):\(entry.port)")) | \(escaped(groups.isEmpty ? "nobody" : groups.joined(separator: " / "))) | \(PostureReport.callers(entry.deniedCount)) |")
            }
            out.append("")
        }
    }

    func migration(_ out: inout [String]) {
        out += ["## Migration readiness", ""]
        guard !report.migration.isEmpty else {
            out += ["No namespace runs sidecars.", ""]
            return
        }
        out += ["Each namespace that runs sidecars, moved to ambient as `meshlint migrate` moves it.", "",
                "| Namespace | State | Waypoint | Policies to convert | Outcomes changed by the move as is | With the patch | Next |",
                "|---|---|---|---|---|---|---|"]
        for item in report.migration {
            out.append("| \(escaped(item.namespace)) | \(escaped(item.state.rawValue)) | \(escaped(item.waypoint ?? "none needed")) | "
                + "\(item.policiesToConvert) | \(item.rawChanges) | \(item.patchedChanges) | \(code(item.command)) |")
        }
        out.append("")
        for item in report.migration where !item.inexpressible.isEmpty || !item.sidecarCallers.isEmpty {
            out.append("- \(escaped(item.namespace)):")
            out += item.inexpressible.map { "  - cannot be expressed in ambient: \(escaped($0))" }
            out += item.sidecarCallers.map { "  - sidecar caller, skips the waypoint: \(escaped($0))" }
        }
        if report.migrationOmitted > 0 {
            out.append("\(report.migrationOmitted) more sidecar namespaces were not assessed: run `meshlint migrate --namespace NS` for each.")
        }
        out.append("")
    }

    func expectations(_ out: inout [String]) {
        out += ["## Access expectations", ""]
        guard !report.expectations.isEmpty else {
            out += ["No AccessExpectations in the input.", ""]
            return
        }
        out += ["| Result | Case | From | To | Request | Expected | Actual | Where |", "|---|---|---|---|---|---|---|---|"]
        for result in report.expectations {
            out.append("| \(result.passed ? "✔ pass" : "✘ fail") | \(escaped(result.suite)): \(escaped(result.name)) | \(escaped(result.from)) | "
                       + "\(escaped(result.to)) | \(escaped(result.request)) | \(escaped(result.expected)) | "
                       + "\(escaped(result.actual ?? "not evaluated: \(result.problem ?? "")")) | \(code("\(result.file):\(result.line)")) |")
        }
        out.append("")
    }

    func compliance(_ out: inout [String]) {
        out += [
            "## Appendix: compliance mapping", "",
            "Each rule *supports* the requirements listed; no rule satisfies a requirement on its own. The mapping is data "
                + "(\(code(report.compliance.source))), for auditors to adjust.", "",
        ]
        for framework in report.compliance.frameworks {
            out += ["### \(escaped(framework.title))", "", "| Requirement | Subject | Status in this report | Supported by |", "|---|---|---|---|"]
            for requirement in framework.requirements {
                let status = report.status(of: requirement, in: framework)
                let rules = status.rules.map { code($0) }
                let subject = escaped(requirement.title) + (requirement.note.map { " *(" + escaped($0) + ")*" } ?? "")
                out.append("| \(escaped(requirement.id)) | \(subject) | \(escaped(status.summary)) | \(rules.isEmpty ? "no rule" : rules.joined(separator: ", ")) |")
            }
            out.append("")
        }
    }

    func findings(_ out: inout [String]) {
        out += ["## Findings", ""]
        if report.findings.isEmpty { out += ["None.", ""] }
        for (namespace, findings) in report.findingsByNamespace {
            out += ["<a id=\"\(PostureReport.findingsAnchor(namespace))\"></a>", "",
                    "### \(namespace.isEmpty ? "Not in a namespace" : escaped(namespace)) (\(findings.count))", ""]
            for finding in findings {
                out.append("- **\(finding.severity.rawValue)** \(code(finding.rule)) at \(code(finding.location)): \(prose(finding.firstLine))")
                if let rest = finding.rest {
                    out += ["", Markdown.fenced(rest, indent: "  "), ""]
                }
            }
            out.append("")
        }
        out += ["## Suppressed findings", ""]
        guard !report.suppressions.isEmpty else {
            out += ["None.", ""]
            return
        }
        out += ["| Rule | Resource | Finding | Reason | Suppressed at | Expires |", "|---|---|---|---|---|---|"]
        for suppression in report.suppressions {
            out.append("| \(code(suppression.finding.rule)) | \(escaped(suppression.finding.resource ?? "")) | \(prose(suppression.finding.firstLine)) | "
                       + "\(escaped(suppression.reason)) | \(code(suppression.location)) (\(suppression.kind)) | \(suppression.expires.map(escaped) ?? "never") |")
        }
        out.append("")
    }
}

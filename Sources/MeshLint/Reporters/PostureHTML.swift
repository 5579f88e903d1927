import Posture
import Rules
import YAMLModel

/// The posture report as one self-contained HTML page: inline CSS, no scripts, no external
/// assets, readable on screen and printed to PDF. States show a symbol and a word; colour only
/// repeats them.
struct PostureHTML: PostureRendering {
    let report: PostureReport
    let comparison: PostureComparison?

    func render() -> String {
        var out: [String] = []
        let title = "MeshLint posture report: \(report.header.repository)"
        out += [
            "<!DOCTYPE html>", "<html lang=\"en\">", "<head>", "<meta charset=\"utf-8\">",
            // The report shows names from the input: whatever escapes, no script may run, and
            // nothing is loaded from anywhere.
            "<meta http-equiv=\"Content-Security-Policy\" content=\"\(Self.contentSecurityPolicy)\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>\(escape(title))</title>", "<style>", Self.style, "</style>", "</head>", "<body>",
            "<header><h1>\(escape(title))</h1>",
        ]
        header(&out)
        out.append("</header>")
        out.append("<nav aria-label=\"Contents\"><ul>" + [
            ("summary", "Summary"), comparison == nil ? nil : ("change", "Change"), ("matrix", "Control matrix"), ("evidence", "Evidence"),
            ("access", "Access"), ("migration", "Migration readiness"), ("expectations", "Access expectations"), ("compliance", "Compliance mapping"), ("findings", "Findings"),
        ].compactMap { $0 }.map { "<li><a href=\"#\($0.0)\">\($0.1)</a></li>" }.joined() + "</ul></nav>")
        out.append("<main>")
        sections(&out)
        out += ["</main>", "</body>", "</html>"]
        return out.joined(separator: "\n") + "\n"
    }

    /// No script, no external load; the inline style sheet and data: images only.
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

    private func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    private func stateClass(_ state: ControlState) -> String { "state-\(state.rawValue)" }

    private func header(_ out: inout [String]) {
        let header = report.header
        let rows: [(String, String)] = [
            ("Repository", escape(header.repository)),
            ("Commit", header.commit.map { "<code>\(escape($0))</code>" } ?? "not a git work tree"),
            ("Generated", escape(header.generatedAt)),
            ("MeshLint", "\(escape(header.version)), \(header.ruleCount) rules"),
            ("Inputs", header.inputs.map { "<code>\(escape($0))</code>" }.joined(separator: ", ")),
            ("Configuration", header.configuration.map { "<code>\(escape($0))</code>" } ?? "none"),
            ("Compliance mapping", "\(escape(report.compliance.name)) (\(escape(report.compliance.source)))"),
        ]
        out.append("<table class=\"facts\"><caption>Report</caption><tbody>")
        out += rows.map { "<tr><th scope=\"row\">\($0.0)</th><td>\($0.1)</td></tr>" }
        out.append("</tbody></table>")
        out.append("<p class=\"legend\">States: <span class=\"state-met\">✔ met</span> <span class=\"state-partial\">◐ partly</span> "
                   + "<span class=\"state-missing\">✘ missing</span> <span class=\"state-not-applicable\">– not applicable</span>. "
                   + "Each cell links to its evidence.</p>")
    }

    func summary(_ out: inout [String]) {
        let summary = report.summary
        out += [
            "<section id=\"summary\"><h2>Summary</h2>", "<ul>",
            "<li>Namespaces: \(escape(report.modeCounts)).</li>",
            "<li>Findings: \(summary.errors) errors, \(summary.warnings) warnings, \(summary.notes) notes; \(summary.suppressed) suppressed.</li>",
            "<li>Access expectations: \(summary.expectationsPassed) of \(summary.expectations) pass.</li>", "</ul>",
            "<table><caption>Ambient namespaces meeting each control (of \(summary.controls.first?.of ?? 0))</caption>",
            "<thead><tr><th scope=\"col\">Control</th><th scope=\"col\">Met</th><th scope=\"col\">Share</th><th scope=\"col\">Partly</th></tr></thead><tbody>",
        ]
        for share in summary.controls {
            let percent = PostureReport.percent(share.met, of: share.of)
            out.append("<tr><th scope=\"row\">\(share.control.title)</th><td>\(share.met)</td>"
                       + "<td><span class=\"bar\" aria-hidden=\"true\"><span style=\"width:\(percent == "–" ? "0%" : percent)\"></span></span> \(percent)</td>"
                       + "<td>\(share.partial)</td></tr>")
        }
        out += ["</tbody></table>", "</section>"]
    }

    func change(_ comparison: PostureComparison, _ out: inout [String]) {
        out.append("<section id=\"change\"><h2>Change since \(escape(comparison.earlier))</h2>")
        out.append("<p>Controls: \(comparison.controlChanges.filter { $0.direction == "gained" }.count) gained, "
                   + "\(comparison.controlChanges.filter { $0.direction == "lost" }.count) lost; findings: "
                   + "\(comparison.newFindings.count) new, \(comparison.fixedFindings.count) fixed."
                   + (comparison.namespacesAdded.isEmpty ? "" : " Namespaces added: \(escape(comparison.namespacesAdded.joined(separator: ", "))).")
                   + (comparison.namespacesRemoved.isEmpty ? "" : " Namespaces removed: \(escape(comparison.namespacesRemoved.joined(separator: ", "))).")
                   + "</p>")
        if !comparison.controlChanges.isEmpty {
            out.append("<table><caption>Controls that changed</caption><thead><tr><th scope=\"col\">Namespace</th><th scope=\"col\">Control</th>"
                       + "<th scope=\"col\">Before</th><th scope=\"col\">After</th><th scope=\"col\">Change</th></tr></thead><tbody>")
            for change in comparison.controlChanges {
                out.append("<tr><td>\(escape(change.namespace))</td><td>\(escape(change.control))</td><td>\(escape(change.before))</td>"
                           + "<td>\(escape(change.after))</td><td>\(change.direction == "gained" ? "▲ gained" : change.direction == "lost" ? "▼ lost" : "changed")</td></tr>")
            }
            out.append("</tbody></table>")
        }
        for (title, list) in [("New findings", comparison.newFindings), ("Fixed findings", comparison.fixedFindings)] where !list.isEmpty {
            out.append("<h3>\(title)</h3><ul>" + list.map {
                "<li><code>\(escape($0.rule))</code> \(escape($0.message)) (<code>\(escape($0.location))</code>)</li>"
            }.joined() + "</ul>")
        }
        out.append("</section>")
    }

    func matrix(_ out: inout [String]) {
        out.append("<section id=\"matrix\"><h2>Control matrix</h2>")
        for group in report.namespaceGroups {
            out.append("<table class=\"matrix\"><caption>\(escape(group.title)) (\(group.namespaces.count))</caption><thead><tr><th scope=\"col\">Namespace</th>"
                       + ControlID.allCases.map { "<th scope=\"col\">\($0.title)</th>" }.joined() + "<th scope=\"col\">Findings</th></tr></thead><tbody>")
            for posture in group.namespaces {
                var row = "<tr><th scope=\"row\"><a href=\"#\(PostureReport.namespaceAnchor(posture.name))\">\(escape(posture.name))</a></th>"
                for control in posture.controls {
                    row += "<td class=\"\(stateClass(control.state))\"><a href=\"#\(PostureReport.evidenceAnchor(posture.name, control.id))\">"
                        + "\(escape(PostureReport.cell(control)))</a></td>"
                }
                let total = posture.errors + posture.warnings + posture.notes
                row += total == 0 ? "<td>none</td>"
                    : "<td><a href=\"#\(PostureReport.findingsAnchor(posture.name))\">\(posture.errors) E, \(posture.warnings) W, \(posture.notes) N</a></td>"
                out.append(row + "</tr>")
            }
            out.append("</tbody></table>")
        }
        out.append("</section>")
    }

    func evidence(_ out: inout [String]) {
        out.append("<section id=\"evidence\"><h2>Evidence</h2>")
        let findings = report.findingsByFingerprint
        for posture in report.namespaces {
            out.append("<article id=\"\(PostureReport.namespaceAnchor(posture.name))\"><h3>\(escape(posture.name))</h3><dl>")
            for control in posture.controls {
                out.append("<dt id=\"\(PostureReport.evidenceAnchor(posture.name, control.id))\" class=\"\(stateClass(control.state))\">"
                           + "\(control.id.title): \(control.state.symbol) \(control.state.rawValue), \(escape(control.value))</dt>")
                var items = control.evidence.map {
                    "<li>\(escape($0.resource)) at <code>\(escape($0.location))</code>: \(escape($0.detail))</li>"
                }
                items += control.findings.compactMap { findings[$0] }.map {
                    "<li>finding <code>\(escape($0.rule))</code> at <code>\(escape($0.location))</code>: \(escape($0.firstLine))</li>"
                }
                out.append("<dd>\(escape(control.explanation))." + (items.isEmpty ? "" : "<ul>" + items.joined() + "</ul>") + "</dd>")
            }
            out.append("</dl></article>")
        }
        out.append("</section>")
    }

    func access(_ out: inout [String]) {
        out.append("<section id=\"access\"><h2>Access to sensitive namespaces</h2>")
        if report.access.isEmpty {
            out.append("<p>No namespace is sensitive (<code>report.sensitiveNamespaces</code>, or a waypoint).</p></section>")
            return
        }
        out.append("<p>Who gets a request through to each Service port, and which requests; every entry is a request the evaluator allowed.</p>")
        for namespace in report.access {
            out.append("<table><caption>\(escape(namespace.namespace))</caption><thead><tr><th scope=\"col\">Service port</th>"
                       + "<th scope=\"col\">Reached by</th><th scope=\"col\">Not reached by</th></tr></thead><tbody>")
            for entry in namespace.entries {
                let callers = entry.groups.map { "<li>\(escape(PostureReport.describe($0)))</li>" }
                out.append("<tr><th scope=\"row\">\(escape(entry.service)):\(entry.port)</th><td>"
                           + (callers.isEmpty ? "nobody" : "<ul>" + callers.joined() + "</ul>") + "</td><td>\(PostureReport.callers(entry.deniedCount))</td></tr>")
            }
            out.append("</tbody></table>")
        }
        out.append("</section>")
    }

    func migration(_ out: inout [String]) {
        out.append("<section id=\"migration\"><h2>Migration readiness</h2>")
        guard !report.migration.isEmpty else {
            out.append("<p>No namespace runs sidecars.</p></section>")
            return
        }
        out.append("<table><caption>Each namespace that runs sidecars, moved to ambient as meshlint migrate moves it</caption><thead><tr>"
                   + ["Namespace", "State", "Waypoint", "Policies to convert", "Changed by the move as is", "With the patch", "Next"]
                       .map { "<th scope=\"col\">\($0)</th>" }.joined() + "</tr></thead><tbody>")
        for item in report.migration {
            let notes = item.inexpressible.map { "cannot be expressed in ambient: " + $0 } + item.sidecarCallers.map { "sidecar caller: " + $0 }
            out.append("<tr><th scope=\"row\">\(escape(item.namespace))</th><td>\(escape(item.state.rawValue))</td>"
                       + "<td>\(escape(item.waypoint ?? "none needed"))</td><td>\(item.policiesToConvert)</td><td>\(item.rawChanges)</td>"
                       + "<td>\(item.patchedChanges)</td><td><code>\(escape(item.command))</code>"
                       + (notes.isEmpty ? "" : "<ul>" + notes.map { "<li>\(escape($0))</li>" }.joined() + "</ul>") + "</td></tr>")
        }
        out.append("</tbody></table>")
        if report.migrationOmitted > 0 {
            out.append("<p>\(report.migrationOmitted) more sidecar namespaces were not assessed.</p>")
        }
        out.append("</section>")
    }

    func expectations(_ out: inout [String]) {
        out.append("<section id=\"expectations\"><h2>Access expectations</h2>")
        if report.expectations.isEmpty {
            out.append("<p>No AccessExpectations in the input.</p></section>")
            return
        }
        out.append("<table><caption>Every case, as the policies decide it</caption><thead><tr>"
                   + ["Result", "Case", "From", "To", "Request", "Expected", "Actual", "Where"].map { "<th scope=\"col\">\($0)</th>" }.joined()
                   + "</tr></thead><tbody>")
        for result in report.expectations {
            out.append("<tr><td class=\"\(result.passed ? "state-met" : "state-missing")\">\(result.passed ? "✔ pass" : "✘ fail")</td>"
                       + "<td>\(escape(result.suite)): \(escape(result.name))</td><td>\(escape(result.from))</td><td>\(escape(result.to))</td>"
                       + "<td>\(escape(result.request))</td><td>\(escape(result.expected))</td>"
                       + "<td>\(escape(result.actual ?? "not evaluated: \(result.problem ?? "")"))</td><td><code>\(escape("\(result.file):\(result.line)"))</code></td></tr>")
        }
        out.append("</tbody></table></section>")
    }

    func compliance(_ out: inout [String]) {
        out.append("<section id=\"compliance\"><h2>Appendix: compliance mapping</h2>")
        out.append("<p>Each rule <em>supports</em> the requirements listed; no rule satisfies a requirement on its own. "
                   + "The mapping is data (<code>\(escape(report.compliance.source))</code>), for auditors to adjust.</p>")
        for framework in report.compliance.frameworks {
            out.append("<table><caption>\(escape(framework.title))</caption><thead><tr><th scope=\"col\">Requirement</th>"
                       + "<th scope=\"col\">Subject</th><th scope=\"col\">Status in this report</th><th scope=\"col\">Supported by</th></tr></thead><tbody>")
            for requirement in framework.requirements {
                let status = report.status(of: requirement, in: framework)
                let stateClass = status.state == .failing ? "state-missing" : status.state == .weakened ? "state-partial" : "state-met"
                out.append("<tr><th scope=\"row\">\(escape(requirement.id))</th><td>\(escape(requirement.title))"
                           + (requirement.note.map { " <em>(\(escape($0)))</em>" } ?? "") + "</td>"
                           + "<td class=\"\(stateClass)\">\(escape(status.summary))</td><td>"
                           + (status.rules.isEmpty ? "no rule" : status.rules.map { "<code>\(escape($0))</code>" }.joined(separator: ", ")) + "</td></tr>")
            }
            out.append("</tbody></table>")
        }
        out.append("</section>")
    }

    func findings(_ out: inout [String]) {
        out.append("<section id=\"findings\"><h2>Findings</h2>")
        if report.findings.isEmpty { out.append("<p>None.</p>") }
        for (namespace, findings) in report.findingsByNamespace {
            out.append("<article id=\"\(PostureReport.findingsAnchor(namespace))\"><h3>\(escape(namespace.isEmpty ? "Not in a namespace" : namespace)) (\(findings.count))</h3><ul class=\"findings\">")
            for finding in findings {
                out.append("<li><span class=\"severity-\(finding.severity.rawValue)\">\(finding.severity.rawValue)</span> <code>\(escape(finding.rule))</code> "
                           + "at <code>\(escape(finding.location))</code>: \(escape(finding.firstLine))"
                           + (finding.rest.map { "<pre>\(escape($0))</pre>" } ?? "") + "</li>")
            }
            out.append("</ul></article>")
        }
        out.append("<h3>Suppressed findings</h3>")
        if report.suppressions.isEmpty {
            out.append("<p>None.</p>")
        } else {
            out.append("<table><caption>Findings hidden by a suppression, with its reason</caption><thead><tr>"
                       + ["Rule", "Resource", "Finding", "Reason", "Suppressed at", "Expires"].map { "<th scope=\"col\">\($0)</th>" }.joined()
                       + "</tr></thead><tbody>")
            for suppression in report.suppressions {
                out.append("<tr><td><code>\(escape(suppression.finding.rule))</code></td><td>\(escape(suppression.finding.resource ?? ""))</td>"
                           + "<td>\(escape(suppression.finding.firstLine))</td><td>\(escape(suppression.reason))</td>"
                           + "<td><code>\(escape(suppression.location))</code> (\(suppression.kind))</td><td>\(escape(suppression.expires ?? "never"))</td></tr>")
            }
            out.append("</tbody></table>")
        }
        out.append("</section>")
    }

    static let style = """
        :root { --met: #1a7f37; --partial: #9a6700; --missing: #cf222e; --muted: #57606a; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 0 auto; max-width: 1400px; padding: 1.5rem; }
        h1 { font-size: 1.6rem; margin: 0 0 .8rem; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; margin-top: 2rem; }
        h3 { margin: 1.2rem 0 .4rem; } code, pre { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
        pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; white-space: pre-wrap; }
        table { border-collapse: collapse; margin: .6rem 0 1.2rem; width: 100%; }
        caption { text-align: left; font-weight: 600; padding: .3rem 0; }
        th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
        thead th { background: #f6f8fa; position: sticky; top: 0; }
        table.facts { width: auto; } table.facts th { background: #f6f8fa; }
        table.matrix td, table.matrix th { font-size: 12.5px; }
        a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
        td.state-met a, .state-met { color: var(--met); } td.state-partial a, .state-partial { color: var(--partial); }
        td.state-missing a, .state-missing { color: var(--missing); font-weight: 600; } td.state-not-applicable a, .state-not-applicable { color: var(--muted); }
        .bar { display: inline-block; width: 8rem; height: .6rem; background: #eaeef2; vertical-align: middle; }
        .bar span { display: block; height: 100%; background: var(--met); }
        nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
        dl dt { font-weight: 600; margin-top: .5rem; } dl dd { margin-left: 1.2rem; }
        .severity-error { color: var(--missing); font-weight: 600; } .severity-warning { color: var(--partial); font-weight: 600; }
        .severity-note { color: var(--muted); font-weight: 600; } ul.findings li { margin: .3rem 0; }
        .legend { color: var(--muted); }
        @media print {
          body { max-width: none; padding: 0; font-size: 10.5px; } nav { display: none; } a { color: inherit; }
          thead th { position: static; } table, tr, dt, dd { page-break-inside: avoid; } h2 { page-break-after: avoid; }
          section#matrix, section#evidence, section#findings { page-break-before: always; }
          @page { size: A4 landscape; margin: 12mm; }
        }
        """
}

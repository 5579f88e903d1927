import Access
import Migration
import Rules

/// `meshlint migrate` as text: the policies, the access changes with both traces, the steps.
enum MigrationText {
    static func render(_ report: MigrationReport, patchFile: String?) -> String {
        var lines: [String] = []
        let move = report.move
        lines.append("Moving namespace \(report.namespace) from sidecars to ambient")
        if let waypoint = move.waypoint {
            lines.append("waypoint: \(report.namespace)/\(waypoint.name) (\(waypoint.reason))")
        } else {
            lines.append("waypoint: none (no policy needs one)")
        }
        lines.append("")
        lines.append("Policies")
        for change in report.policies {
            lines.append("  \(change.policy): \(change.kind.rawValue)")
            lines.append("    today: \(change.today)")
            lines.append("    after the move: \(change.afterMove)")
            var carried = change.conversions.isEmpty ? [] : ["carried by " + change.conversions.joined(separator: ", ")]
            if change.deleteAfterMove { carried.append("delete after the labels flip") }
            if !carried.isEmpty { lines.append("    patch: " + carried.joined(separator: "; ")) }
        }
        if report.policies.isEmpty { lines.append("  (none)") }
        if !report.sidecarCallers.isEmpty {
            lines.append("")
            lines.append("Sidecar callers (they skip the waypoint: istiod sends only gateways there)")
            lines += report.sidecarCallers.map { "  \($0)" }
        }
        lines.append("")
        lines += section("After the move as is", report.rawChanges)
        lines.append("")
        lines += section("After the move with the patch", report.patchedChanges)
        if !report.windowChanges.isEmpty {
            lines.append("")
            lines += section("Between the restart and the deletion of the dead objects", report.windowChanges)
        }
        if !report.patchChangesToday.isEmpty {
            lines.append("")
            lines += section("Applying the patch before the move", report.patchChangesToday)
        }
        lines.append("")
        lines.append("Cannot be expressed in ambient")
        lines += report.inexpressible.isEmpty ? ["  (nothing)"] : report.inexpressible.map { "  \($0)" }
        lines.append("")
        lines.append("Steps")
        for (number, step) in report.steps.enumerated() {
            lines.append("  \(number + 1). [\(step.isDone ? "done" : "todo")] \(step.summary)")
            if let command = step.command {
                lines += command.split(separator: "\n").map { "       $ \($0)" }
            }
        }
        lines.append("")
        if report.patch.isEmpty {
            lines.append("Patch: nothing to add")
        } else if let patchFile {
            lines.append("Patch: \(report.patch.count) objects written to \(patchFile)")
        } else {
            lines.append("Patch: \(report.patch.count) objects (--write-patch FILE writes them): "
                + report.patch.map { "\($0.kind) \($0.namespace)/\($0.name)" }.joined(separator: ", "))
        }
        lines.append(report.keepsAccess
            ? "The move with the patch changes no access."
            : "The move with the patch changes \(report.patchedChanges.count) outcomes.")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func section(_ title: String, _ changes: [AccessChange]) -> [String] {
        let allowed = changes.filter(\.isNewlyAllowed)
        let denied = changes.filter { !$0.isNewlyAllowed }
        guard !changes.isEmpty else { return ["\(title): no access changes"] }
        var lines = ["\(title): \(allowed.count) newly allowed, \(denied.count) newly denied"]
        for change in allowed + denied {
            lines.append("  \(change.isNewlyAllowed ? "newly allowed" : "newly denied"): \(change.caller) -> \(change.destination) \(change.request)")
            lines.append("    today: \(change.before.decision)" + (change.before.isUncertain ? " (uncertain)" : ""))
            lines += change.before.trace.description.split(separator: "\n").map { "      \($0)" }
            lines.append("    after: \(change.after.decision)" + (change.after.isUncertain ? " (uncertain)" : ""))
            lines += change.after.trace.description.split(separator: "\n").map { "      \($0)" }
        }
        return lines
    }
}

/// `meshlint migrate --format json`: `namespace`, `policies`, `newlyAllowed`, `newlyDenied` and
/// `patch` at the top, with the patched comparison, the steps and what cannot be expressed.
enum MigrationJSON {
    static func render(_ report: MigrationReport) -> JSONValue {
        func changes(_ list: [AccessChange]) -> JSONValue {
            .array(list.map { change in
                .object([
                    ("caller", .string(change.caller)), ("destination", .string(change.destination)), ("request", .string(change.request)),
                    ("before", AccessCheckCommand.json(change.before)), ("after", AccessCheckCommand.json(change.after)),
                ])
            })
        }
        return .object([
            ("namespace", .string(report.namespace)),
            ("waypoint", report.move.waypoint.map { waypoint in
                .object([("name", .string(waypoint.name)), ("inInput", .bool(waypoint.isInInput)), ("reason", .string(waypoint.reason))])
            } ?? .null),
            ("policies", .array(report.policies.map { change in
                .object([
                    ("policy", .string(change.policy)), ("change", .string(change.kind.rawValue)),
                    ("today", .string(change.today)), ("afterMove", .string(change.afterMove)),
                    ("conversions", .array(change.conversions.map(JSONValue.string))), ("deleteAfterMove", .bool(change.deleteAfterMove)),
                ])
            })),
            ("newlyAllowed", changes(report.rawChanges.filter(\.isNewlyAllowed))),
            ("newlyDenied", changes(report.rawChanges.filter { !$0.isNewlyAllowed })),
            ("withPatch", .object([
                ("newlyAllowed", changes(report.patchedChanges.filter(\.isNewlyAllowed))),
                ("newlyDenied", changes(report.patchedChanges.filter { !$0.isNewlyAllowed })),
                ("keepsAccess", .bool(report.keepsAccess)),
            ])),
            ("patchChangesToday", changes(report.patchChangesToday)),
            ("untilDeletion", changes(report.windowChanges)),
            ("patch", .object([
                ("objects", .array(report.patch.map { object in
                    .object([
                        ("kind", .string(object.kind)), ("name", .string(object.name)), ("namespace", .string(object.namespace)),
                        ("from", .string(object.from)),
                    ])
                })),
                ("deleteAfterMove", .array(report.deletions.map(JSONValue.string))),
                ("yaml", .string(report.patchYAML)),
            ])),
            ("sidecarCallers", .array(report.sidecarCallers.map(JSONValue.string))),
            ("inexpressible", .array(report.inexpressible.map(JSONValue.string))),
            ("steps", .array(report.steps.map { step in
                .object([("summary", .string(step.summary)), ("command", step.command.map(JSONValue.string) ?? .null), ("done", .bool(step.isDone))])
            })),
        ])
    }
}

/// `meshlint migrate --format markdown`: for a pull-request comment; traces stay lists.
enum MigrationMarkdown {
    static func render(_ report: MigrationReport, patchFile: String?) -> String {
        var lines = ["## Moving namespace \(Markdown.code(report.namespace)) to ambient", ""]
        if let waypoint = report.move.waypoint {
            lines += ["Waypoint: \(Markdown.code("\(report.namespace)/\(waypoint.name)")) (\(Markdown.text(waypoint.reason)))", ""]
        }
        lines += ["| Policy | Change | Today | After the move | Patch |", "| --- | --- | --- | --- | --- |"]
        for change in report.policies {
            var patch = change.conversions.map { Markdown.code($0, inTable: true) }.joined(separator: ", ")
            if change.deleteAfterMove { patch += (patch.isEmpty ? "" : "; ") + "delete after the flip" }
            lines.append("| \(Markdown.code(change.policy, inTable: true)) | \(Markdown.text(change.kind.rawValue)) | "
                + "\(Markdown.text(change.today)) | \(Markdown.text(change.afterMove)) | \(patch) |")
        }
        lines.append("")
        var sections = [("After the move as is", report.rawChanges), ("After the move with the patch", report.patchedChanges)]
        if !report.windowChanges.isEmpty { sections.append(("Between the restart and the deletion of the dead objects", report.windowChanges)) }
        if !report.patchChangesToday.isEmpty { sections.append(("Applying the patch before the move", report.patchChangesToday)) }
        for (title, changes) in sections {
            lines.append("### \(title)")
            lines.append("")
            if changes.isEmpty { lines += ["No access changes.", ""]; continue }
            for change in changes {
                lines.append("- **\(change.isNewlyAllowed ? "newly allowed" : "newly denied")**: \(Markdown.text(change.caller)) → "
                    + "\(Markdown.code(change.destination)) \(Markdown.text(change.request))")
                lines.append("  - today: \(Markdown.text(change.before.decision.description))")
                lines += trace(change.before, indent: "    ")
                lines.append("  - after: \(Markdown.text(change.after.decision.description))")
                lines += trace(change.after, indent: "    ")
            }
            lines.append("")
        }
        if !report.inexpressible.isEmpty {
            lines += ["### Cannot be expressed in ambient", ""] + report.inexpressible.map { "- \(Markdown.text($0))" } + [""]
        }
        lines += ["### Steps", ""]
        for (number, step) in report.steps.enumerated() {
            lines.append("\(number + 1). \(step.isDone ? "✔ done:" : "☐") \(Markdown.text(step.summary))")
            if let command = step.command { lines += ["", Markdown.fenced(command, info: "sh", indent: "   "), ""] }
        }
        lines.append("")
        lines.append(report.keepsAccess ? "The move with the patch changes no access." : "The move with the patch changes \(report.patchedChanges.count) outcomes.")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func trace(_ result: AccessResult, indent: String) -> [String] {
        result.trace.path.map { "\(indent)- \(Markdown.text($0.description))" }
            + result.trace.hops.flatMap { hop in
                ["\(indent)- \(Markdown.text(hop.title)): \(Markdown.text(hop.decision.description))"]
                    + hop.steps.map { "\(indent)  - \(Markdown.text($0.description))" }
            }
    }
}

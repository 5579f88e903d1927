import YAMLModel

/// The scan's time limit (`--timeout`) ran out: files not read, or rules not run.
struct ScanIncompleteRule: InputProblemRule {
    static let problemKind = InputProblem.Kind.incomplete

    static let description = RuleDescription(
        id: "scan-incomplete",
        name: "Scan incomplete",
        summary: "The scan's time limit ran out before every file was read and every rule had run.",
        rationale: """
            A CI job has a time budget, and a scan that is killed when it runs out reports nothing at \
            all. With `--timeout`, MeshLint stops on its own instead: it reports what it found in the \
            files it read and with the rules that ran, and this finding marks each file that was not \
            read (or read only in part), the rules that did not run, and the rules that were still \
            running when the time ran out (long rules stop between resources or access cases), \
            because their findings are missing. The scan then exits with status 2, so an incomplete \
            scan never passes as a clean one.
            """,
        remediation: """
            Raise `--timeout`, or scan less at once (the changed files with `--context`, or a \
            directory per job); `--timings` shows where the time goes.
            """,
        severity: .error,
        area: .input,
        tags: ["input", "robustness"],
        precision: .veryHigh,
        triggeringExamples: [
            // A deadline already past: the file is not read at all.
            Example("""
                ↓apiVersion: v1
                kind: Namespace
                metadata: {name: payments}
                """, limits: ParseLimits(deadline: ContinuousClock.now.advanced(by: .seconds(-1)))),
        ],
        nonTriggeringExamples: [
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments}
                """, limits: ParseLimits(deadline: ContinuousClock.now.advanced(by: .seconds(3600)))),
        ])

    /// The finding for rules that did not run before the deadline, and for those it stopped while
    /// they ran, placed at the start of `file`.
    static func rulesIncomplete(notRun: [String], stopped: [String], file: String) -> Finding {
        func listed(_ ruleIDs: [String]) -> String {
            ruleIDs.count <= 10 ? ruleIDs.joined(separator: ", ")
                : ruleIDs.prefix(10).joined(separator: ", ") + " and \(ruleIDs.count - 10) more"
        }
        func rules(_ count: Int) -> String { "\(count) rule\(count == 1 ? "" : "s")" }
        var parts: [String] = []
        if !stopped.isEmpty {
            parts.append("stopped \(rules(stopped.count)) while they ran (\(listed(stopped)))")
        }
        if !notRun.isEmpty {
            parts.append("ran out before \(rules(notRun.count)) ran (\(listed(notRun)))")
        }
        return Finding(
            ruleID: description.id, severity: description.severity,
            message: "The scan's time limit (--timeout) " + parts.joined(separator: " and ") + "; their findings are missing.",
            file: file, span: .fileStart, resource: nil, remediation: description.remediation)
    }
}

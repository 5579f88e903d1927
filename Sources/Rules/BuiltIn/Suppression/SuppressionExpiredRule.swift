import YAMLModel

/// An `ignore` entry of the configuration whose `expires` date has passed.
struct SuppressionExpiredRule: BuiltInRule {
    /// The manifest the examples run with: a single-replica waypoint, which `singleton-waypoint` reports.
    private static let waypoint = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: waypoint, namespace: payments}
        spec:
          gatewayClassName: istio-waypoint
          listeners:
          - {name: mesh, port: 15008, protocol: HBONE}
        """
    private static let examplesDay = CalendarDate(year: 2026, month: 6, day: 1)

    static let description = RuleDescription(
        id: "suppression-expired",
        name: "Expired suppression",
        summary: "An `ignore` entry of `.meshlint.yaml` has passed its `expires` date and suppresses nothing any more.",
        rationale: """
            An `expires` date turns an accepted risk into a temporary one: the exception was agreed until \
            then, and is to be looked at again. From the day after that date, MeshLint no longer applies \
            the entry, so the findings it hid are reported again; this note points at the date so the \
            entry is either renewed by someone who still accepts the risk, with its reason checked, or \
            removed once the findings are fixed. A stale entry left in place also hides nothing, but reads \
            as if it did. An entry is valid through the day its `expires` names.
            """,
        remediation: """
            If the exception is still accepted, check its reason and set a new date; otherwise remove the \
            entry and fix the findings it covered:
            ignore:
            - rule: <rule-id>
              resource: <Kind namespace/name>
              reason: <why this is accepted>
              expires: <YYYY-MM-DD>
            """,
        severity: .note,
        area: .input,
        tags: ["suppression"],
        precision: .veryHigh,
        inputs: [],
        triggeringExamples: [
            Example(Self.waypoint, configuration: """
                ignore:
                - rule: singleton-waypoint
                  resource: Gateway payments/waypoint
                  reason: Staging only; one replica until the capacity review.
                  expires: ↓2026-01-31
                """, today: Self.examplesDay),
            // Every expired entry is reported, whatever it covered (here a path, for every rule).
            Example(Self.waypoint, configuration: """
                ignore:
                - paths: ["legacy/**"]
                  reason: The legacy tree is being retired.
                  expires: ↓2026-05-31
                - resource: "Gateway payments/*"
                  reason: Waypoints are reviewed separately.
                  expires: ↓"2025-12-31"
                """, today: Self.examplesDay),
        ],
        nonTriggeringExamples: [
            // Expires later.
            Example(Self.waypoint, configuration: """
                ignore:
                - rule: singleton-waypoint
                  resource: Gateway payments/waypoint
                  reason: Staging only; one replica until the capacity review.
                  expires: 2026-09-30
                """, today: Self.examplesDay),
            // No expiry: a permanent exception.
            Example(Self.waypoint, configuration: """
                ignore:
                - rule: singleton-waypoint
                  resource: Gateway payments/*
                  reason: Staging has one replica by design.
                """, today: Self.examplesDay),
            // Valid through the day it names.
            Example(Self.waypoint, configuration: """
                ignore:
                - rule: singleton-waypoint
                  reason: Staging only; one replica until the capacity review.
                  expires: 2026-06-01
                """, today: Self.examplesDay),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let today = context.settings.today
        return context.settings.ignores.filter { $0.isExpired(on: today) }.map { entry in
            Finding(
                ruleID: Self.description.id, severity: Self.description.severity,
                message: Self.message(for: entry), file: entry.file, span: entry.expiresSpan ?? entry.span,
                resource: nil, related: [], remediation: Self.remediation(for: entry))
        }
    }

    static func message(for entry: IgnoreEntry) -> String {
        let expiry = entry.expires.map { " expired on \($0)" } ?? " expired"
        return "The ignore entry covering \(scope(of: entry))\(expiry), so it no longer suppresses anything "
            + "and the findings it covered are reported again. Its reason was: \"\(entry.reason)\""
    }

    /// What an entry covers, in words: `rule singleton-waypoint, resource Gateway payments/* and path legacy/**`.
    static func scope(of entry: IgnoreEntry) -> String {
        var parts = [entry.rule.map { "rule \($0)" } ?? "every rule"]
        if let resource = entry.resource { parts.append("resource \(resource)") }
        if !entry.paths.isEmpty {
            parts.append((entry.paths.count == 1 ? "path " : "paths ") + entry.paths.map(\.pattern).joined(separator: ", "))
        }
        guard let last = parts.popLast() else { return "" }
        return parts.isEmpty ? last : parts.joined(separator: ", ") + " and " + last
    }

    static func remediation(for entry: IgnoreEntry) -> String {
        """
        If the exception for \(scope(of: entry)) is still accepted, check its reason and set a new date \
        (`expires: YYYY-MM-DD`); otherwise remove the entry and fix the findings it covered.
        """
    }
}

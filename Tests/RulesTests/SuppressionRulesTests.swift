import Rules
import Testing
import YAMLModel

@Suite("suppression rules")
struct SuppressionRulesTests {
    static func namespace(annotations: String) -> String {
        """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: legacy
          annotations:
        \(annotations)
        """
    }

    @Test func reasonMissingNamesTheRuleAndTheResourceAndFillsTheFix() throws {
        let example = Example(Self.namespace(annotations: "    ignore.meshlint.io/singleton-waypoint: \"\""))
        let finding = try #require(findings(of: "suppression-reason-missing", in: example).findings.first)
        #expect(finding.message.hasPrefix("The suppression of singleton-waypoint on Namespace legacy gives no reason"))
        #expect(finding.remediation.contains("ignore.meshlint.io/singleton-waypoint: \"<why this is accepted>\""))
        #expect(finding.resource?.name == "legacy")
        // The span runs from the key through the value.
        #expect(finding.span.start == Mark(line: 6, column: 5))
        #expect(finding.span.end.column > 43)
    }

    @Test func unknownRuleSuggestsCloseIDs() throws {
        let example = Example(Self.namespace(annotations: """
                ignore.meshlint.io/singelton-waypoint: "Typo."
                ignore.meshlint.io/default-deny: "A part of the id."
                ignore.meshlint.io/rules/jwt-not-required: "Two slashes."
                ignore.meshlint.io/nothing-like-this-at-all: "No match."
            """))
        let messages = findings(of: "suppression-unknown-rule", in: example).findings.map(\.message)
        try #require(messages.count == 4)
        #expect(messages[0].hasSuffix("Did you mean singleton-waypoint?"))
        #expect(messages[1].hasSuffix("Did you mean ambient-namespace-without-default-deny?"))
        #expect(messages[2].contains("is not a valid Kubernetes annotation key"))
        #expect(messages[2].contains("at most one `/`"))
        #expect(messages[2].hasSuffix("Did you mean jwt-not-required?"))
        #expect(messages[3].hasSuffix("`meshlint rules` lists the ids."))
    }

    @Test func unknownRuleFixKeepsTheReason() throws {
        let example = Example(Self.namespace(annotations: "    ignore.meshlint.io/singleton-waypoints: 'Said \"why\".'"))
        let finding = try #require(findings(of: "suppression-unknown-rule", in: example).findings.first)
        #expect(finding.remediation.contains(#"ignore.meshlint.io/singleton-waypoint: "Said \"why\".""#))
    }

    @Test func expiredEntryIsReportedInTheConfigurationFile() throws {
        let example = Example("apiVersion: v1\nkind: Namespace\nmetadata: {name: legacy}\n", configuration: """
            ignore:
            - rule: singleton-waypoint
              resource: Gateway payments/*
              paths: ["staging/**"]
              reason: Staging only.
              expires: 2026-01-31
            """, today: CalendarDate(year: 2026, month: 2, day: 1))
        let finding = try #require(findings(of: "suppression-expired", in: example).findings.first)
        #expect(finding.file == ".meshlint.yaml")
        #expect(finding.resource == nil)
        #expect(finding.severity == .note)
        #expect(finding.span.start == Mark(line: 6, column: 12))
        #expect(finding.message.contains("rule singleton-waypoint, resource Gateway payments/* and path staging/**"))
        #expect(finding.message.contains("expired on 2026-01-31"))
        #expect(finding.message.contains("\"Staging only.\""))
    }
}

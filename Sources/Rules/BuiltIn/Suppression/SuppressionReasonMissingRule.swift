import YAMLModel

/// A suppression annotation that gives no reason, and so suppresses nothing.
struct SuppressionReasonMissingRule: BuiltInRule {
    static let description = RuleDescription(
        id: "suppression-reason-missing",
        name: "Suppression without a reason",
        summary: "An `ignore.meshlint.io/<rule-id>` annotation has an empty value, so it suppresses nothing.",
        rationale: """
            A suppression accepts a risk: a namespace left without default deny, a waypoint with one \
            replica, a token that is not required. MeshLint honours `ignore.meshlint.io/<rule-id>` only \
            when its value says why the finding is accepted, so that every accepted risk can be reviewed \
            later by someone who was not there when it was accepted. An empty or blank value therefore \
            suppresses nothing: the finding it meant to hide is still reported, and the empty annotation \
            is reported too, so it is fixed rather than copied to the next resource.
            """,
        remediation: """
            Give the annotation a reason, or remove it and fix the finding:
            metadata:
              annotations:
                ignore.meshlint.io/<rule-id>: "<why this is accepted>"
            """,
        severity: .warning,
        area: .input,
        tags: ["suppression"],
        precision: .veryHigh,
        references: ["https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/"],
        inputs: [],
        triggeringExamples: [
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: waypoint
                  namespace: payments
                  annotations:
                    ↓ignore.meshlint.io/singleton-waypoint: ""
                spec:
                  gatewayClassName: istio-waypoint
                  listeners:
                  - {name: mesh, port: 15008, protocol: HBONE}
                """),
            // Blank is empty; a key with no value at all is too (it reads as null).
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: legacy
                  annotations:
                    ↓ignore.meshlint.io/ambient-namespace-without-default-deny: "   "
                    ↓ignore.meshlint.io/waypoint-bypass-possible:
                """),
            // In a flow mapping, on any kind of resource.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata:
                  name: jwt
                  namespace: payments
                  annotations: {↓ignore.meshlint.io/jwt-not-required: ''}
                spec:
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
                  jwtRules: [{issuer: "https://issuer.example.com", audiences: [payments]}]
                """),
        ],
        nonTriggeringExamples: [
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: waypoint
                  namespace: payments
                  annotations:
                    ignore.meshlint.io/singleton-waypoint: "Staging only; one replica is accepted until 2026-09."
                spec:
                  gatewayClassName: istio-waypoint
                  listeners:
                  - {name: mesh, port: 15008, protocol: HBONE}
                """),
            // Other annotations may be empty; only suppressions need a reason.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: legacy
                  annotations:
                    team.example.com/owner: ""
                    meshlint.io/ignore-singleton-waypoint: ""
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        context.index.resources.flatMap { resource in
            SuppressionAnnotation.entries(of: resource).compactMap { ruleID, entry -> Finding? in
                guard entry.value.trimmingWhitespace.isEmpty else { return nil }
                let subject = ruleID.isEmpty ? "The suppression annotation \(entry.key)" : "The suppression of \(ruleID)"
                return finding(
                    "\(subject) on \(resource.displayName) gives no reason, so it suppresses "
                        + "nothing. MeshLint honours `\(entry.key)` only when its value says why the finding is "
                        + "accepted, so that every accepted risk can be reviewed.",
                    on: resource, at: entry.entrySpan, remediation: Self.remediation(for: ruleID))
            }
        }
    }

    static func remediation(for ruleID: String) -> String {
        """
        Say why the finding is accepted, or remove the annotation and fix the finding:
        metadata:
          annotations:
            \(SuppressionAnnotation.prefix)\(ruleID.isEmpty ? "<rule-id>" : ruleID): "<why this is accepted>"
        """
    }
}

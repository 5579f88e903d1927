import YAMLModel

/// A mapping repeats a key, which decoders either reject or resolve silently to one of the values.
struct YAMLDuplicateKeyRule: InputProblemRule {
    static let problemKind = InputProblem.Kind.duplicateKey

    static let description = RuleDescription(
        id: "yaml-duplicate-key",
        name: "Duplicate YAML key",
        summary: "A mapping has the same key twice.",
        rationale: """
            `kubectl apply` refuses a duplicate key, while other tools keep the first or the last value \
            silently: a reviewer cannot know which policy a cluster would get. A duplicated `action` or \
            `principals` in an AuthorizationPolicy changes who may call what.
            """,
        remediation: "Remove one of the two keys and keep the value you mean.",
        severity: .error,
        area: .input,
        tags: ["input", "correctness"],
        precision: .veryHigh,
        triggeringExamples: [
            Example("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  ↓name: ledger-v2
                """),
            Example("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: p, namespace: payments}
                spec: {action: ALLOW, ↓action: DENY}
                """),
        ],
        nonTriggeringExamples: [
            Example("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  labels: {name: ledger}
                """),
        ])
}

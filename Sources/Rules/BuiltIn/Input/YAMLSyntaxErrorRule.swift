import YAMLModel

/// libyaml refused the file at some point: what follows that point was not read.
struct YAMLSyntaxErrorRule: InputProblemRule {
    static let problemKind = InputProblem.Kind.syntaxError

    static let description = RuleDescription(
        id: "yaml-syntax-error",
        name: "YAML syntax error",
        summary: "The file is not valid YAML from the marked position on.",
        rationale: """
            Nothing after a syntax error can be read, so every resource there is invisible to MeshLint \
            and would be refused by `kubectl apply` as well. The message is libyaml's own, with the \
            construct it was reading.
            """,
        remediation: "Fix the YAML at the marked position (indentation, an unclosed bracket or quote, a tab).",
        severity: .error,
        area: .input,
        tags: ["input"],
        precision: .veryHigh,
        triggeringExamples: [
            Example("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  ports: [8080
                ↓
                """),
            Example("""
                apiVersion: v1
                kind: ConfigMap
                data:
                  a: ↓*missing
                """),
        ],
        nonTriggeringExamples: [
            Example("""
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                """),
        ])
}

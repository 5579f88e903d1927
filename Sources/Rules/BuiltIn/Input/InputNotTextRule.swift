import YAMLModel

/// The file is binary or not UTF-8, so it cannot be a manifest.
struct InputNotTextRule: InputProblemRule {
    static let problemKind = InputProblem.Kind.notText

    static let description = RuleDescription(
        id: "input-not-text",
        name: "Input is not text",
        summary: "A manifest file holds NUL bytes or bytes that are not UTF-8.",
        rationale: """
            Kubernetes reads manifests as UTF-8 (or UTF-16 with a byte-order mark). A binary file with a \
            manifest's name, or text saved in Latin-1, is refused by `kubectl`; MeshLint reports the \
            first offending byte rather than guessing at the rest.
            """,
        remediation: "Save the file as UTF-8, or leave it out of the paths scanned.",
        severity: .error,
        area: .input,
        tags: ["input"],
        precision: .veryHigh,
        triggeringExamples: [
            Example("apiVersion: v1\nkind: ConfigMap\ndata: {a: \"↓\u{0}\"}\n"),
        ],
        nonTriggeringExamples: [
            Example("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: café}\n"),
        ])
}

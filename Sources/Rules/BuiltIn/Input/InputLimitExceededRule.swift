import YAMLModel

/// A file, its nesting or its aliases went past a configured limit and was not (fully) read.
struct InputLimitExceededRule: InputProblemRule {
    static let problemKind = InputProblem.Kind.limitExceeded

    static let description = RuleDescription(
        id: "input-limit-exceeded",
        name: "Input limit exceeded",
        summary: "A file is too large, too deeply nested, or its aliases expand too far to be read safely.",
        rationale: """
            Limits keep a hostile or broken file (a YAML "billion laughs" alias bomb, a generated \
            document nested thousands deep) from exhausting the scanner's time or memory. The part of \
            the input past the limit is not checked, so the finding stands in for what could not be read.
            """,
        remediation: "Split or simplify the file; if it is legitimate, raise the limit (`--max-file-size`, `--max-depth`, `--max-alias-expansion`).",
        severity: .error,
        area: .input,
        tags: ["input", "robustness"],
        precision: .veryHigh,
        triggeringExamples: [
            Example(
                "apiVersion: v1\nkind: ConfigMap\ndata: " + String(repeating: "[", count: 3) + "↓[1]" + String(repeating: "]", count: 3),
                limits: ParseLimits(maxDepth: 4)),
            Example("""
                a: &a [x, x, x]
                b: &b [*a, *a, *a]
                c: [↓*b, *b]
                """, limits: ParseLimits(maxAliasExpansion: 20)),
        ],
        nonTriggeringExamples: [
            Example("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: shared}
                data:
                  base: &base "x"
                  copy: *base
                """),
        ])
}

import YAMLModel

/// A rule that reports one kind of input problem found while reading files.
///
/// The parser never throws; it records problems with their positions, and these rules turn them into
/// findings like any other, so that severities, suppressions and every output format treat them alike.
protocol InputProblemRule: BuiltInRule {
    static var problemKind: InputProblem.Kind { get }
}

extension InputProblemRule {
    func check(_ context: LintContext) -> [Finding] {
        context.inputProblems.filter { $0.problem.kind == Self.problemKind }.map { item in
            Finding(
                ruleID: Self.description.id, severity: Self.description.severity, message: sentence(item.problem.message),
                file: item.file, span: item.problem.span, resource: nil, remediation: Self.description.remediation)
        }
    }

    /// libyaml's lower-case problem texts, as a sentence like every other finding's message.
    private func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        let capitalized = first.uppercased() + text.dropFirst()
        return capitalized.hasSuffix(".") ? capitalized : capitalized + "."
    }
}

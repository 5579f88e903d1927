import YAMLModel

/// Runs a set of rules over a context and returns their findings in report order.
public struct Linter: Sendable {
    public let rules: [any Rule]

    public init(rules: [any Rule] = RuleCatalog.builtIn.map { $0.init() }) {
        self.rules = rules
    }

    public func lint(_ context: LintContext) -> [Finding] {
        rules.flatMap { $0.check(context) }.sorted(by: Finding.reportOrder)
    }
}

import YAMLModel

/// Runs a set of rules over a context and returns their findings in report order.
public struct Linter: Sendable {
    public let rules: [any Rule]
    /// How many threads run rules (nil: every core; 1: one after the other).
    public var jobs: Int?

    public init(rules: [any Rule] = RuleCatalog.builtIn.map { $0.init() }, jobs: Int? = nil) {
        self.rules = rules
        self.jobs = jobs
    }

    public func lint(_ context: LintContext) -> [Finding] {
        timedLint(context).findings
    }

    /// The findings, and how long each rule took (in the order of `rules`).
    public func timedLint(_ context: LintContext) -> (findings: [Finding], durations: [Duration]) {
        // Rules are independent of each other: they run on all cores, and the sort makes the
        // order of the findings independent of which finished first.
        let clock = ContinuousClock()
        let outcomes = rules.parallelMap(jobs: jobs) { rule in
            let start = clock.now
            let findings = rule.check(context)
            return (findings, start.duration(to: clock.now))
        }
        return (outcomes.flatMap(\.0).sorted(by: Finding.reportOrder), outcomes.map(\.1))
    }
}

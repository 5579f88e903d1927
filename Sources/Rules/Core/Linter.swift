import YAMLModel

/// Runs a set of rules over a context and returns their findings in report order.
public struct Linter: Sendable {
    public let rules: [any Rule]
    /// How many threads run rules (nil: every core; 1: one after the other).
    public var jobs: Int?
    /// When the scan must stop (`--timeout`): a rule not started by then does not run.
    public var deadline: ContinuousClock.Instant?

    public init(rules: [any Rule] = RuleCatalog.builtIn.map { $0.init() }, jobs: Int? = nil, deadline: ContinuousClock.Instant? = nil) {
        self.rules = rules
        self.jobs = jobs
        self.deadline = deadline
    }

    public func lint(_ context: LintContext) -> [Finding] {
        timedLint(context).findings
    }

    /// What a run of the rules produced.
    public struct Outcome: Sendable {
        public let findings: [Finding]
        /// How long each rule took (in the order of `rules`; zero for one that did not run).
        public let durations: [Duration]
        /// The rules the deadline stopped before they started, in catalogue order.
        public let notRun: [String]
    }

    /// The findings, and how long each rule took (in the order of `rules`).
    public func timedLint(_ context: LintContext) -> Outcome {
        // Rules are independent of each other: they run on all cores, and the sort makes the
        // order of the findings independent of which finished first.
        let clock = ContinuousClock()
        let outcomes = rules.parallelMap(jobs: jobs) { rule -> ([Finding], Duration, Bool) in
            let start = clock.now
            // Input problems are always reported (they are cheap, and one is the finding that
            // says the scan is incomplete); the deadline stops the rules proper.
            if let deadline, start >= deadline, !(rule is any InputProblemRule) { return ([], .zero, false) }
            let findings = rule.check(context)
            return (findings, start.duration(to: clock.now), true)
        }
        let notRun = zip(rules, outcomes).filter { !$1.2 }.map { $0.0.description.id }
        return Outcome(findings: outcomes.flatMap(\.0).sorted(by: Finding.reportOrder), durations: outcomes.map(\.1), notRun: notRun)
    }

    /// The `scan-incomplete` finding for rules the deadline stopped, placed at the start of `file`.
    public static func findingForRulesNotRun(_ ruleIDs: [String], file: String) -> Finding {
        ScanIncompleteRule.rulesNotRun(ruleIDs, file: file)
    }
}

/// The rule that marks what a scan's time limit left undone, for the command's filters.
public enum ScanIncomplete {
    public static let ruleID = ScanIncompleteRule.description.id
}

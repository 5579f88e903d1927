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
        /// The rules still running when the deadline passed: they stopped early, or finished
        /// late; either way their findings may be missing.
        public let stopped: [String]

        public init(findings: [Finding], durations: [Duration], notRun: [String], stopped: [String]) {
            self.findings = findings
            self.durations = durations
            self.notRun = notRun
            self.stopped = stopped
        }
    }

    /// The findings, and how long each rule took (in the order of `rules`).
    public func timedLint(_ context: LintContext) -> Outcome {
        // Rules are independent of each other: they run on all cores, and the sort makes the
        // order of the findings independent of which finished first.
        let clock = ContinuousClock()
        var context = context
        context.deadline = Deadline(deadline)
        let outcomes = rules.parallelMap(jobs: jobs) { [context] rule -> RuleRun in
            let start = clock.now
            // Input problems are always reported (they are cheap, and one is the finding that
            // says the scan is incomplete); the deadline stops the rules proper.
            let bounded = !(rule is any InputProblemRule)
            if bounded, let deadline, start >= deadline { return RuleRun(findings: [], duration: .zero, state: .notRun) }
            let findings = rule.check(context)
            let end = clock.now
            let late = bounded && deadline.map { end >= $0 } ?? false
            return RuleRun(findings: findings, duration: start.duration(to: end), state: late ? .stopped : .complete)
        }
        func ids(_ state: RuleRun.State) -> [String] {
            zip(rules, outcomes).filter { $1.state == state }.map { $0.0.description.id }
        }
        return Outcome(
            findings: outcomes.flatMap(\.findings).sorted(by: Finding.reportOrder), durations: outcomes.map(\.duration),
            notRun: ids(.notRun), stopped: ids(.stopped))
    }

    private struct RuleRun: Sendable {
        enum State { case complete, notRun, stopped }
        let findings: [Finding]
        let duration: Duration
        let state: State
    }

    /// The `scan-incomplete` finding for the rules the deadline kept from running or stopped,
    /// placed at the start of `file`; nil when every rule ran to its end in time.
    public static func findingForIncompleteRules(_ outcome: Outcome, file: String) -> Finding? {
        guard !outcome.notRun.isEmpty || !outcome.stopped.isEmpty else { return nil }
        return ScanIncompleteRule.rulesIncomplete(notRun: outcome.notRun, stopped: outcome.stopped, file: file)
    }
}

/// The rule that marks what a scan's time limit left undone, for the command's filters.
public enum ScanIncomplete {
    public static let ruleID = ScanIncompleteRule.description.id
}

import YAMLModel

/// A check over the whole mesh that reports on single nodes.
///
/// A rule is a pure function of the `LintContext`: it asks the `MeshIndex` for resolved facts and
/// never re-derives Istio semantics itself. Its description is per instance, so that rules loaded
/// from files (an organisation's own) stand beside the built-in ones.
public protocol Rule: Sendable {
    var description: RuleDescription { get }
    func check(_ context: LintContext) -> [Finding]
}

/// A rule compiled into MeshLint: one type, one file, its description a static value that the
/// catalogue, `explain`, SARIF and the example tests read without an instance.
public protocol BuiltInRule: Rule {
    static var description: RuleDescription { get }
    init()
}

extension BuiltInRule {
    public var description: RuleDescription { Self.description }
}

extension Rule {
    /// A finding of this rule on `resource`, at `span`, with the rule's default severity.
    public func finding(
        _ message: String, on resource: Resource, at span: Span, related: [RelatedLocation] = [],
        remediation: String? = nil
    ) -> Finding {
        let description = self.description
        // A message may quote a value of the resource (a custom rule's failing field, an env
        // value): no secret value leaves through it.
        let secrets = SecretValues.of(resource)
        var finding = Finding(
            ruleID: description.id, severity: description.severity, message: SecretValues.redact(message, secrets),
            file: resource.file, span: resource.reportSpan(span), resource: ResourceRef(resource), related: related,
            remediation: SecretValues.redact(remediation ?? description.remediation, secrets), fieldPath: resource.node.path(to: span.start),
            origin: resource.origin)
        finding.secretValues = secrets
        return finding
    }
}

/// What a rule sees: the index of every resource read, and the problems found in the input files.
public struct LintContext: Sendable {
    /// A problem of an input file, with the file it is in.
    public struct FileProblem: Sendable {
        public let file: String
        public let problem: InputProblem

        public init(file: String, problem: InputProblem) {
            self.file = file
            self.problem = problem
        }
    }

    public let index: MeshIndex
    public let inputProblems: [FileProblem]
    public let settings: LintSettings
    /// What rules of this scan compute once and share.
    public let shared = SharedResults()
    /// When the rules must stop; the linter sets it from `--timeout`.
    public var deadline = Deadline.none

    public init(index: MeshIndex, inputProblems: [FileProblem] = [], settings: LintSettings = LintSettings()) {
        self.index = index
        self.inputProblems = inputProblems
        self.settings = settings
    }

    /// Builds the context for a set of read files.
    public init(files: [ManifestFile], options: MeshIndexOptions = MeshIndexOptions(), settings: LintSettings = LintSettings()) {
        self.init(
            index: MeshIndex(resources: files.flatMap(\.resources), options: options),
            inputProblems: files.flatMap { file in file.problems.map { FileProblem(file: file.path, problem: $0) } },
            settings: settings)
    }
}

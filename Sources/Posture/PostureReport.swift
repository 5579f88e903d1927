import Access
import Rules
import YAMLModel

/// The auditors' posture report: per namespace, which controls hold and the evidence, what the
/// sensitive namespaces let through, every access expectation, the compliance mapping and every
/// finding. One model, rendered as JSON, Markdown and HTML.
public struct PostureReport: Sendable {
    /// The JSON rendering's schema, which `--compare` checks.
    public static let schema = "meshlint.io/posture-report/v1"

    public struct Header: Sendable {
        public var repository: String
        public var commit: String?
        /// ISO 8601, UTC.
        public var generatedAt: String
        public var version: String
        public var inputs: [String]
        public var configuration: String?
        public var ruleCount: Int

        public init(repository: String, commit: String?, generatedAt: String, version: String, inputs: [String],
                    configuration: String?, ruleCount: Int) {
            self.repository = repository
            self.commit = commit
            self.generatedAt = generatedAt
            self.version = version
            self.inputs = inputs
            self.configuration = configuration
            self.ruleCount = ruleCount
        }
    }

    /// The share of ambient namespaces meeting one control.
    public struct ControlShare: Sendable {
        public let control: ControlID
        public let met: Int
        public let partial: Int
        public let of: Int
    }

    public struct Summary: Sendable {
        public let namespacesByMode: [(mode: DataplaneMode, count: Int)]
        public let controls: [ControlShare]
        public let errors: Int
        public let warnings: Int
        public let notes: Int
        public let suppressed: Int
        public let expectationsPassed: Int
        public let expectations: Int
    }

    /// One finding as the report shows it.
    public struct ReportFinding: Sendable {
        public let rule: String
        public let severity: Severity
        public let message: String
        public let file: String
        public let line: Int
        public let column: Int
        public let resource: String?
        /// The namespace it is grouped under ("" for cluster-wide findings).
        public let namespace: String
        public let fingerprint: String

        public init(_ finding: Finding) {
            rule = finding.ruleID
            severity = finding.severity
            message = finding.message
            file = finding.file
            line = finding.span.start.line
            column = finding.span.start.column
            resource = finding.resource?.display
            namespace = finding.resource.flatMap { $0.kind == "Namespace" ? $0.name : $0.namespace } ?? ""
            fingerprint = finding.fingerprint
        }
    }

    /// A finding a suppression hides, with the suppression's reason, place and expiry.
    public struct Suppression: Sendable {
        public let finding: ReportFinding
        /// `annotation` or `configuration`.
        public let kind: String
        public let reason: String
        public let location: String
        public let expires: String?

        public init(finding: Finding, kind: String, reason: String, location: String, expires: String?) {
            self.finding = ReportFinding(finding)
            self.kind = kind
            self.reason = reason
            self.location = location
            self.expires = expires
        }
    }

    /// Callers that get the same requests through to one Service port.
    public struct AccessGroup: Sendable {
        /// The requests that get through.
        public let allowedWhen: [String]
        /// The callers, by name; empty when `anyIdentity`.
        public let callers: [String]
        /// Any mesh identity gets these requests through (an identity no policy names does): the
        /// identities of the input that get no more than that are not listed one by one.
        public let anyIdentity: Bool
        /// How many callers of the input the group stands for.
        public let count: Int
    }

    /// Who reaches one Service port of a sensitive namespace.
    public struct AccessEntry: Sendable {
        public let service: String
        public let port: Int
        /// The callers that get a request through, grouped by what gets through.
        public let groups: [AccessGroup]
        /// Callers in the input (plus anonymous and any other identity) that get nothing through.
        public let deniedCount: Int
    }

    public struct AccessNamespace: Sendable {
        public let namespace: String
        public let entries: [AccessEntry]
    }

    public var header: Header
    public let summary: Summary
    public let namespaces: [NamespacePosture]
    public let access: [AccessNamespace]
    /// Each namespace that runs sidecars, and how ready it is to move to ambient.
    public let migration: [MigrationReadiness]
    /// Sidecar namespaces beyond the report's limit, not assessed (`meshlint migrate` assesses one).
    public let migrationOmitted: Int
    public let expectations: [AccessExpectationResult]
    public let compliance: ComplianceMapping
    /// The rules that ran (for the compliance appendix).
    public let rules: [RuleDescription]
    public let findings: [ReportFinding]
    public let suppressions: [Suppression]

    /// Builds the report. `sensitive` selects the namespaces whose access is summarised (nil: those
    /// with a waypoint); `audiences` says what the identity providers mint, for the requests the
    /// access summary tries with a token.
    public init(
        header: Header, index: MeshIndex, findings: [Finding], suppressions: [Suppression], sensitive: [Glob]?,
        compliance: ComplianceMapping, rules: [RuleDescription], audiences: MintedAudiences = MintedAudiences(),
        locate: (Evidence) -> Evidence = { $0 }
    ) {
        self.header = header
        self.compliance = compliance
        self.rules = rules.sorted { $0.id < $1.id }
        self.suppressions = suppressions
        self.findings = findings.map(ReportFinding.init)
        self.expectations = AccessExpectationResult.all(in: index)
        var namespaces = NamespacePosture.all(index: index, findings: findings)
        for position in namespaces.indices {
            let posture = namespaces[position]
            namespaces[position].isSensitive = sensitive.map { $0.contains { $0.matches(posture.name) } }
                ?? (posture.control(.waypoint).value != "none")
            // Evidence in a rendered stream is shown where its source writes it.
            for control in namespaces[position].controls.indices {
                namespaces[position].controls[control].evidence = namespaces[position].controls[control].evidence.map(locate)
            }
        }
        self.namespaces = namespaces
        access = Self.accessSummary(index: index, namespaces: Set(namespaces.filter(\.isSensitive).map(\.name)), audiences: audiences)
        (migration, migrationOmitted) = MigrationReadiness.all(index: index, audiences: audiences)

        let ambient = namespaces.filter { $0.dataplaneMode == .ambient }
        summary = Summary(
            namespacesByMode: DataplaneMode.allCases.map { mode in (mode, namespaces.filter { $0.dataplaneMode == mode }.count) },
            controls: ControlID.allCases.filter { $0 != .dataplane }.map { id in
                ControlShare(
                    control: id, met: ambient.filter { $0.control(id).state == .met }.count,
                    partial: ambient.filter { $0.control(id).state == .partial }.count, of: ambient.count)
            },
            errors: findings.filter { $0.severity == .error }.count,
            warnings: findings.filter { $0.severity == .warning }.count,
            notes: findings.filter { $0.severity == .note }.count,
            suppressed: suppressions.count,
            expectationsPassed: expectations.filter(\.passed).count, expectations: expectations.count)
    }

    /// The access matrix of the sensitive namespaces' Services, grouped by namespace; each port's
    /// rows are summarised as they are computed, so the full matrix is never held.
    static func accessSummary(index: MeshIndex, namespaces: Set<String>, audiences: MintedAudiences) -> [AccessNamespace] {
        guard !namespaces.isEmpty else { return [] }
        let entries = AccessMatrix.summarize(
            index: index, audiences: audiences, including: { namespaces.contains($0.namespace ?? "default") }
        ) { rows in
            Self.entry(rows)
        }.compactMap { $0 }
        let byNamespace = Dictionary(grouping: entries) { $0.service.split(separator: "/").first.map(String.init) ?? "" }
        return byNamespace.keys.sorted().map { AccessNamespace(namespace: $0, entries: byNamespace[$0]!) }
    }

    /// One Service port's rows (one per caller) as an entry: callers grouped by what gets through.
    static func entry(_ rows: [AccessMatrixRow]) -> AccessEntry? {
        guard let first = rows.first else { return nil }
        let namespace = first.service.namespace ?? "default"
        let reachable = rows.filter(\.isReachable)
        var groups: [AccessGroup] = []
        var byRequests: [[String]: [String]] = [:]
        var order: [[String]] = []
        for row in reachable {
            if byRequests[row.allowedWhen] == nil { order.append(row.allowedWhen) }
            byRequests[row.allowedWhen, default: []].append(row.caller)
        }
        for allowed in order {
            let callers = byRequests[allowed]!
            let anyIdentity = callers.contains("any other mesh identity")
            groups.append(AccessGroup(
                allowedWhen: allowed, callers: anyIdentity ? callers.filter { $0 == "anonymous" } : callers,
                anyIdentity: anyIdentity, count: callers.count))
        }
        return AccessEntry(
            service: "\(namespace)/\(first.service.name)", port: first.port, groups: groups,
            deniedCount: rows.count - reachable.count)
    }

    /// The findings grouped by namespace ("" first: findings about no namespace).
    public var findingsByNamespace: [(namespace: String, findings: [ReportFinding])] {
        let grouped = Dictionary(grouping: findings, by: \.namespace)
        return grouped.keys.sorted().map { ($0, grouped[$0]!) }
    }
}

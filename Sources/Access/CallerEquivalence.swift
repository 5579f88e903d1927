import YAMLModel

/// A question an enforcement point asks about the caller's identity while it evaluates a rule.
///
/// Every test of a policy against the caller's identity (principals, namespaces, service accounts,
/// at a waypoint or at ztunnel) goes through one of these, so an evaluation depends on *which*
/// mesh identity calls only through their answers.
enum CallerQuestion: Hashable {
    case waypointPrincipal(String)
    case ztunnelPrincipal(String)
    case namespaceGlob(String)
    case namespaceString(String)
    case serviceAccount(String, policyNamespace: String)

    func answer(for peer: MeshIdentity?, trustDomain: String) -> Bool {
        answer(for: peer, principal: peer.map { Matching.principal(of: $0, trustDomain: trustDomain) }, trustDomain: trustDomain)
    }

    /// The answer for `peer`, whose principal (`<trust-domain>/ns/<ns>/sa/<sa>`) is given.
    func answer(for peer: MeshIdentity?, principal: String?, trustDomain: String) -> Bool {
        switch self {
        case .waypointPrincipal(let pattern):
            principal.map { Matching.principal(pattern, actual: $0, trustDomain: trustDomain) } ?? false
        case .ztunnelPrincipal(let pattern):
            principal.map { Matching.string(pattern, $0) } ?? false
        case .namespaceGlob(let pattern):
            peer.map { Matching.glob(pattern, $0.namespace) } ?? false
        case .namespaceString(let pattern):
            // ztunnel gives a connection without identity the namespace "", which no pattern matches.
            Matching.string(pattern, peer?.namespace ?? "")
        case .serviceAccount(let value, let policyNamespace):
            peer.map { Matching.serviceAccount(value, $0, policyNamespace: policyNamespace) } ?? false
        }
    }
}

/// The questions one evaluation asked about the caller, with their answers, in order.
///
/// Evaluation is deterministic, so another mesh identity that gives the same answer to every one
/// of them follows the same path and gets the same decision: a log is a proof that two callers are
/// equivalent for one request. Confined to the evaluation that fills it (one thread).
final class CallerQuestionLog {
    private(set) var entries: [(question: CallerQuestion, answer: Bool)] = []
    private var seen: [CallerQuestion: Bool] = [:]

    func record(_ question: CallerQuestion, _ answer: Bool) {
        guard seen.updateValue(answer, forKey: question) == nil else { return }
        entries.append((question, answer))
    }

}

/// The decision of a request for one caller of a batch: what `AccessResult` says, without the trace.
public struct AccessOutcome: Sendable, Equatable {
    public let decision: AccessDecision
    public let isUncertain: Bool
    public let uncertainties: [String]
}

/// The callers of a batch of requests, with the answers each gives to every identity question
/// asked so far: a matrix asks the same questions of the same callers for request after request.
/// Used by one thread at a time (it fills its cache as it goes).
public final class CallerTable {
    public let callers: [AccessCaller]
    private let identities: [MeshIdentity?]
    private let principals: [String?]
    private let trustDomain: String
    private var columns: [CallerQuestion: [Bool]] = [:]

    public init(_ callers: [AccessCaller], trustDomain: String) {
        self.callers = callers
        self.trustDomain = trustDomain
        identities = callers.map { caller in
            if case .identity(let identity) = caller { return identity }
            return nil
        }
        principals = identities.map { $0.map { Matching.principal(of: $0, trustDomain: trustDomain) } }
    }

    private var dataplaneColumn: [CallerDataplane?]?

    var count: Int { callers.count }

    /// How each caller's pods send their traffic (nil for callers that are not mesh identities).
    func dataplanes(in index: MeshIndex) -> [CallerDataplane?] {
        if let known = dataplaneColumn { return known }
        let column = identities.map { $0.map(index.dataplane(of:)) }
        dataplaneColumn = column
        return column
    }

    func isIdentity(_ position: Int) -> Bool { identities[position] != nil }

    /// Every caller's answer to `question` (false for callers that are not mesh identities).
    func column(_ question: CallerQuestion) -> [Bool] {
        if let known = columns[question] { return known }
        let column: [Bool]
        if case .waypointPrincipal(let pattern) = question {
            // The pattern is read once, not once per caller: a match as written, or the same
            // identity written in `cluster.local`, which istiod rewrites to the mesh's domain.
            let rewritten = PrincipalName(pattern).flatMap {
                $0.trustDomain == PrincipalName.localTrustDomainAlias ? $0.with(trustDomain: trustDomain) : nil
            }
            column = principals.map { principal in
                guard let principal else { return false }
                return Matching.string(pattern, principal) || principal == rewritten
            }
        } else {
            column = identities.indices.map { position in
                identities[position].map { question.answer(for: $0, principal: principals[position], trustDomain: trustDomain) } ?? false
            }
        }
        columns[question] = column
        return column
    }
}

extension AccessEvaluator {
    /// The outcome of `request` for each of `callers`, in order.
    ///
    /// Mesh identities are grouped by the answers their evaluation gives to the identity questions
    /// the policies ask (`CallerQuestionLog`): one full evaluation per group, not per caller, so an
    /// invariant or a matrix over thousands of identities costs a handful of evaluations. Asking
    /// `evaluate` for each caller gives the same outcomes (tested), with traces.
    public func outcomes(of request: AccessRequest, for callers: [AccessCaller]) throws(AccessError) -> [AccessOutcome] {
        try groupedOutcomes(of: request, for: CallerTable(callers, trustDomain: index.trustDomain)).outcomes
    }

    /// The same, for callers whose answers are kept across requests (an access matrix).
    public func outcomes(of request: AccessRequest, for table: CallerTable) throws(AccessError) -> [AccessOutcome] {
        try groupedOutcomes(of: request, for: table).outcomes
    }

    /// The outcomes, and how many full evaluations the mesh identities needed.
    func groupedOutcomes(of request: AccessRequest, for callers: [AccessCaller]) throws(AccessError) -> (outcomes: [AccessOutcome], evaluations: Int) {
        try groupedOutcomes(of: request, for: CallerTable(callers, trustDomain: index.trustDomain))
    }

    func groupedOutcomes(of request: AccessRequest, for table: CallerTable) throws(AccessError) -> (outcomes: [AccessOutcome], evaluations: Int) {
        var outcomes = [AccessOutcome?](repeating: nil, count: table.count)
        var evaluations = 0
        for position in 0..<table.count where outcomes[position] == nil {
            var single = request
            single.caller = table.callers[position]
            guard table.isIdentity(position) else {
                outcomes[position] = try evaluate(single).outcome
                continue
            }
            let log = CallerQuestionLog()
            var evaluation = Evaluation(index: index, request: single, callerLog: log)
            try evaluation.run()
            evaluations += 1
            let outcome = evaluation.result.outcome
            // Every later identity that answers the questions alike, and whose pods send their
            // traffic alike (a sidecar skips waypoints), follows the same path.
            let answers = log.entries.map { (column: table.column($0.question), answer: $0.answer) }
            let dataplanes = table.dataplanes(in: index)
            for other in position..<table.count where outcomes[other] == nil && table.isIdentity(other)
            && dataplanes[other] == dataplanes[position] && answers.allSatisfy({ $0.column[other] == $0.answer }) {
                outcomes[other] = outcome
            }
        }
        return (outcomes.map { $0! }, evaluations)
    }
}

extension AccessResult {
    /// The decision without the trace.
    public var outcome: AccessOutcome {
        AccessOutcome(decision: decision, isUncertain: isUncertain, uncertainties: uncertainties)
    }
}

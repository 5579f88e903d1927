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

    /// True when `identity` answers every recorded question the same way.
    func replays(for identity: MeshIdentity, principal: String, trustDomain: String) -> Bool {
        entries.allSatisfy { $0.question.answer(for: identity, principal: principal, trustDomain: trustDomain) == $0.answer }
    }
}

/// The decision of a request for one caller of a batch: what `AccessResult` says, without the trace.
public struct AccessOutcome: Sendable, Equatable {
    public let decision: AccessDecision
    public let isUncertain: Bool
    public let uncertainties: [String]
}

extension AccessEvaluator {
    /// The outcome of `request` for each of `callers`, in order.
    ///
    /// Mesh identities are grouped by the answers their evaluation gives to the identity questions
    /// the policies ask (`CallerQuestionLog`): one full evaluation per group, not per caller, so an
    /// invariant or a matrix over thousands of identities costs a handful of evaluations. Asking
    /// `evaluate` for each caller gives the same outcomes (tested), with traces.
    public func outcomes(of request: AccessRequest, for callers: [AccessCaller]) throws(AccessError) -> [AccessOutcome] {
        try groupedOutcomes(of: request, for: callers).outcomes
    }

    /// The outcomes, and how many full evaluations the mesh identities needed.
    func groupedOutcomes(of request: AccessRequest, for callers: [AccessCaller]) throws(AccessError) -> (outcomes: [AccessOutcome], evaluations: Int) {
        var groups: [(log: CallerQuestionLog, outcome: AccessOutcome)] = []
        var outcomes: [AccessOutcome] = []
        outcomes.reserveCapacity(callers.count)
        for caller in callers {
            var single = request
            single.caller = caller
            guard case .identity(let identity) = caller else {
                outcomes.append(try evaluate(single).outcome)
                continue
            }
            let principal = Matching.principal(of: identity, trustDomain: index.trustDomain)
            if let group = groups.first(where: { $0.log.replays(for: identity, principal: principal, trustDomain: index.trustDomain) }) {
                outcomes.append(group.outcome)
                continue
            }
            let log = CallerQuestionLog()
            var evaluation = Evaluation(index: index, request: single, callerLog: log)
            try evaluation.run()
            let outcome = evaluation.result.outcome
            groups.append((log, outcome))
            outcomes.append(outcome)
        }
        return (outcomes, groups.count)
    }
}

extension AccessResult {
    /// The decision without the trace.
    public var outcome: AccessOutcome {
        AccessOutcome(decision: decision, isUncertain: isUncertain, uncertainties: uncertainties)
    }
}

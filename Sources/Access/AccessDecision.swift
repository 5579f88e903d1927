import YAMLModel

/// What happens to a request, as the caller sees it.
///
/// The raw values are the words access expectations use (`expect: allow|deny|401|403|refused`).
public enum AccessDecision: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The request reaches the destination's pods.
    case allow
    /// An AuthorizationPolicy denies it: 403 `RBAC: access denied` at a waypoint, a reset
    /// connection at ztunnel.
    case deny
    /// 401: a token is present but no jwtRule where it is validated accepts its issuer.
    case unauthorized = "401"
    /// 403 from RequestAuthentication: the token's issuer is accepted but not its audience
    /// (Envoy's `Audiences in Jwt are not allowed`).
    case forbidden = "403"
    /// ztunnel refuses a plaintext connection under STRICT mTLS.
    case refused

    /// True for `allow`: the request reaches the pods.
    public var isAllowed: Bool { self == .allow }

    public var description: String {
        switch self {
        case .allow: "allow"
        case .deny: "deny"
        case .unauthorized: "401 (unauthorized)"
        case .forbidden: "403 (audience not allowed)"
        case .refused: "refused (plaintext under STRICT mTLS)"
        }
    }
}

/// One thing an enforcement point considered, with where it is written.
public struct AccessStep: Sendable, CustomStringConvertible {
    /// What the step found.
    public enum Outcome: String, Sendable, Hashable {
        /// Context: the path taken, the identity used, a token accepted.
        case info
        /// A rule (or jwtRule) matched the request.
        case matched
        /// A policy was considered and none of its rules matched.
        case notMatched
        /// A policy that applies here but is not enforced (dry-run, AUDIT, rejected by validation,
        /// an action ztunnel does not implement).
        case skipped
        /// Something the input does not settle was assumed (an unknown source IP, a namespace whose
        /// labels are not in the input, ...).
        case assumption
        /// The decision depends on something outside the manifests (an external authorizer).
        case uncertain
        /// The hop's verdict.
        case allowed, denied, refused, unauthorized, forbidden
    }

    /// One sentence: what was considered and what came of it.
    public let message: String
    /// The file the step's evidence is written in; nil for steps about the request itself.
    public let file: String?
    /// Where in `file`.
    public let span: Span?
    public let outcome: Outcome

    /// A step pointing at `span` of `file` as given (already shifted for rendered Helm output).
    public init(_ message: String, file: String? = nil, span: Span? = nil, outcome: Outcome) {
        self.message = message
        self.file = file
        self.span = span
        self.outcome = outcome
    }

    /// A step pointing at `span` of `resource`, as findings report it.
    init(_ message: String, at span: Span, of resource: Resource, outcome: Outcome) {
        self.init(message, file: resource.file, span: resource.reportSpan(span), outcome: outcome)
    }

    /// `file:line:col`, or empty when the step points nowhere.
    public var location: String {
        guard let file else { return "" }
        guard let span else { return file }
        return "\(file):\(span.start.line):\(span.start.column)"
    }

    public var description: String {
        let place = location
        return "[\(outcome.rawValue)] \(message)" + (place.isEmpty ? "" : " (\(place))")
    }
}

/// One enforcement point a request passes: an ingress gateway's proxy, a waypoint, or the sidecar or
/// ztunnel in front of the destination's pods.
public struct AccessHop: Sendable, CustomStringConvertible {
    /// Which enforcement point.
    public enum Place: Sendable, Hashable {
        /// The proxy of the ingress Gateway the request enters by.
        case gateway(ObjectKey)
        case waypoint(ObjectKey)
        /// The ztunnel of a destination workload's node; nil when the Service's workloads are not in
        /// the input (only namespace-wide and mesh-wide policies are then known).
        case ztunnel(workload: ObjectKey?, namespace: String)
        /// The sidecar in a destination workload's pods (nil workload: not in the input).
        case sidecar(workload: ObjectKey?, namespace: String)
    }

    public let place: Place
    /// What the hop considered, in order, ending with its verdict.
    public let steps: [AccessStep]
    /// The hop's verdict: `allow` lets the request on to the next hop.
    public let decision: AccessDecision

    /// `waypoint ns/name` or `ztunnel of ns/workload`.
    public var title: String {
        switch place {
        case .gateway(let key): "ingress gateway \(key)"
        case .waypoint(let key): "waypoint \(key)"
        case .ztunnel(let workload?, _): "ztunnel of \(workload)"
        case .ztunnel(nil, let namespace): "ztunnel of the Service's pods (namespace \(namespace), workloads not in the input)"
        case .sidecar(let workload?, _): "sidecar of \(workload)"
        case .sidecar(nil, let namespace): "sidecar of the Service's pods (namespace \(namespace), workloads not in the input)"
        }
    }

    public var description: String {
        ([title + ": " + decision.description] + steps.map { "  " + $0.description }).joined(separator: "\n")
    }
}

/// How a decision came about: the path the request takes, then each hop with the policies it considered.
public struct AccessTrace: Sendable, CustomStringConvertible {
    /// Why the request goes through a waypoint or not, the identity it carries, the ports.
    public let path: [AccessStep]
    /// The enforcement points, in the order the request meets them (one ztunnel hop per destination
    /// workload; evaluation stops at the first hop that does not allow).
    public let hops: [AccessHop]

    /// Every step, path first.
    public var steps: [AccessStep] { path + hops.flatMap(\.steps) }

    public var description: String {
        (path.map(\.description) + hops.map(\.description)).joined(separator: "\n")
    }
}

/// The evaluation of one request: the decision and how it was reached.
public struct AccessResult: Sendable, CustomStringConvertible {
    /// The first hop's verdict that is not `allow`, else `allow`.
    public let decision: AccessDecision
    /// True when the decision depends on something the manifests do not settle: an external
    /// authorizer (CUSTOM), or an assumption that changed a rule's outcome.
    public let isUncertain: Bool
    /// Why the decision is uncertain, one sentence each.
    public let uncertainties: [String]
    /// The path and each hop with the policies it considered.
    public let trace: AccessTrace

    public var description: String {
        "decision: \(decision)" + (isUncertain ? " (uncertain)" : "") + "\n" + trace.description
    }
}

/// A request the evaluator cannot place in the input.
public enum AccessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The Service is not in the input.
    case unknownService(ObjectKey)
    /// The Service has no `spec.ports[].port` with this number; the ports it has.
    case unknownPort(ObjectKey, port: Int, available: [Int])
    /// The workload resource is not in the input.
    case unknownWorkload(ObjectKey)

    public var description: String {
        switch self {
        case .unknownService(let key): "no Service \(key) in the input"
        case .unknownPort(let key, let port, let available):
            "Service \(key) has no port \(port)" + (available.isEmpty ? "" : " (ports: \(available.map(String.init).joined(separator: ", ")))")
        case .unknownWorkload(let key): "no workload \(key) in the input"
        }
    }
}

extension AccessResult {
    /// Where and why the request was turned away: the first hop that did not allow it, and the
    /// step that decided (a rejected token, a matching DENY, no matching ALLOW, refused plaintext).
    /// Nil when the request is allowed.
    public var refusal: (hop: AccessHop, step: AccessStep)? {
        guard let hop = trace.hops.first(where: { !$0.decision.isAllowed }) else { return nil }
        let verdicts: Set<AccessStep.Outcome> = [.denied, .refused, .unauthorized, .forbidden, .allowed]
        let deciding = hop.steps.last { [.unauthorized, .forbidden].contains($0.outcome) }
            ?? hop.steps.last { $0.outcome == .matched && $0.message.hasPrefix("DENY ") }
            ?? hop.steps.last { !verdicts.contains($0.outcome) }
            ?? hop.steps.last
        return deciding.map { (hop, $0) }
    }
}

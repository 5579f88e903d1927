import YAMLModel

/// An Envoy on the request's way that enforces policy itself: a waypoint, a destination's sidecar,
/// or an ingress gateway's proxy.
///
/// All three share Envoy's semantics: on the HTTP filter chain, RequestAuthentication validates a
/// token where its jwtRules read one, then the RBAC filters apply CUSTOM, DENY and ALLOW policies
/// with every attribute; on the TCP chain no token is read and the HTTP-only attributes are dropped.
/// What differs is which policies bind each, which `WaypointEnforcement`, `SidecarEnforcement` and
/// `GatewayEnforcement` decide.
struct EnvoyProxy {
    /// The hop this proxy is in the trace.
    let place: AccessHop.Place
    /// `the waypoint`, `the sidecar`, `the gateway`: who, in messages.
    let name: String
    /// `at this waypoint`, `at this sidecar`, `at this gateway`: where, in messages.
    var whereabouts: String { "at this " + name.dropFirst(4) }
    /// What the request is for, in messages: `Service shop/api`, `pod-IP traffic`.
    let scope: String
    /// The steps that open the hop: the request's arrival, the chain it takes.
    var arrival: [AccessStep]
    let authorizationPolicies: [AuthorizationPolicyView]
    let requestAuthentications: [RequestAuthenticationView]
    let chain: FilterChain
    /// The last step when the proxy lets the request on, and when it refuses it.
    let forwarded: String
    let refused: String
}

extension Evaluation {
    /// The proxy's verdict on the request: authentication, then authorization, on its chain.
    mutating func envoyHop(_ proxy: EnvoyProxy, facts: RequestFacts) -> AccessHop {
        var steps = proxy.arrival
        var facts = facts
        if proxy.chain == .http {
            let asSent = String(request.path.prefix { $0 != "?" && $0 != "#" })
            if facts.path != asSent {
                steps.append(AccessStep(
                    "\(proxy.name) normalizes the path (\(Self.normalizationName(index.pathNormalization))): \(asSent) is matched as \(facts.path)",
                    outcome: .info))
            }
            switch authenticate(proxy, steps: &steps) {
            case .rejected(let decision):
                return AccessHop(place: proxy.place, steps: steps, decision: decision)
            case .accepted(let claims):
                facts.token = claims
            }
        } else if token != nil {
            steps.append(AccessStep("the TCP filter chain reads no HTTP: the token is neither validated nor read here", outcome: .info))
        }
        let decision = decide(policies: proxy.authorizationPolicies, at: .envoy(proxy.chain), steps: &steps) { rule, policy in
            EnvoyRuleMatcher(
                facts: facts, policyNamespace: policy.namespace ?? "default", chain: proxy.chain, action: policy.action ?? .allow
            ).verdict(for: rule)
        }
        steps.append(AccessStep(decision.isAllowed ? proxy.forwarded : proxy.refused, outcome: decision.isAllowed ? .allowed : .denied))
        return AccessHop(place: proxy.place, steps: steps, decision: decision)
    }

    /// `Istio's default BASE normalization`, or the mode the mesh configuration declares.
    static func normalizationName(_ mode: PathNormalization.Mode) -> String {
        mode == .base ? "Istio's default BASE normalization" : "meshConfig.pathNormalization \(mode.rawValue)"
    }

    enum Authentication {
        /// The request is turned away (401 or 403).
        case rejected(AccessDecision)
        /// The request goes on, with the claims of a validated token, or none.
        case accepted(JWTClaims?)
    }

    /// RequestAuthentication at an Envoy: a missing token passes as anonymous, a token whose issuer
    /// no jwtRule accepts gets 401, one whose audience the issuer's jwtRules do not accept gets 403.
    /// A validated token is removed from the request unless its jwtRule forwards it.
    private mutating func authenticate(_ proxy: EnvoyProxy, steps: inout [AccessStep]) -> Authentication {
        var rules: [(policy: RequestAuthenticationView, rule: RequestAuthenticationView.JWTRule)] = []
        for policy in proxy.requestAuthentications {
            if let issue = rejection(of: policy, issues: policy.validationIssues) {
                steps.append(AccessStep(
                    "RequestAuthentication \(policy.key) is rejected (\(issue.error)): it validates nothing",
                    at: issue.span, of: policy.resource, outcome: .skipped))
                continue
            }
            rules += policy.jwtRules.map { (policy, $0) }
        }
        guard let token else {
            if let first = rules.first {
                steps.append(AccessStep(
                    "no token: RequestAuthentication \(first.policy.key) accepts a request without one, which goes on as anonymous (no request principal)",
                    at: first.policy.resource.nameSpan, of: first.policy.resource, outcome: .info))
            } else {
                steps.append(AccessStep("no token, and no RequestAuthentication \(proxy.whereabouts) covers \(proxy.scope)", outcome: .info))
            }
            return .accepted(nil)
        }
        guard !rules.isEmpty else {
            steps.append(AccessStep(
                "no RequestAuthentication \(proxy.whereabouts) covers \(proxy.scope): the token is not validated, so request.auth.* attributes are absent",
                outcome: .info))
            return .accepted(nil)
        }
        // Envoy reads a token only where a jwtRule says: naming `fromHeaders`, `fromParams` or
        // `fromCookies` replaces the default `Authorization: Bearer`. A token nowhere read is absent.
        let location = request.tokenLocation
        let readers = rules.filter { $0.rule.reads(location) }
        guard !readers.isEmpty else {
            let first = rules[0]
            let places = Test.list(Array(Set(rules.flatMap { entry in entry.rule.tokenLocations.map { $0.description } })).sorted())
            steps.append(AccessStep(
                "the token is sent in \(location), where no jwtRule here reads it (they read \(places)): it is ignored, "
                    + "and the request goes on as anonymous (no request principal)",
                at: first.rule.node.span, of: first.policy.resource, outcome: .info))
            return .accepted(nil)
        }
        let issuer = token.issuer
        let candidates = readers.filter { $0.rule.issuer?.value == issuer }
        guard let firstCandidate = candidates.first else {
            let first = readers[0]
            let issuers = Test.list(readers.compactMap { $0.rule.issuer?.value })
            steps.append(AccessStep(
                "the token's issuer \(issuer ?? "<none>") is accepted by no jwtRule here (issuers \(issuers)): 401 (Jwt issuer is not configured)",
                at: first.rule.issuer?.span ?? first.rule.node.span, of: first.policy.resource, outcome: .unauthorized))
            return .rejected(.unauthorized)
        }
        guard let accepted = candidates.first(where: {
            Matching.audienceAccepted(tokenAudiences: token.audiences, allowed: $0.rule.audiences.map(\.value))
        }) else {
            let allowed = Test.list(candidates.flatMap { $0.rule.audiences.map(\.value) })
            let audiences = token.claims["aud"]?.description ?? "none"
            steps.append(AccessStep(
                "the token's audience \(audiences) is not among the audiences \(allowed) accepted for issuer \(issuer ?? ""): 403 (Audiences in Jwt are not allowed)",
                at: firstCandidate.rule.audiences.first?.span ?? firstCandidate.rule.node.span,
                of: firstCandidate.policy.resource, outcome: .forbidden))
            return .rejected(.forbidden)
        }
        let (claims, split) = Self.normalized(token, by: accepted.rule)
        var message = "RequestAuthentication \(accepted.policy.key) accepts the token (issuer \(issuer ?? "")"
        message += accepted.rule.audiences.isEmpty ? ", any audience)" : ", audience \(token.claims["aud"]?.description ?? ""))"
        message += ": request principal \(issuer ?? "")/\(token.subject ?? "")"
        if !split.isEmpty { message += "; claims split on spaces: \(split.joined(separator: ", "))" }
        steps.append(AccessStep(
            message, at: accepted.rule.issuer?.span ?? accepted.rule.node.span, of: accepted.policy.resource, outcome: .matched))
        if !accepted.rule.forwardsOriginalToken {
            self.token = nil
            if hasLaterEnvoy(after: proxy.place) {
                steps.append(AccessStep(
                    "the jwtRule does not set forwardOriginalToken: Envoy removes the validated token, so the next proxy sees none",
                    at: accepted.rule.node.span, of: accepted.policy.resource, outcome: .info))
            }
        }
        return .accepted(claims)
    }

    /// The claims as Envoy stores them after validation: the top-level string claims the jwtRule
    /// splits (`scope`, `permission`, `spaceDelimitedClaims`) become lists of their space-separated words.
    static func normalized(_ token: JWTClaims, by rule: RequestAuthenticationView.JWTRule) -> (JWTClaims, [String]) {
        var claims = token
        var split: [String] = []
        for (name, value) in token.claims.sorted(by: { $0.key < $1.key }) where rule.splits(claim: name) {
            guard case .string(let text) = value else { continue }
            claims[name] = .list(text.split(separator: " ").map { .string(String($0)) })
            split.append(name)
        }
        return (claims, split)
    }
}

import YAMLModel

/// Where a policy is evaluated: the waypoint's Envoy sees every attribute, ztunnel only L4.
enum EnforcementPoint { case waypoint, ztunnel }

extension Evaluation {
    // MARK: The waypoint

    /// The waypoint's verdict on a request for `service` (nil: pod-IP traffic): RequestAuthentication,
    /// then CUSTOM, DENY and ALLOW policies enforced there for that traffic.
    mutating func waypointHop(_ waypoint: Waypoint, service: ObjectKey?, facts: RequestFacts) -> AccessHop {
        var steps: [AccessStep] = []
        var facts = facts
        let gateway = waypoint.gateway.resource
        steps.append(AccessStep(
            "the request reaches waypoint \(waypoint.key) with the caller's identity (\(facts.peerDescription)), port \(facts.port)",
            at: gateway.nameSpan, of: gateway, outcome: .info))
        let asSent = String(request.path.prefix { $0 != "?" && $0 != "#" })
        if facts.path != asSent {
            steps.append(AccessStep(
                "the waypoint normalizes the path (Istio's default BASE normalization): \(asSent) is matched as \(facts.path)", outcome: .info))
        }
        switch authenticate(at: waypoint, service: service, steps: &steps) {
        case .rejected(let decision):
            return AccessHop(place: .waypoint(waypoint.key), steps: steps, decision: decision)
        case .accepted(let claims):
            facts.token = claims
        }
        var seen = Set<ResourceOrigin>()
        let policies = index.authorizationPolicies(at: waypoint)
            .filter { $0.covers(service) && seen.insert($0.policy.resource.origin).inserted }
            .map(\.policy)
        let decision = decide(policies: policies, at: .waypoint, steps: &steps) { rule, policy in
            WaypointRuleMatcher(facts: facts, policyNamespace: policy.namespace ?? "default").verdict(for: rule)
        }
        if decision.isAllowed {
            steps.append(AccessStep("the waypoint forwards the request to the destination's pods", outcome: .allowed))
        } else {
            steps.append(AccessStep("the waypoint answers 403 (RBAC: access denied)", outcome: .denied))
        }
        return AccessHop(place: .waypoint(waypoint.key), steps: steps, decision: decision)
    }

    enum Authentication {
        /// The request is turned away (401 or 403).
        case rejected(AccessDecision)
        /// The request goes on, with the claims of a validated token, or none.
        case accepted(JWTClaims?)
    }

    /// RequestAuthentication at a waypoint: a missing token passes as anonymous, a token whose issuer
    /// no jwtRule accepts gets 401, one whose audience the issuer's jwtRules do not accept gets 403.
    private mutating func authenticate(at waypoint: Waypoint, service: ObjectKey?, steps: inout [AccessStep]) -> Authentication {
        var seen = Set<ResourceOrigin>()
        let placements = index.requestAuthentications(at: waypoint)
            .filter { $0.covers(service) && seen.insert($0.policy.resource.origin).inserted }
        var rules: [(policy: RequestAuthenticationView, rule: RequestAuthenticationView.JWTRule)] = []
        for placement in placements {
            let policy = placement.policy
            if let issue = rejection(of: policy, issues: policy.validationIssues) {
                steps.append(AccessStep(
                    "RequestAuthentication \(policy.key) is rejected (\(issue.error)): it validates nothing",
                    at: issue.span, of: policy.resource, outcome: .skipped))
                continue
            }
            rules += policy.jwtRules.map { (policy, $0) }
        }
        let scope = service.map { "Service \($0)" } ?? "pod-IP traffic"
        guard let token = request.token else {
            if let first = rules.first {
                steps.append(AccessStep(
                    "no token: RequestAuthentication \(first.policy.key) accepts a request without one, which goes on as anonymous (no request principal)",
                    at: first.policy.resource.nameSpan, of: first.policy.resource, outcome: .info))
            } else {
                steps.append(AccessStep("no token, and no RequestAuthentication at this waypoint covers \(scope)", outcome: .info))
            }
            return .accepted(nil)
        }
        guard !rules.isEmpty else {
            steps.append(AccessStep(
                "no RequestAuthentication at this waypoint covers \(scope): the token is not validated, so request.auth.* attributes are absent",
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

    // MARK: The destination's ztunnel

    /// ztunnel's verdict for one destination workload (nil: the Service's workloads are not in the
    /// input): enrollment, PeerAuthentication for plaintext, then the L4 translation of its policies.
    mutating func ztunnelHop(
        workload: WorkloadView?, namespace: String, port: Int, source: MeshIdentity?, waypoint: Waypoint?, host: String?
    ) {
        var steps: [AccessStep] = []
        let place = AccessHop.Place.ztunnel(workload: workload?.key, namespace: namespace)
        if let early = enrollment(workload: workload, namespace: namespace, steps: &steps) {
            hops.append(AccessHop(place: place, steps: steps, decision: early))
            return
        }
        if let waypoint {
            let gateway = waypoint.gateway.resource
            steps.append(AccessStep(
                "source identity: the waypoint's, \(principal(index.identity(of: waypoint))): the request comes through waypoint \(waypoint.key)",
                at: gateway.nameSpan, of: gateway, outcome: .info))
        } else if let source {
            steps.append(AccessStep("source identity: the caller's, \(principal(source))", outcome: .info))
        } else {
            steps.append(AccessStep("no source identity: a plaintext connection", outcome: .info))
        }
        if source == nil {
            if peerAuthenticationRefuses(workload: workload, namespace: namespace, port: port, steps: &steps) {
                steps.append(AccessStep("ztunnel refuses the plaintext connection (reset)", outcome: .refused))
                hops.append(AccessHop(place: place, steps: steps, decision: .refused))
                return
            }
        } else {
            steps.append(AccessStep("the connection is mTLS (HBONE): accepted under any PeerAuthentication mode", outcome: .info))
        }
        if waypoint == nil, request.token != nil {
            steps.append(AccessStep("ztunnel sees no HTTP: the token is neither validated nor read here", outcome: .info))
        }
        let policies: [AuthorizationPolicyView]
        // A `selector: {}` carried over from sidecar days attaches to no ambient workload.
        for ignored in index.emptySelectorPolicies(affecting: namespace) {
            steps.append(AccessStep(
                "\(ignored.action == .deny ? "DENY" : ignored.action == .audit ? "AUDIT" : "ALLOW") \(ignored.namespace ?? "default")/\(ignored.name) "
                    + "has `selector: {}`: ztunnel ignores it (an empty selector attaches to no ambient workload; a sidecar would apply it to every pod)",
                at: ignored.selectorSpan ?? ignored.resource.nameSpan, of: ignored.resource, outcome: .info))
        }
        if let workload {
            policies = index.ztunnelPolicies(for: workload)
        } else {
            let root = index.rootNamespace
            policies = (index.authorizationPolicies(in: namespace) + (namespace == root ? [] : index.authorizationPolicies(in: root)))
                .filter { [.namespace, .mesh].contains(index.attachment(of: $0).scope) }
        }
        let facts = facts(peer: source, isCaller: waypoint == nil, port: port, host: host, token: nil)
        let decision = decide(policies: policies, at: .ztunnel, steps: &steps) { rule, policy in
            ZtunnelRuleMatcher(facts: facts, policyNamespace: policy.namespace ?? "default").verdict(for: rule, action: policy.action ?? .allow)
        }
        if decision.isAllowed {
            steps.append(AccessStep("ztunnel delivers the connection on port \(port)", outcome: .allowed))
        } else {
            steps.append(AccessStep("ztunnel denies the connection (reset)", outcome: .denied))
        }
        hops.append(AccessHop(place: place, steps: steps, decision: decision))
    }

    /// Whether ztunnel captures the destination's pods; a decision when it does not (nothing of the
    /// mesh applies), nil when evaluation goes on.
    private mutating func enrollment(workload: WorkloadView?, namespace: String, steps: inout [AccessStep]) -> AccessDecision? {
        let mode: DataplaneMode
        let subject: String
        var resource: Resource? = workload?.resource
        if let workload {
            mode = index.enrollment(of: workload).mode
            subject = "the pods of \(workload.resource.kind) \(workload.key)"
        } else {
            let facts = index.namespace(namespace)
            mode = facts.dataplaneMode
            subject = "the pods of namespace \(namespace)"
            resource = facts.object?.resource
        }
        let span = resource?.nameSpan ?? .fileStart
        switch mode {
        case .ambient:
            steps.append(step("\(subject) are in ambient: ztunnel enforces mTLS and L4 policy", at: span, in: resource, outcome: .info))
            return nil
        case .unknown:
            steps.append(step(
                "the labels of namespace \(namespace) are not in the input: \(subject) are assumed to be in ambient",
                at: span, in: resource, outcome: .assumption))
            uncertainties.append("whether namespace \(namespace) is in ambient is not in the input")
            return nil
        case .none:
            steps.append(step(
                "\(subject) are not in the mesh: no ztunnel captures them, so no PeerAuthentication or AuthorizationPolicy applies",
                at: span, in: resource, outcome: .info))
            steps.append(AccessStep("the connection reaches the pods unchecked", outcome: .allowed))
            return .allow
        case .sidecar:
            steps.append(step(
                "\(subject) run a sidecar, which enforces policy itself; MeshLint evaluates ambient enforcement only",
                at: span, in: resource, outcome: .uncertain))
            uncertainties.append("\(subject) run a sidecar, whose enforcement is not evaluated")
            steps.append(AccessStep("assumed to reach the pods", outcome: .allowed))
            return .allow
        }
    }

    /// PeerAuthentication for a plaintext connection: true when ztunnel refuses it on `port`.
    private mutating func peerAuthenticationRefuses(
        workload: WorkloadView?, namespace: String, port: Int, steps: inout [AccessStep]
    ) -> Bool {
        func evidence(_ policy: PeerAuthenticationView) -> Span { policy.mtlsMode?.span ?? policy.resource.nameSpan }
        guard let workload else {
            let mtls = index.mtls(in: namespace)
            if mtls.isStrict {
                if let policy = mtls.decidingPolicy {
                    steps.append(AccessStep(
                        "PeerAuthentication \(policy.key) sets STRICT mTLS for namespace \(namespace): plaintext is refused",
                        at: evidence(policy), of: policy.resource, outcome: .matched))
                } else {
                    steps.append(AccessStep("STRICT mTLS: plaintext is refused", outcome: .matched))
                }
                return true
            }
            describePermissive(mode: mtls.mode, policy: mtls.decidingPolicy, steps: &steps)
            return false
        }
        let mtls = index.mtls(of: workload)
        if mtls.isStrict {
            if let policy = mtls.policy, let open = mtls.plaintextPorts.first(where: { $0.port == port }) {
                steps.append(AccessStep(
                    "PeerAuthentication \(policy.key) sets port \(port) to \(open.mode?.rawValue ?? "PERMISSIVE"): plaintext is accepted on it",
                    at: open.entrySpan, of: policy.resource, outcome: .info))
                return false
            }
            let deciding = mtls.isSetByPolicy ? mtls.policy : mtls.namespace.decidingPolicy
            if let deciding {
                steps.append(AccessStep(
                    "PeerAuthentication \(deciding.key) sets STRICT mTLS for these pods: plaintext is refused",
                    at: evidence(deciding), of: deciding.resource, outcome: .matched))
            } else {
                steps.append(AccessStep("STRICT mTLS: plaintext is refused", outcome: .matched))
            }
            return true
        }
        if let policy = mtls.policy, let strict = policy.portLevelMTLS.first(where: { $0.port == port && $0.mode == .strict }) {
            steps.append(AccessStep(
                "PeerAuthentication \(policy.key) sets port \(port) to STRICT: plaintext is refused on it",
                at: strict.entrySpan, of: policy.resource, outcome: .matched))
            return true
        }
        describePermissive(mode: mtls.mode, policy: mtls.isSetByPolicy ? mtls.policy : mtls.namespace.decidingPolicy, steps: &steps)
        return false
    }

    private func describePermissive(mode: MTLSMode, policy: PeerAuthenticationView?, steps: inout [AccessStep]) {
        let what = mode == .disable ? "DISABLE, which ztunnel treats as PERMISSIVE" : mode.rawValue
        if let policy {
            steps.append(AccessStep(
                "PeerAuthentication \(policy.key): \(what): plaintext is accepted",
                at: policy.mtlsMode?.span ?? policy.resource.nameSpan, of: policy.resource, outcome: .info))
        } else {
            steps.append(AccessStep("no PeerAuthentication sets a mode: ambient's default PERMISSIVE accepts plaintext", outcome: .info))
        }
    }

    // MARK: Authorization

    /// CUSTOM (waypoints only), then DENY, then ALLOW: the order every Istio proxy applies.
    mutating func decide(
        policies: [AuthorizationPolicyView], at point: EnforcementPoint, steps: inout [AccessStep],
        verdict: (AuthorizationRule, AuthorizationPolicyView) -> Verdict
    ) -> AccessDecision {
        var custom: [AuthorizationPolicyView] = [], deny: [AuthorizationPolicyView] = [], allow: [AuthorizationPolicyView] = []
        for policy in policies {
            let name = "\(policy.action?.rawValue ?? "AuthorizationPolicy") \(policy.key)"
            if let issue = rejection(of: policy, issues: policy.validationIssues) {
                steps.append(AccessStep(
                    "\(name) is rejected (\(issue.error)): never enforced", at: issue.span, of: policy.resource, outcome: .skipped))
                continue
            }
            if policy.isDryRun {
                let span = policy.annotations[WellKnown.dryRunAnnotation]?.entrySpan ?? policy.resource.nameSpan
                steps.append(AccessStep("\(name) is a dry run: logged, not enforced", at: span, of: policy.resource, outcome: .skipped))
                continue
            }
            switch policy.action {
            case .allow?: allow.append(policy)
            case .deny?: deny.append(policy)
            case .custom? where point == .waypoint: custom.append(policy)
            case .custom?:
                steps.append(AccessStep(
                    "\(name): ztunnel does not implement CUSTOM, so it is not enforced here",
                    at: policy.actionSpan, of: policy.resource, outcome: .skipped))
            case .audit?:
                steps.append(AccessStep("\(name): AUDIT only logs", at: policy.actionSpan, of: policy.resource, outcome: .skipped))
            case nil:
                continue
            }
        }
        for policy in custom {
            let verdicts = policy.rules.map { verdict($0, policy) }
            let provider = policy.spec?["provider", "name"]?.string ?? "?"
            if let hit = verdicts.first(where: \.matched) {
                note(hit, of: policy, steps: &steps)
                steps.append(AccessStep(
                    "CUSTOM \(policy.key): \(hit.reason): the external authorizer \(provider) decides; assumed to allow",
                    at: hit.span, of: policy.resource, outcome: .uncertain))
                uncertainties.append("CUSTOM \(policy.key) sends the request to the external authorizer \(provider)")
            } else {
                record(verdicts, of: policy, steps: &steps, suffix: "the external authorizer is not asked")
            }
        }
        for policy in deny {
            let verdicts = policy.rules.map { verdict($0, policy) }
            if let hit = verdicts.first(where: \.matched) {
                note(hit, of: policy, steps: &steps)
                steps.append(AccessStep("DENY \(policy.key): \(hit.reason): denied", at: hit.span, of: policy.resource, outcome: .matched))
                return .deny
            }
            record(verdicts, of: policy, steps: &steps, suffix: nil)
        }
        guard !allow.isEmpty else {
            steps.append(AccessStep("no ALLOW policy applies here: allowed", outcome: .info))
            return .allow
        }
        for policy in allow {
            if policy.hasNoRules {
                steps.append(AccessStep(
                    "ALLOW \(policy.key) has no rules: it allows nothing", at: policy.resource.nameSpan, of: policy.resource, outcome: .notMatched))
                continue
            }
            let verdicts = policy.rules.map { verdict($0, policy) }
            if let hit = verdicts.first(where: \.matched) {
                note(hit, of: policy, steps: &steps)
                steps.append(AccessStep("ALLOW \(policy.key): \(hit.reason): allowed", at: hit.span, of: policy.resource, outcome: .matched))
                return .allow
            }
            record(verdicts, of: policy, steps: &steps, suffix: nil)
        }
        steps.append(AccessStep("no ALLOW policy matches: denied", outcome: .info))
        return .deny
    }

    /// One step per rule of a policy that did not match, at the attribute that failed.
    private mutating func record(_ verdicts: [Verdict], of policy: AuthorizationPolicyView, steps: inout [AccessStep], suffix: String?) {
        let name = "\(policy.action?.rawValue ?? "") \(policy.key)"
        for verdict in verdicts {
            note(verdict, of: policy, steps: &steps)
            steps.append(AccessStep(
                "\(name): \(verdict.reason)" + (suffix.map { ": \($0)" } ?? ""),
                at: verdict.span, of: policy.resource, outcome: .notMatched))
        }
    }

    /// The assumptions a rule's outcome rests on, as steps and as reasons the decision is uncertain.
    private mutating func note(_ verdict: Verdict, of policy: AuthorizationPolicyView, steps: inout [AccessStep]) {
        for assumption in verdict.assumptions {
            steps.append(AccessStep(assumption, at: verdict.span, of: policy.resource, outcome: .assumption))
            uncertainties.append("\(policy.key): \(assumption)")
        }
    }

    /// Why the API server or istiod refuses the policy (its fields, or its target references), when
    /// it does: a refused policy is never stored, so nothing enforces it.
    func rejection(of policy: some WorkloadPolicyView, issues: [PolicyValidationIssue]) -> (error: String, span: Span)? {
        for issue in issues {
            if case .rejected = issue.effect { return (issue.error, issue.span) }
        }
        for problem in index.targetProblems(of: policy) {
            if case .policyRejected = problem.effect { return (problem.error, problem.span) }
        }
        return nil
    }
}

import YAMLModel

/// What an enforcement point knows about one request when it evaluates a rule.
struct RequestFacts {
    /// The peer identity of the connection (mTLS); nil for a plaintext connection.
    var peer: MeshIdentity?
    /// Where questions about `peer` are recorded when the peer is the caller (and someone listens).
    var callerLog: CallerQuestionLog?
    var trustDomain: String
    /// The destination port the enforcement point sees: the Service's port at a waypoint serving a
    /// Service, the pod's port at ztunnel.
    var port: Int
    var method: String
    var path: String
    var host: String?
    /// Header names lower-cased.
    var headers: [String: String]
    /// The claims of a token a jwtRule here accepted (space-delimited claims already split); nil
    /// when no token was validated, so `request.auth.*` attributes are absent.
    var token: JWTClaims?

    /// Answers a question about the peer's identity, recording it when the peer is the caller.
    func ask(_ question: CallerQuestion) -> Bool {
        let answer = question.answer(for: peer, trustDomain: trustDomain)
        callerLog?.record(question, answer)
        return answer
    }

    var peerDescription: String {
        peer.map { "\(Matching.principal(of: $0, trustDomain: trustDomain))" } ?? "no peer identity (plaintext)"
    }

    var requestPrincipalDescription: String {
        guard let token else { return "no request principal (no validated token)" }
        return "request principal \(token.issuer ?? "<no iss>")/\(token.subject ?? "<no sub>")"
    }
}

/// The outcome of one test (a field, a clause, a rule), why, where, and what had to be assumed.
struct Verdict: Sendable {
    var matched: Bool
    var reason: String
    var span: Span
    /// Assumptions the outcome rests on (an unknown source IP, an attribute no manifest settles).
    var assumptions: [String] = []

    /// All of `parts` must match: the first certain failure decides; assumptions only count when no
    /// certain failure overrides them.
    static func all(_ parts: [Verdict], span: Span) -> Verdict {
        let failures = parts.filter { !$0.matched }
        if let certain = failures.first(where: { $0.assumptions.isEmpty }) {
            return Verdict(matched: false, reason: certain.reason, span: certain.span)
        }
        if let first = failures.first {
            return Verdict(matched: false, reason: first.reason, span: first.span, assumptions: failures.flatMap(\.assumptions))
        }
        return Verdict(matched: true, reason: "", span: span, assumptions: parts.flatMap(\.assumptions))
    }

    /// One of `parts` must match: a certain match decides.
    static func any(_ parts: [Verdict], span: Span, label: String) -> Verdict {
        let matches = parts.filter(\.matched)
        if let certain = matches.first(where: { $0.assumptions.isEmpty }) { return certain }
        if let first = matches.first { return first }
        let reason = parts.count == 1 ? parts[0].reason : "no \(label) matches (" + parts.map(\.reason).joined(separator: "; ") + ")"
        return Verdict(matched: false, reason: reason, span: parts.first?.span ?? span, assumptions: parts.flatMap(\.assumptions))
    }
}

// MARK: - At an Envoy (a waypoint, sidecar or gateway: Envoy's RBAC filter)

/// Evaluates AuthorizationPolicy rules as an Envoy's RBAC filter does: with every attribute on the
/// HTTP filter chain; on the TCP chain without the HTTP-only ones, which istiod drops (istio/istio
/// `pilot/pkg/security/authz/model/model.go` `rule.checkError`, `builder/builder.go` `build`).
struct EnvoyRuleMatcher {
    let facts: RequestFacts
    let policyNamespace: String
    var chain: FilterChain = .http
    var action: AuthorizationPolicyView.Action = .allow

    func verdict(for rule: AuthorizationRule) -> Verdict {
        let dropped = chain == .tcp ? rule.httpOnlyAttributes : []
        let droppedNames = Test.list(dropped.map(\.value))
        if !dropped.isEmpty, action == .allow {
            return Verdict(
                matched: false,
                reason: "rule \(rule.index) uses HTTP-only \(droppedNames): on the TCP filter chain istiod leaves this ALLOW rule out, so it never matches",
                span: dropped[0].span)
        }
        var clauses: [Verdict] = []
        let sources = rule.sources
        if !sources.isEmpty {
            clauses.append(Verdict.any(sources.enumerated().map { entry($1, label: "from[\($0)].source") }, span: rule.span, label: "source"))
        }
        let operations = rule.operations
        if !operations.isEmpty {
            clauses.append(Verdict.any(operations.enumerated().map { entry($1, label: "to[\($0)].operation") }, span: rule.span, label: "operation"))
        }
        clauses += rule.conditions
            .filter { chain == .http || !AuthorizationAttributes.isHTTPOnly(conditionKey: $0.key?.value ?? "") }
            .map(condition)
        var result = Verdict.all(clauses, span: rule.span)
        if result.matched, !dropped.isEmpty {
            result.reason = "rule \(rule.index) matches on the TCP filter chain, which drops its HTTP-only \(droppedNames): "
                + "the \(action.rawValue) is broader than written"
        } else {
            result.reason = result.matched
                ? "rule \(rule.index) matches" + (rule.matchesEverything ? " (it has no from, to or when: every request)" : "")
                : "rule \(rule.index) does not match: \(result.reason)"
        }
        return result
    }

    private func entry(_ entry: RuleEntry, label: String) -> Verdict {
        let kept = entry.fields.filter { chain == .http || !AuthorizationAttributes.isHTTPOnly(field: $0.name, in: entry.kind) }
        let checks = kept.compactMap { field($0, in: label) }
        return Verdict.all(checks, span: entry.node.span)
    }

    /// One field of a source or operation; nil for a field that does not constrain (no values, or a
    /// name the API does not know).
    private func field(_ field: RuleEntry.Field, in label: String) -> Verdict? {
        let values = field.values.map(\.value)
        guard !values.isEmpty else { return nil }
        let base = field.isNegative ? String(field.name.dropFirst(3)).lowercasingFirst : field.name
        let test: Test
        switch base {
        case "principals": test = principalTest
        case "namespaces": test = namespaceTest
        case "serviceAccounts": test = serviceAccountTest
        case "ipBlocks": test = .unknown("the source IP is not in the manifests")
        case "remoteIpBlocks": test = .unknown("the remote (client) IP is not in the manifests")
        case "requestPrincipals": test = requestPrincipalTest
        case "hosts": test = Test(subject: "host \(facts.host ?? "<none>")") { Matching.host($0, facts.host) }
        case "ports":
            test = Test(subject: "port \(facts.port)") { Matching.port($0) == facts.port }
        case "methods": test = Test(subject: "method \(facts.method)") { Matching.header($0, facts.method) }
        case "paths": test = Test(subject: "path \(Matching.withoutQuery(facts.path))") { Matching.path($0, facts.path) }
        default: return nil
        }
        return test.verdict(name: "\(label).\(field.name)", values: values, notValues: [], negative: field.isNegative, span: field.keySpan)
    }

    private func condition(_ condition: Condition) -> Verdict {
        let key = condition.key?.value ?? ""
        let span = condition.key?.span ?? condition.node.span
        let test: Test
        switch key {
        case "source.principal": test = principalTest
        case "source.namespace": test = namespaceTest
        case "source.serviceAccount": test = serviceAccountTest
        case "source.ip", "remote.ip", "destination.ip": test = .unknown("\(key) is not in the manifests")
        case "destination.port": test = Test(subject: "port \(facts.port)") { Matching.port($0) == facts.port }
        case "connection.sni":
            let sni = facts.host.map(Self.withoutPort)
            test = Test(subject: "SNI \(sni ?? "<none>")") { pattern in sni.map { Matching.string(pattern, $0) } ?? false }
        case "request.auth.principal": test = requestPrincipalTest
        case "request.auth.audiences": test = claimTest(["aud"], name: "aud")
        case "request.auth.presenter": test = claimTest(["azp"], name: "azp")
        default:
            if let path = condition.claimPath {
                test = claimTest(path, name: path.joined(separator: "."))
            } else if let header = Self.headerName(key) {
                let value = facts.headers[header.lowercased()]
                test = Test(subject: value.map { "header \(header): \($0)" } ?? "no \(header) header") { Matching.header($0, value) }
            } else {
                test = .unknown("\(key) cannot be evaluated from the manifests")
            }
        }
        return test.verdict(
            name: "when \(key)", values: condition.values.map(\.value), notValues: condition.notValues.map(\.value),
            negative: false, span: span)
    }

    // MARK: Tests

    private var principalTest: Test {
        Test(subject: facts.peerDescription) { pattern in facts.ask(.waypointPrincipal(pattern)) }
    }

    private var namespaceTest: Test {
        Test(subject: facts.peer.map { "namespace \($0.namespace)" } ?? "no peer identity (plaintext)") { pattern in
            facts.ask(.namespaceGlob(pattern))
        }
    }

    private var serviceAccountTest: Test {
        Test(subject: facts.peer.map { "service account \($0.namespace)/\($0.serviceAccount)" } ?? "no peer identity (plaintext)") { value in
            facts.ask(.serviceAccount(value, policyNamespace: policyNamespace))
        }
    }

    private var requestPrincipalTest: Test {
        Test(subject: facts.requestPrincipalDescription) { pattern in
            guard let token = facts.token else { return false }
            return Matching.requestPrincipal(pattern, issuer: token.issuer, subject: token.subject)
        }
    }

    private func claimTest(_ path: [String], name: String) -> Test {
        guard let token = facts.token else {
            return Test(subject: "no claim \(name) (no validated token)") { _ in false }
        }
        guard let value = token.value(at: path) else {
            return Test(subject: "no claim \(name) in the token") { _ in false }
        }
        let strings = value.matchableStrings
        return Test(subject: "claim \(name) = \(value)") { pattern in strings.contains { Matching.string(pattern, $0) } }
    }

    /// `request.headers[name]` (or the experimental inline form): the name.
    static func headerName(_ key: String) -> String? {
        for prefix in ["request.headers[", "request.experimental.inline.headers["] where key.hasPrefix(prefix) && key.hasSuffix("]") {
            let name = key.dropFirst(prefix.count).dropLast()
            return name.isEmpty ? nil : String(name)
        }
        return nil
    }

    static func withoutPort(_ host: String) -> String {
        guard let colon = host.lastIndex(of: ":"), !host.hasSuffix("]"), host[host.index(after: colon)...].allSatisfy(\.isNumber)
        else { return host }
        return String(host[..<colon])
    }
}

/// How one attribute is tested against a field's values.
struct Test {
    /// The request's attribute, for messages.
    let subject: String
    /// Whether a pattern matches the attribute; nil when the attribute is unknown.
    let hit: ((String) -> Bool)?
    let unknownReason: String?

    init(subject: String, hit: @escaping (String) -> Bool) {
        self.subject = subject
        self.hit = hit
        unknownReason = nil
    }

    private init(unknown reason: String) {
        subject = reason
        hit = nil
        unknownReason = reason
    }

    static func unknown(_ reason: String) -> Test { Test(unknown: reason) }

    /// A field's verdict: positive values need a match, negative (`not...` fields, `notValues`) need none.
    /// An unknown attribute matches no value: a positive test fails and a negative one passes, both assumed.
    func verdict(name: String, values: [String], notValues: [String], negative: Bool, span: Span) -> Verdict {
        let positives = negative ? [] : values
        let negatives = negative ? values : notValues
        guard let hit else {
            var parts: [String] = []
            if !positives.isEmpty { parts.append("assumed to match none of \(Self.list(positives))") }
            if !negatives.isEmpty { parts.append("assumed to match none of the excluded \(Self.list(negatives))") }
            let assumption = "\(name): \(unknownReason ?? subject); " + parts.joined(separator: ", ")
            return Verdict(matched: positives.isEmpty, reason: assumption, span: span, assumptions: [assumption])
        }
        if !positives.isEmpty, !positives.contains(where: hit) {
            return Verdict(matched: false, reason: "\(name) \(Self.list(positives)) does not match \(subject)", span: span)
        }
        if let excluded = negatives.first(where: hit) {
            return Verdict(matched: false, reason: "\(name) excludes \(excluded), which matches \(subject)", span: span)
        }
        return Verdict(matched: true, reason: "\(name) matches \(subject)", span: span)
    }

    static func list(_ values: [String]) -> String { "[" + values.joined(separator: ", ") + "]" }
}

extension String {
    fileprivate var lowercasingFirst: String { prefix(1).lowercased() + dropFirst() }
}

// MARK: - At ztunnel (L4 only)

/// Evaluates AuthorizationPolicy rules as ztunnel does: on the L4 translation istiod sends it
/// (`pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go`).
///
/// Each `to`, `from` and `when` becomes a clause of matches holding only L4 fields; a match left empty
/// never matches (ztunnel skips it), a clause without matches (none written) always does. An ALLOW
/// rule with any L7 attribute is left out altogether.
struct ZtunnelRuleMatcher {
    let facts: RequestFacts
    let policyNamespace: String

    func verdict(for rule: AuthorizationRule, action: AuthorizationPolicyView.Action) -> Verdict {
        let outcome = rule.ztunnelOutcome(for: action)
        let l7 = rule.l7Attributes
        let l7Names = Test.list(l7.map(\.value))
        if outcome == .dropped {
            return Verdict(
                matched: false,
                reason: "rule \(rule.index) holds L7 attributes \(l7Names): istiod leaves it out of ztunnel's policy, so it never matches (an ALLOW fails closed)",
                span: l7.first?.span ?? rule.span)
        }
        var clauses: [Verdict] = []
        let operations = rule.operations
        if !operations.isEmpty {
            clauses.append(Verdict.any(operations.enumerated().map { operation($1, label: "to[\($0)].operation") }, span: rule.span, label: "operation"))
        }
        let sources = rule.sources
        if !sources.isEmpty {
            clauses.append(Verdict.any(sources.enumerated().map { source($1, label: "from[\($0)].source") }, span: rule.span, label: "source"))
        }
        clauses += rule.conditions.map(condition)
        var result = Verdict.all(clauses, span: rule.span)
        if result.matched {
            switch outcome {
            case .broadened, .partlyIgnored:
                result.reason = "rule \(rule.index) matches on its L4 part only: ztunnel ignores \(l7Names), so the DENY is broader than written"
            default:
                result.reason = "rule \(rule.index) matches" + (rule.matchesEverything ? " (it has no from, to or when: every connection)" : "")
            }
        } else {
            let suffix = outcome == .neverMatches ? " (ztunnel cannot evaluate \(l7Names): this DENY rule never matches, it fails open)" : ""
            result.reason = "rule \(rule.index) does not match: \(result.reason)\(suffix)"
        }
        return result
    }

    private func operation(_ entry: RuleEntry, label: String) -> Verdict {
        var checks: [Verdict] = []
        for field in entry.fields where field.layer == .l4 {
            let ports = field.values.map(\.value).filter { Matching.port($0) != nil }
            guard !ports.isEmpty else { continue }
            let test = Test(subject: "port \(facts.port)") { Matching.port($0) == facts.port }
            checks.append(test.verdict(name: "\(label).\(field.name)", values: ports, notValues: [], negative: field.isNegative, span: field.keySpan))
        }
        return checks.isEmpty ? emptyMatch(entry, label: label) : Verdict.all(checks, span: entry.node.span)
    }

    private func source(_ entry: RuleEntry, label: String) -> Verdict {
        var checks: [Verdict] = []
        for field in entry.fields where field.layer == .l4 {
            let values = field.values.map(\.value).filter { !$0.isEmpty }
            guard !values.isEmpty else { continue }
            let base = field.isNegative ? String(field.name.dropFirst(3)).lowercasingFirst : field.name
            let test: Test
            switch base {
            case "principals": test = principalTest
            case "namespaces": test = namespaceTest
            case "serviceAccounts": test = serviceAccountTest
            case "ipBlocks": test = .unknown("the source IP is not in the manifests")
            default: continue
            }
            checks.append(test.verdict(name: "\(label).\(field.name)", values: values, notValues: [], negative: field.isNegative, span: field.keySpan))
        }
        return checks.isEmpty ? emptyMatch(entry, label: label) : Verdict.all(checks, span: entry.node.span)
    }

    private func condition(_ condition: Condition) -> Verdict {
        let key = condition.key?.value ?? ""
        let span = condition.key?.span ?? condition.node.span
        let test: Test
        var values = condition.values.map(\.value)
        var notValues = condition.notValues.map(\.value)
        switch key {
        case "source.principal": test = principalTest
        case "source.namespace": test = namespaceTest
        case "source.ip", "destination.ip": test = .unknown("\(key) is not in the manifests")
        case "destination.port":
            values = values.filter { Matching.port($0) != nil }
            notValues = notValues.filter { Matching.port($0) != nil }
            test = Test(subject: "port \(facts.port)") { Matching.port($0) == facts.port }
        default:
            return Verdict(
                matched: false,
                reason: "when \(key) is L7: ztunnel keeps an empty match for it, which never matches", span: span)
        }
        guard !values.isEmpty || !notValues.isEmpty else {
            return Verdict(matched: false, reason: "when \(key) has no values ztunnel can use: an empty match never matches", span: span)
        }
        return test.verdict(name: "when \(key)", values: values, notValues: notValues, negative: false, span: span)
    }

    private func emptyMatch(_ entry: RuleEntry, label: String) -> Verdict {
        let dropped = entry.fields.filter { $0.layer == .l7 }.map(\.name)
        let what = dropped.isEmpty ? "nothing" : "only L7 fields \(Test.list(dropped))"
        return Verdict(
            matched: false, reason: "\(label) holds \(what): ztunnel keeps an empty match for it, which never matches",
            span: entry.fields.first?.keySpan ?? entry.node.span)
    }

    private var principalTest: Test {
        Test(subject: facts.peerDescription) { pattern in facts.ask(.ztunnelPrincipal(pattern)) }
    }

    /// ztunnel compares namespaces with presence, prefix, suffix or exact matches.
    private var namespaceTest: Test {
        Test(subject: facts.peer.map { "namespace \($0.namespace)" } ?? "no peer identity (plaintext)") { pattern in
            facts.ask(.namespaceString(pattern))
        }
    }

    private var serviceAccountTest: Test {
        Test(subject: facts.peer.map { "service account \($0.namespace)/\($0.serviceAccount)" } ?? "no peer identity (plaintext)") { value in
            facts.ask(.serviceAccount(value, policyNamespace: policyNamespace))
        }
    }
}

import Access
import YAMLModel

/// A written access expectation ("accounts may POST a debit; no token gets 403") that the
/// manifests do not meet.
struct AccessExpectationFailedRule: BuiltInRule {
    static let kind = GroupKind(group: "meshlint.io", kind: "AccessExpectations")

    static let description = RuleDescription(
        id: "access-expectation-failed",
        name: "Access expectation failed",
        summary: "A case of an AccessExpectations file gets another decision from the policies than the one it expects.",
        rationale: """
            Lint rules say what looks wrong; expectations say what the policies must do. An \
            `AccessExpectations` file (apiVersion meshlint.io/v1alpha1) lists calls with the decision \
            each must get: `allow`, `deny`, `401`, `403` or `refused`. MeshLint evaluates every case as \
            the ambient mesh would (the path through the Service's waypoint or straight to the pods, \
            the RequestAuthentication and AuthorizationPolicies at the waypoint, then mTLS and the \
            ztunnel policies at the destination, with the waypoint's identity) and reports each case \
            whose decision differs, with the trace of every policy considered. The validation step a \
            team runs by hand against a live cluster becomes a check on every pull request.
            """,
        remediation: "Change the policies so that the case gets the expected decision, or correct the expectation; the trace names each policy and rule considered.",
        severity: .error,
        area: .authorization,
        tags: ["security", "authorization", "expectations"],
        securitySeverity: 7.5,
        precision: .high,
        references: [
            "https://istio.io/latest/docs/ambient/usage/l7-features/",
            "https://istio.io/latest/docs/reference/config/security/authorization-policy/",
        ],
        inputs: [kind, .service, .deployment, .authorizationPolicy, .requestAuthentication, .peerAuthentication],
        triggeringExamples: [
            // The expectation says DELETE is denied, but the namespace has no policy at all.
            Example(ExampleFixtures.ambientPayments + ExampleFixtures.ledgerDeployment + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---
                apiVersion: meshlint.io/v1alpha1
                kind: AccessExpectations
                metadata: {name: ledger, namespace: payments}
                spec:
                  cases:
                  - name: delete is denied
                    from: payments/accounts
                    to: ledger.payments:8080
                    request: {method: DELETE, path: /ledger/v1/entries/1}
                    expect: ↓deny
                """),
            // A case that cannot be evaluated (no such Service) is reported too.
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: meshlint.io/v1alpha1
                kind: AccessExpectations
                metadata: {name: ledger, namespace: payments}
                spec:
                  cases:
                  - name: reads work
                    from: payments/accounts
                    ↓to: ledger.payments:8080
                    expect: allow
                """),
        ],
        nonTriggeringExamples: [
            Example(ExampleFixtures.ambientPayments + ExampleFixtures.ledgerDeployment + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-from-accounts, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/payments/sa/accounts]}}]
                ---
                apiVersion: meshlint.io/v1alpha1
                kind: AccessExpectations
                metadata: {name: ledger, namespace: payments}
                spec:
                  cases:
                  - name: accounts may call
                    from: payments/accounts
                    to: ledger.payments:8080
                    expect: allow
                  - name: others may not
                    from: payments/reports
                    to: ledger.payments:8080
                    expect: deny
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let evaluator = AccessEvaluator(index: context.index)
        var findings: [Finding] = []
        for file in context.index.resources(of: Self.kind) {
            for testCase in file.node["spec", "cases"]?.items ?? [] {
                // Each case runs the evaluator: past the time limit, stop (the linter reports it).
                if context.deadline.hasPassed { return findings }
                if let finding = evaluate(testCase, in: file, evaluator: evaluator, index: context.index) { findings.append(finding) }
            }
        }
        return findings
    }

    private func evaluate(_ testCase: Node, in file: Resource, evaluator: AccessEvaluator, index: MeshIndex) -> Finding? {
        let name = testCase["name"]?.string ?? "case at line \(testCase.span.start.line)"
        guard let expectPair = testCase.pair("expect"), let expectText = expectPair.value.string,
              let expected = AccessDecision(rawValue: expectText)
        else {
            return finding(
                "Access case \"\(name)\" has no valid expect: write allow, deny, 401, 403 or refused.",
                on: file, at: testCase.pair("expect")?.value.span ?? testCase.span)
        }
        let request: AccessRequest
        do {
            request = try Self.request(from: testCase, index: index)
        } catch {
            return finding(
                "Access case \"\(name)\" cannot be evaluated: \(error).", on: file,
                at: testCase.pair("to")?.key.span ?? testCase.span)
        }
        let result: AccessResult
        do {
            result = try evaluator.evaluate(request)
        } catch {
            return finding(
                "Access case \"\(name)\" cannot be evaluated: \(error).", on: file,
                at: testCase.pair("to")?.key.span ?? testCase.span)
        }
        guard result.decision != expected else { return nil }
        let related = result.trace.steps.compactMap { step -> RelatedLocation? in
            guard let stepFile = step.file, let span = step.span, step.outcome != .info else { return nil }
            return RelatedLocation(message: step.message, file: stepFile, span: span, resource: nil)
        }
        return finding(
            Self.headline(case: name, expected: expected, result: result) + "\n" + result.trace.description,
            on: file, at: expectPair.value.span, related: Array(related.prefix(8)))
    }

    /// The finding's first line, the cause first: a case that expects a refusal and gets another
    /// kind of refusal passes for another reason than the one it was written to test (a token
    /// rejected at the waypoint before the DENY it means to check is reached).
    static func headline(case name: String, expected: AccessDecision, result: AccessResult) -> String {
        let uncertain = result.isUncertain ? " (uncertain)" : ""
        guard let (hop, step) = result.refusal else {
            let granted = result.trace.hops.last.map { " by \($0.title)" } ?? ""
            return "Access case \"\(name)\" expects \(expected.rawValue), but the request is allowed\(granted)\(uncertain)."
        }
        let cause = "\(step.message) — \(result.decision.rawValue) at \(hop.title)"
        if expected.isAllowed {
            return "\(cause), so access case \"\(name)\" (expects allow) is refused\(uncertain)."
        }
        return "\(cause), so access case \"\(name)\" (expects \(expected.rawValue)) is refused, but not by what it tests\(uncertain)."
    }

    /// The request a case describes: `from`, `to` (`direct` for pod-IP), `request` (method, path,
    /// host, headers, token claims, `tokenIn`: where the token travels; no `token` means no token).
    static func request(from testCase: Node, index: MeshIndex) throws -> AccessRequest {
        guard let from = testCase["from"]?.string else { throw AccessSpecification.Problem("a case needs from") }
        guard let to = testCase["to"]?.string else { throw AccessSpecification.Problem("a case needs to") }
        let caller = try AccessSpecification.caller(from)
        let destination = try AccessSpecification.destination(to, direct: testCase["direct"]?.bool ?? false, index: index)
        let details = testCase["request"]
        var headers: [String: String] = [:]
        for pair in details?["headers"]?.pairs ?? [] {
            if let key = pair.key.scalar, let value = pair.value.string { headers[key] = value }
        }
        var token: JWTClaims?
        if let claims = details?["token"], claims.kind == .mapping {
            var values: [String: ClaimValue] = [:]
            for pair in claims.pairs { if let key = pair.key.scalar { values[key] = AccessSpecification.claim(pair.value) } }
            token = JWTClaims(values)
        }
        var request = AccessRequest(
            caller: caller, destination: destination, method: details?["method"]?.string ?? "GET",
            path: details?["path"]?.string ?? "/", host: details?["host"]?.string, headers: headers, token: token)
        // Where the token travels, as `access --token-in` says it: header:NAME, param:NAME, cookie:NAME, bearer.
        if let location = details?["tokenIn"]?.string {
            request.tokenLocation = try AccessSpecification.tokenLocation(location)
        }
        return request
    }
}

import YAMLModel

/// How every enforcement point turns the policies that bind it into a decision.
extension Evaluation {
    // MARK: Authorization

    /// CUSTOM (Envoys only), then DENY, then ALLOW: the order every Istio proxy applies.
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
                switch point == .ztunnel ? index.ztunnelEnforcesDryRun : .doesNotApply {
                case .doesNotApply:
                    steps.append(AccessStep("\(name) is a dry run: logged, not enforced", at: span, of: policy.resource, outcome: .skipped))
                    continue
                case .applies(let version):
                    steps.append(AccessStep(
                        "\(name) is marked dry run, but istiod \(version) sends it to ztunnel as a real policy "
                            + "(dry runs are left out from \(IstioReleases.ztunnelSkipsDryRun)): enforced",
                        at: span, of: policy.resource, outcome: .info))
                case .undecided(let why):
                    steps.append(AccessStep(
                        "\(name) is marked dry run: \(why); assumed not enforced", at: span, of: policy.resource, outcome: .assumption))
                    uncertainties.append("whether ztunnel enforces dry-run \(policy.key) depends on the Istio patch release")
                    continue
                }
            }
            switch policy.action {
            case .allow?: allow.append(policy)
            case .deny?: deny.append(policy)
            case .custom? where point.isEnvoy: custom.append(policy)
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

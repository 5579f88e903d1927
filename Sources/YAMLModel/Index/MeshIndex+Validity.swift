extension MeshIndex {
    /// True when the API server or istiod refuses the policy (invalid fields or target references):
    /// it is never stored, so nothing enforces it. Rules that describe what a policy *does* skip
    /// rejected ones; `authorization-policy-invalid` and `policy-target-invalid` report them.
    public func isRejected(_ policy: some WorkloadPolicyView) -> Bool {
        let issues: [PolicyValidationIssue]
        switch policy {
        case let view as AuthorizationPolicyView: issues = view.validationIssues + versionedAttributeIssues(of: view)
        case let view as RequestAuthenticationView: issues = view.validationIssues
        case let view as PeerAuthenticationView: issues = view.validationIssues
        default: issues = []
        }
        if issues.contains(where: { if case .rejected = $0.effect { return true } else { return false } }) { return true }
        return targetProblems(of: policy).contains { if case .policyRejected = $0.effect { return true } else { return false } }
    }
}

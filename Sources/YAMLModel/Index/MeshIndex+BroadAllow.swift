extension RuleEntry {
    /// For a `from` source: true when it admits every peer of the mesh, because each of its fields
    /// is `principals` or `namespaces` listing `*` (any authenticated identity, any namespace).
    public var admitsAnyPeer: Bool {
        let fields = self.fields
        return kind == .source && !fields.isEmpty && fields.allSatisfy { field in
            (field.name == "principals" || field.name == "namespaces") && field.values.contains { $0.value == "*" }
        }
    }
}

extension AuthorizationRule {
    /// True when the rule, in an ALLOW policy, admits every caller to everything the policy covers:
    /// no `when`; no `to` (no port, and at a waypoint no method, path or host, restriction); and no
    /// `from`, or a source that admits any peer (`principals: ["*"]`, `namespaces: ["*"]`).
    /// `rules: [{}]` is the plainest such rule.
    public var admitsAnyCallerToAnything: Bool {
        guard (node["when"]?.count ?? 0) == 0, (node["to"]?.count ?? 0) == 0 else { return false }
        let sources = self.sources
        return sources.isEmpty || sources.contains(where: \.admitsAnyPeer)
    }
}

extension AuthorizationRule {
    /// For an ALLOW rule with no `when`, no `from` (or a source that admits any peer), and a `to`
    /// whose every operation only excludes (`notPaths`, `notMethods`, `notHosts`, `notPorts`):
    /// the excluding fields. Such a rule admits every caller to everything else. Empty otherwise.
    public var exclusionsOfAnyCallerRule: [RuleEntry.Field] {
        guard (node["when"]?.count ?? 0) == 0, (node["to"]?.count ?? 0) > 0 else { return [] }
        let sources = self.sources
        guard sources.isEmpty || sources.contains(where: \.admitsAnyPeer) else { return [] }
        let fields = operations.flatMap(\.fields)
        guard operations.allSatisfy({ !$0.fields.isEmpty && $0.fields.allSatisfy(\.isNegative) }) else { return [] }
        return fields
    }
}

extension AuthorizationPolicyView {
    /// For an enforced ALLOW policy (not dry-run), its first rule that admits every caller to
    /// everything the policy covers; nil otherwise. Rules are alternatives: that one rule alone
    /// lets everyone in.
    public var ruleAdmittingEveryone: AuthorizationRule? {
        guard action == .allow, !isDryRun else { return nil }
        return rules.first(where: \.admitsAnyCallerToAnything)
    }
}

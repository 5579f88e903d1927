/// What ztunnel makes of one AuthorizationPolicy rule. istiod translates a policy for ztunnel by
/// keeping only L4 attributes: an ALLOW rule holding any L7 attribute is left out; in a DENY rule,
/// an entry (or condition) reduced to nothing becomes an empty match, which ztunnel never matches,
/// while an entry that mixes L4 and L7 keeps its L4 part and so matches more than written.
public enum ZtunnelRuleOutcome: String, Sendable {
    /// Only L4 attributes: enforced as written.
    case asWritten
    /// ALLOW rule with L7 attributes: omitted, so the policy allows less than written (fail-closed).
    case dropped
    /// DENY rule with an L7-only clause or an L7 condition: it can never match (fail-open).
    case neverMatches
    /// DENY rule whose entries mix L4 and L7: the L4 part alone denies more than written.
    case broadened
    /// DENY rule where some entries are L7-only (those never match) and the rest are L4.
    case partlyIgnored
}

/// A workload identity as ztunnel sees it: trust domain, namespace, ServiceAccount.
public struct MeshIdentity: Sendable, Hashable, CustomStringConvertible {
    public let namespace: String
    public let serviceAccount: String

    public init(namespace: String, serviceAccount: String) {
        self.namespace = namespace
        self.serviceAccount = serviceAccount
    }

    /// `cluster.local/ns/<ns>/sa/<sa>`, the form `principals` use.
    public var principal: String { WellKnown.principal(namespace: namespace, serviceAccount: serviceAccount) }

    public var description: String { principal }
}

/// Istio's string matching for principals and namespaces: `*` (any non-empty), `*suffix`,
/// `prefix*`, or exact.
public enum IstioStringMatch {
    public static func matches(_ pattern: String, _ value: String) -> Bool {
        if pattern == "*" { return !value.isEmpty }
        if pattern.hasPrefix("*") { return value.hasSuffix(pattern.dropFirst()) }
        if pattern.hasSuffix("*") { return value.hasPrefix(pattern.dropLast()) }
        return pattern == value
    }
}

extension AuthorizationRule {
    /// How ztunnel enforces this rule of a policy with `action`.
    public func ztunnelOutcome(for action: AuthorizationPolicyView.Action) -> ZtunnelRuleOutcome {
        guard !l7Attributes.isEmpty else { return .asWritten }
        guard action == .deny else { return .dropped }
        if conditions.contains(where: { $0.layer == .l7 }) { return .neverMatches }
        for clause in [sources, operations] where !clause.isEmpty && clause.allSatisfy(\.isL7Only) {
            return .neverMatches
        }
        if (sources + operations).contains(where: \.mixesLayers) { return .broadened }
        return .partlyIgnored
    }

    /// Whether ztunnel can match this rule for a connection from `identity` (on some port and
    /// address: IP and port constraints are not predictable from manifests and are assumed to match).
    public func ztunnelAdmits(
        _ identity: MeshIdentity, action: AuthorizationPolicyView.Action, policyNamespace: String
    ) -> Bool {
        switch ztunnelOutcome(for: action) {
        case .dropped, .neverMatches: return false
        case .asWritten, .broadened, .partlyIgnored: break
        }
        let l4Sources = sources.filter { !$0.isL7Only }
        if !sources.isEmpty {
            guard l4Sources.contains(where: { $0.admits(identity, policyNamespace: policyNamespace) }) else { return false }
        }
        return conditions.allSatisfy { $0.admits(identity) }
    }

    /// True when the rule can only match connections from `identity`: every source names it alone
    /// (as a principal or ServiceAccount), or a condition pins `source.principal` to it.
    public func admitsOnly(_ identity: MeshIdentity, policyNamespace: String) -> Bool {
        let pinnedByCondition = conditions.contains { condition in
            condition.key?.value == "source.principal" && !condition.values.isEmpty
                && condition.values.allSatisfy { $0.value == identity.principal }
        }
        if pinnedByCondition { return true }
        guard !sources.isEmpty else { return false }
        return sources.allSatisfy { $0.namesOnly(identity, policyNamespace: policyNamespace) }
    }

    /// For a DENY at ztunnel: true when the rule denies every caller except `identity`
    /// (`notPrincipals: [<identity>]` with nothing else narrowing who it applies to).
    public func deniesEveryoneExcept(_ identity: MeshIdentity, policyNamespace: String) -> Bool {
        guard ztunnelOutcome(for: .deny) == .asWritten, conditions.isEmpty, !sources.isEmpty else { return false }
        return sources.allSatisfy { source in
            let positive = source.fields.filter { !$0.isNegative }
            guard positive.isEmpty else { return false }
            let exempt = (source.field("notPrincipals")?.values ?? []).contains { IstioStringMatch.matches($0.value, identity.principal) }
                || (source.field("notServiceAccounts")?.values ?? []).contains {
                    RuleEntry.serviceAccount($0.value, policyNamespace: policyNamespace) == identity
                }
            return exempt
        }
    }

    /// True when every way to match the rule needs an authenticated request (a JWT): all its sources
    /// require `requestPrincipals`, or a condition tests a `request.auth.*` attribute.
    public var requiresRequestPrincipal: Bool {
        let byCondition = conditions.contains { condition in
            (condition.key?.value.hasPrefix("request.auth.") ?? false) && !condition.values.isEmpty
        }
        if byCondition { return true }
        let sources = self.sources
        return !sources.isEmpty && sources.allSatisfy { !($0.field("requestPrincipals")?.values.isEmpty ?? true) }
    }

    /// For a DENY: true when the rule denies every request without a token
    /// (`notRequestPrincipals: ["*"]`), not only some paths, methods or conditions of it.
    public var deniesRequestsWithoutToken: Bool {
        let limitedToSomeRequests = !conditions.isEmpty
            || operations.contains { $0.fields.contains { $0.name != "ports" && $0.name != "notPorts" } }
        guard !limitedToSomeRequests else { return false }
        return sources.contains { source in
            source.field("notRequestPrincipals")?.values.contains { $0.value == "*" } ?? false
        }
    }
}

extension RuleEntry {
    /// Whether a source entry's L4 fields admit `identity`. IP blocks are assumed to match.
    public func admits(_ identity: MeshIdentity, policyNamespace: String) -> Bool {
        for field in fields where field.layer == .l4 {
            let values = field.values.map(\.value)
            let hit: Bool
            switch field.name {
            case "principals", "notPrincipals":
                hit = values.contains { IstioStringMatch.matches($0, identity.principal) }
            case "namespaces", "notNamespaces":
                hit = values.contains { IstioStringMatch.matches($0, identity.namespace) }
            case "serviceAccounts", "notServiceAccounts":
                hit = values.contains { Self.serviceAccount($0, policyNamespace: policyNamespace) == identity }
            default:
                continue
            }
            if field.isNegative ? hit : !hit { return false }
        }
        return true
    }

    /// True when the entry's positive identity fields name `identity` and no one else.
    func namesOnly(_ identity: MeshIdentity, policyNamespace: String) -> Bool {
        if let principals = field("principals"), !principals.values.isEmpty {
            return principals.values.allSatisfy { $0.value == identity.principal }
        }
        if let accounts = field("serviceAccounts"), !accounts.values.isEmpty {
            return accounts.values.allSatisfy { Self.serviceAccount($0.value, policyNamespace: policyNamespace) == identity }
        }
        return false
    }

    /// `ns/sa`, or `sa` in the policy's namespace, as `serviceAccounts` entries are read.
    static func serviceAccount(_ value: String, policyNamespace: String) -> MeshIdentity {
        if let slash = value.firstIndex(of: "/") {
            return MeshIdentity(namespace: String(value[..<slash]), serviceAccount: String(value[value.index(after: slash)...]))
        }
        return MeshIdentity(namespace: policyNamespace, serviceAccount: value)
    }
}

extension Condition {
    /// Whether an L4 condition on the source's identity admits `identity`; other conditions are
    /// assumed to match (ports and addresses), or are handled by the rule's outcome (L7 keys).
    public func admits(_ identity: MeshIdentity) -> Bool {
        let subject: String
        switch key?.value {
        case "source.principal": subject = identity.principal
        case "source.namespace": subject = identity.namespace
        default: return true
        }
        let values = self.values.map(\.value)
        if !values.isEmpty, !values.contains(where: { IstioStringMatch.matches($0, subject) }) { return false }
        return !notValues.contains { IstioStringMatch.matches($0.value, subject) }
    }
}

/// Whether a namespace denies by default: some ztunnel-enforced ALLOW covers the whole namespace.
public struct DefaultDeny: Sendable {
    public enum Scope: String, Sendable { case namespace, mesh }

    /// An ALLOW policy that looks like a default deny but is not one, and why.
    public struct NearMiss: Sendable {
        public enum Reason: String, Sendable {
            /// A rule that admits every caller to everything: no `from`, `to` or `when` (`rules: [{}]`),
            /// or only a source of `principals: ["*"]` / `namespaces: ["*"]` (every mesh workload).
            case allowsEverything
            /// Annotated `istio.io/dry-run: "true"`: logged, not enforced.
            case dryRun
            /// Uses `selector`: ALLOW-by-default holds only for the selected workloads.
            case selectsWorkloads
            /// Uses `targetRefs`: enforced at a waypoint, not by ztunnel for the whole namespace.
            case targetsWaypoint
        }

        public let policy: AuthorizationPolicyView
        public let reason: Reason
    }

    public let namespace: String
    /// The namespace-wide (or mesh-wide) ALLOW policy that makes the namespace default-deny.
    public let policy: AuthorizationPolicyView?
    public let scope: Scope?
    /// ALLOW policies of the namespace or the root namespace that do not make it default-deny.
    public let nearMisses: [NearMiss]

    public var holds: Bool { policy != nil }

    /// Decides default deny from the ALLOW policies in `namespace` and in the root namespace.
    static func resolve(
        namespace: String, rootNamespace: String, local: [AuthorizationPolicyView], root: [AuthorizationPolicyView]
    ) -> DefaultDeny {
        var nearMisses: [NearMiss] = []
        var found: (AuthorizationPolicyView, Scope)?
        let candidates = local.map { ($0, Scope.namespace) }
            + (namespace == rootNamespace ? [] : root.map { ($0, Scope.mesh) })
        for (policy, scope) in candidates where policy.action == .allow {
            let reason: NearMiss.Reason?
            if policy.isDryRun {
                reason = .dryRun
            } else if policy.selector != nil {
                reason = scope == .namespace ? .selectsWorkloads : nil
            } else if !policy.targetRefs.isEmpty {
                reason = scope == .namespace ? .targetsWaypoint : nil
            } else if policy.rules.contains(where: \.admitsAnyCallerToAnything) {
                reason = .allowsEverything
            } else {
                if found == nil { found = (policy, namespace == rootNamespace ? .mesh : scope) }
                continue
            }
            if let reason { nearMisses.append(NearMiss(policy: policy, reason: reason)) }
        }
        return DefaultDeny(namespace: namespace, policy: found?.0, scope: found?.1, nearMisses: nearMisses)
    }
}

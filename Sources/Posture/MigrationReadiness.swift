import Access
import Migration
import YAMLModel

/// How ready a sidecar namespace is to move to ambient, from `meshlint migrate`'s plan: what the
/// move changes as is, whether the converted policies keep today's access, and the next step.
public struct MigrationReadiness: Sendable {
    public enum State: String, Sendable {
        /// The conversions are in the input and the move keeps every outcome: flip the labels.
        case ready
        /// The move keeps every outcome once the patch `migrate` writes is applied.
        case needsPatch = "needs the patch"
        /// Even with the patch some outcome changes: what ambient cannot express.
        case changesAccess = "changes access"
    }

    public let namespace: String
    public let state: State
    /// `payments/waypoint`, or nil when the move needs none.
    public let waypoint: String?
    /// Policies whose enforcement changes (everything but "kept as is" and earlier conversions).
    public let policiesToConvert: Int
    /// Objects the patch would add.
    public let patchObjects: Int
    /// Outcomes the move changes as is, and with the patch.
    public let rawChanges: Int
    public let patchedChanges: Int
    public let inexpressible: [String]
    public let sidecarCallers: [String]
    /// The command that shows the whole plan.
    public var command: String { "meshlint migrate --namespace \(namespace) --write-patch \(namespace)-ambient-patch.yaml" }

    /// The readiness of every namespace that runs sidecars, at most `limit` (by name); the rest are
    /// counted in `omitted`.
    static func all(index: MeshIndex, audiences: MintedAudiences, limit: Int = 25) -> (namespaces: [MigrationReadiness], omitted: Int) {
        let sidecar = index.namespaces.filter { $0.dataplaneMode == .sidecar }.map(\.name).sorted()
        let readiness = sidecar.prefix(limit).compactMap { namespace -> MigrationReadiness? in
            guard let plan = try? Migration.plan(index: index, namespace: namespace, waypoint: nil, audiences: audiences) else { return nil }
            let state: State = !plan.keepsAccess ? .changesAccess : plan.patch.isEmpty ? .ready : .needsPatch
            return MigrationReadiness(
                namespace: namespace, state: state, waypoint: plan.move.waypoint.map { "\(namespace)/\($0.name)" },
                policiesToConvert: plan.policies.filter { $0.kind != .keptAsIs && $0.kind != .conversion && $0.kind != .peerAuthentication }.count,
                patchObjects: plan.patch.count, rawChanges: plan.rawChanges.count, patchedChanges: plan.patchedChanges.count,
                inexpressible: plan.inexpressible, sidecarCallers: plan.sidecarCallers)
        }
        return (readiness, max(0, sidecar.count - limit))
    }
}

import Access
import YAMLModel

/// What moving one namespace from sidecars to ambient does to the access into and out of it, and
/// the patch that keeps it: `meshlint migrate`.
public struct MigrationReport: Sendable {
    /// One step of the move, in the order that avoids an enforcement gap (istio.io, "Migrate from
    /// Sidecar to Ambient": waypoint and policies first, then the labels, then clean-up).
    public struct Step: Sendable {
        public let summary: String
        /// A command that performs it, when the names are plain enough to print one.
        public let command: String?
        /// True when the input shows it done.
        public let isDone: Bool
    }

    public let namespace: String
    public let move: NamespaceMove
    /// Each policy of the namespace: how it is enforced today, after the move, and what carries it.
    public let policies: [PolicyChange]
    /// The objects the patch adds, to apply before the labels flip.
    public let patch: [PatchObject]
    /// The objects that are dead after the move, to delete once the labels have flipped.
    public let deletions: [String]
    /// What ambient cannot express of today's policies.
    public let inexpressible: [String]
    /// Identities that keep their sidecars and call the namespace's Services: they will reach the
    /// pods without passing the waypoint.
    public let sidecarCallers: [String]
    /// Today versus after the move as is.
    public let rawChanges: [AccessChange]
    /// Today versus after the move with the patch applied and the dead objects deleted.
    public let patchedChanges: [AccessChange]
    /// Today versus today with the patch applied: what applying it before the flip would change.
    public let patchChangesToday: [AccessChange]
    /// Today versus the moved namespace with the patch while the dead objects still exist: the
    /// window between the restart and their deletion.
    public let windowChanges: [AccessChange]
    public let steps: [Step]

    /// True when the move with the patch changes no access.
    public var keepsAccess: Bool { patchedChanges.isEmpty }

    /// The patch as one YAML stream.
    public var patchYAML: String {
        var header = "# meshlint migrate --namespace \(move.namespace): apply before the namespace's labels flip.\n"
        if !deletions.isEmpty {
            header += "# After the flip, delete: " + deletions.joined(separator: ", ") + "\n"
        }
        return header + patch.map(\.yaml).joined(separator: "---\n")
    }
}

public enum MigrationError: Error, Sendable, CustomStringConvertible {
    case namespaceNotInInput(String)
    case alreadyAmbient(String)

    public var description: String {
        switch self {
        case .namespaceNotInInput(let namespace): "namespace \(namespace) has no resources in the input"
        case .alreadyAmbient(let namespace): "namespace \(namespace) is already in ambient: nothing to migrate"
        }
    }
}

public enum Migration {
    /// The move of `namespace` in `index`, its patch (read back as from `patchFile`), and the access
    /// it changes.
    public static func plan(
        index: MeshIndex, namespace: String, waypoint: String?, audiences: MintedAudiences = MintedAudiences(),
        patchFile: String = "migration-patch.yaml"
    ) throws(MigrationError) -> MigrationReport {
        let facts = index.namespace(namespace)
        guard facts.object != nil || !index.workloads(in: namespace).isEmpty || !index.authorizationPolicies(in: namespace).isEmpty else {
            throw .namespaceNotInInput(namespace)
        }
        if facts.dataplaneMode == .ambient, index.workloads(in: namespace).allSatisfy({ index.enrollment(of: $0).mode != .sidecar }) {
            throw .alreadyAmbient(namespace)
        }
        let move = NamespaceMove(
            index: index, namespace: namespace, waypointName: waypoint, needsWaypoint: PolicyConverter.needsWaypoint(index, namespace: namespace))
        var converter = PolicyConverter(index: index, namespace: namespace, waypoint: move.waypoint)
        converter.run()

        let patchText = converter.objects.map(\.yaml).joined(separator: "---\n")
        let patchResources = ManifestLoader.load(path: patchFile, bytes: Array(patchText.utf8)).resources
        // A waypoint the input lacks comes first in the patch; the moved states already hold it.
        var objects = converter.objects
        if let waypoint = move.waypoint, !waypoint.isInInput {
            objects.insert(PatchObject(
                kind: "Gateway", name: waypoint.name, namespace: namespace, from: "the move",
                yaml: NamespaceMove.waypointGateway(name: waypoint.name, namespace: namespace).joined(separator: "\n") + "\n"), at: 0)
        }
        let dead = Set(converter.changes.filter(\.deleteAfterMove).map(\.policy))
        let kept = index.resources.filter { !dead.contains("\($0.kind) \($0.namespace ?? "default")/\($0.name)") }
        let options = index.options
        let raw = MeshIndex(resources: move.apply(to: index.resources), options: options)
        let patched = MeshIndex(resources: move.apply(to: kept) + patchResources, options: options)
        let todayPatched = MeshIndex(resources: index.resources + patchResources, options: options)
        let window = MeshIndex(resources: move.apply(to: index.resources) + patchResources, options: options)

        let comparison = AccessComparison(namespace: namespace, states: [index, raw, patched], audiences: audiences)
        let rawChanges = comparison.changes(before: index, after: raw)
        let patchedChanges = comparison.changes(before: index, after: patched)
        let todayChanges = patchResources.isEmpty ? [] : comparison.changes(before: index, after: todayPatched)
        let windowChanges = dead.isEmpty ? [] : comparison.changes(before: index, after: window)

        let sidecarCallers = move.waypoint == nil ? [] : Self.sidecarCallers(in: patched, namespace: namespace)
        var inexpressible = converter.inexpressible
        if move.waypoint != nil, patchedChanges.contains(where: { $0.caller == "anonymous" }) {
            inexpressible.append(
                "Clients outside the mesh (plaintext) never pass a waypoint, so its HTTP rules do not apply to them: "
                    + "a STRICT PeerAuthentication for namespace \(namespace) refuses them instead")
        }
        return MigrationReport(
            namespace: namespace, move: move, policies: converter.changes, patch: objects,
            deletions: converter.changes.filter(\.deleteAfterMove).map(\.policy), inexpressible: inexpressible,
            sidecarCallers: sidecarCallers, rawChanges: rawChanges, patchedChanges: patchedChanges,
            patchChangesToday: todayChanges, windowChanges: windowChanges,
            steps: steps(index: index, move: move, converter: converter, todayChanges: todayChanges, windowChanges: windowChanges))
    }

    /// The identities outside the namespace whose workloads all keep sidecars, each with what
    /// ztunnel does with their plain request to each Service of the namespace: they skip the waypoint.
    static func sidecarCallers(in index: MeshIndex, namespace: String) -> [String] {
        let evaluator = AccessEvaluator(index: index)
        var seen = Set<MeshIdentity>()
        var result: [String] = []
        let services = index.services.filter { ($0.namespace ?? "default") == namespace && index.binding(of: $0.resource).waypoint != nil }
        for workload in index.workloads where (workload.namespace ?? "default") != namespace && index.enrollment(of: workload).mode == .sidecar {
            let identity = index.identity(of: workload)
            guard seen.insert(identity).inserted, index.dataplane(of: identity) == .sidecar else { continue }
            let admitted = services.filter { service in
                guard let port = service.ports.first?["port"]?.int else { return false }
                let request = AccessRequest(caller: .identity(identity), destination: .service(service.key, port: port))
                return (try? evaluator.evaluate(request))?.decision.isAllowed ?? false
            }
            let name = "\(identity.namespace)/\(identity.serviceAccount)"
            result.append(admitted.isEmpty
                ? "\(name): refused by ztunnel at the namespace's pods"
                : "\(name): admitted by ztunnel to " + admitted.map { $0.name }.joined(separator: ", ") + ", without the waypoint's rules")
        }
        return result.sorted()
    }

    /// The steps in the migration guide's order (istio.io, "Migrate from Sidecar to Ambient",
    /// "Enable ambient mode": the waypoint bound and ready, then ambient enabled and confirmed, then
    /// injection removed, the pods restarted, and the old policies deleted right after), each
    /// checked against the input.
    static func steps(
        index: MeshIndex, move: NamespaceMove, converter: PolicyConverter, todayChanges: [AccessChange], windowChanges: [AccessChange]
    ) -> [MigrationReport.Step] {
        let namespace = move.namespace
        let plain = PlainName.isPlain
        let named = plain(namespace) && (move.waypoint.map { plain($0.name) } ?? true)
        let labels = index.namespace(namespace).object?.resource.labels
        var steps: [MigrationReport.Step] = []
        if let waypoint = move.waypoint {
            steps.append(.init(
                summary: waypoint.isInInput
                    ? "Deploy waypoint \(namespace)/\(waypoint.name): in the input"
                    : "Deploy waypoint \(namespace)/\(waypoint.name) (\(waypoint.reason))",
                command: !waypoint.isInInput && named ? "istioctl waypoint apply -n \(namespace) --name \(waypoint.name)" : nil,
                isDone: waypoint.isInInput))
        }
        if !converter.objects.isEmpty {
            let effect = todayChanges.isEmpty
                ? "today's access is unchanged by it"
                : "it changes \(todayChanges.count) of today's outcomes (see above): review before applying"
            steps.append(.init(summary: "Apply the patch (\(converter.objects.count) new objects) while the pods still run sidecars: \(effect)", command: nil, isDone: false))
        } else if !converter.changes.filter(\.deleteAfterMove).isEmpty {
            steps.append(.init(summary: "The converted policies are in the input", command: nil, isDone: true))
        }
        if let waypoint = move.waypoint {
            let bound = labels?[WellKnown.useWaypointLabel]?.value == waypoint.name
            steps.append(.init(
                summary: "Bind the namespace to waypoint \(namespace)/\(waypoint.name) (sidecar pods ignore it) and check the waypoint is programmed",
                command: named ? "kubectl label namespace \(namespace) \(WellKnown.useWaypointLabel)=\(waypoint.name)\nkubectl get gateway \(waypoint.name) -n \(namespace)" : nil,
                isDone: bound))
        }
        steps.append(.init(
            summary: "Enable ambient for the namespace (pods keep their sidecars until restarted) and confirm ztunnel captures it",
            command: named ? "kubectl label namespace \(namespace) \(WellKnown.dataplaneModeLabel)=\(WellKnown.dataplaneModeAmbient)\nistioctl ztunnel-config workloads" : nil,
            isDone: labels?[WellKnown.dataplaneModeLabel]?.value == WellKnown.dataplaneModeAmbient))
        if !move.removedLabels.isEmpty || !move.podsStillInjected.isEmpty {
            var summary = "Once ambient is confirmed, turn sidecar injection off"
            if !move.removedLabels.isEmpty { summary += ": remove \(move.removedLabels.joined(separator: ", ")) from the namespace" }
            if !move.podsStillInjected.isEmpty {
                summary += "; remove \(WellKnown.sidecarInjectLabel) and \(WellKnown.revisionLabel) from the pod templates of "
                    + move.podsStillInjected.map(\.resource.displayName).joined(separator: ", ") + ", which keep their sidecars otherwise"
            }
            steps.append(.init(
                summary: summary,
                command: named && !move.removedLabels.isEmpty
                    ? "kubectl label namespace \(namespace) " + move.removedLabels.map { "\($0)-" }.joined(separator: " ") : nil,
                isDone: false))
        }
        let kinds = Set(index.workloads(in: namespace).map { $0.resource.kind.lowercased() }).intersection(["deployment", "statefulset", "daemonset"])
        steps.append(.init(
            summary: "Restart the namespace's workloads so their pods start without sidecars",
            command: plain(namespace) && !kinds.isEmpty ? "kubectl rollout restart \(kinds.sorted().joined(separator: ",")) -n \(namespace)" : nil,
            isDone: false))
        let dead = converter.changes.filter(\.deleteAfterMove)
        if !dead.isEmpty {
            let names = dead.map { $0.policy }
            let commands = dead.compactMap { change -> String? in
                let parts = change.policy.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, let name = parts[1].split(separator: "/").last.map(String.init), plain(name), plain(namespace) else { return nil }
                return "kubectl delete \(parts[0].lowercased()) \(name) -n \(namespace)"
            }
            let window = windowChanges.isEmpty
                ? "until then no outcome differs from today's"
                : "until then \(windowChanges.count) outcomes differ from today's (see above)"
            steps.append(.init(
                summary: "Right after the restart, delete the objects dead in ambient (\(window)): " + names.joined(separator: ", "),
                command: commands.count == dead.count ? commands.joined(separator: "\n") : nil, isDone: false))
        }
        return steps
    }
}

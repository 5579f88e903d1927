import Access
import YAMLModel

/// L7 policy at a waypoint that sidecar workloads skip with ordinary Service calls.
struct WaypointBypassedBySidecarCallersRule: BuiltInRule {
    static let description = RuleDescription(
        id: "waypoint-bypassed-by-sidecar-callers",
        name: "Waypoint bypassed by sidecar callers",
        summary: "A Service's L7 policy lives at its waypoint, but workloads that still run sidecars reach its pods without passing the waypoint.",
        rationale: """
            istiod sends only ingress and east-west gateways to a Service's waypoint (istio/istio \
            `pilot/pkg/xds/endpoints/endpoint_builder.go`, `findServiceWaypoint`): a sidecar sends its \
            Service traffic straight to the pods, over HBONE with its own identity, and treats it as \
            workload traffic so that service policy is not applied twice. During a migration, every \
            workload that still runs a sidecar therefore skips the waypoint's AuthorizationPolicies and \
            RequestAuthentications: methods, paths and token requirements are not enforced for it. \
            Only ztunnel stands in front of the ambient pods, and it admits these callers here. \
            Reported per Service, with the sidecar identities in the input that ztunnel lets through, \
            as the access evaluator decides for an ordinary call.
            """,
        remediation: """
            Move the callers to ambient first (remove `istio-injection`/`sidecar.istio.io/inject`, \
            label the namespace `istio.io/dataplane-mode: ambient`, restart), so their requests pass \
            the waypoint; or admit only the waypoint at the Service's pods until they have moved \
            (a ztunnel DENY with `notPrincipals: [<waypoint identity>]`), which cuts the sidecar \
            callers off rather than leaving the L7 rules unenforced.
            """,
        severity: .error,
        area: .authorization,
        tags: ["security", "authorization", "waypoint", "migration"],
        securitySeverity: 8.1,
        precision: .high,
        references: [
            "https://github.com/istio/istio/blob/master/pilot/pkg/xds/endpoints/endpoint_builder.go",
            "https://istio.io/latest/docs/ambient/migrate/",
            "https://istio.io/latest/docs/ambient/usage/waypoint/",
        ],
        inputs: [.namespace, .service, .deployment, .gateway, .authorizationPolicy],
        triggeringExamples: [
            // A batch job in a sidecar namespace calls the ledger: the waypoint's debit rule does not see it.
            Example(boundLedgerWithL7 + """
                apiVersion: v1
                kind: Service
                metadata: {name: ↓ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{name: http, port: 8080}]}
                ---
                \(legacyBatch)
                """),
        ],
        nonTriggeringExamples: [
            // The batch job has moved to ambient: it passes the waypoint.
            Example(boundLedgerWithL7 + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{name: http, port: 8080}]}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: legacy, labels: {istio.io/dataplane-mode: ambient}}
                ---
                \(batchDeployment)
                """),
            // ztunnel admits only the waypoint: the sidecar caller is refused at the pods, not let past the L7 rules.
            Example(boundLedgerWithL7 + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{name: http, port: 8080}]}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-only-waypoint, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/payments/sa/payments-waypoint]}}]
                ---
                \(legacyBatch)
                """),
            // No workload runs a sidecar.
            Example(boundLedgerWithL7 + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{name: http, port: 8080}]}
                """),
        ])

    /// `payments` bound to its waypoint, Deployment `ledger`, and an L7 policy for Service `ledger` there.
    static let boundLedgerWithL7 = WaypointBypassPossibleRule.boundLedgerWithL7

    /// Namespace `legacy`, still injecting sidecars, with Deployment `batch` (ServiceAccount `batch`).
    static let legacyBatch = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: legacy, labels: {istio-injection: enabled}}
        ---
        \(batchDeployment)
        """

    static let batchDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: batch, namespace: legacy}
        spec:
          template:
            metadata: {labels: {app: batch}}
            spec: {serviceAccountName: batch}
        """

    /// How many callers a message names before it counts the rest.
    static let namedCallers = 5

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        let callers = Self.sidecarCallers(in: index)
        guard !callers.isEmpty else { return [] }
        let evaluator = AccessEvaluator(index: index)
        return index.services.compactMap { service -> Finding? in
            let binding = index.binding(of: service.resource)
            guard let waypoint = binding.waypoint, let port = service.ports.first?["port"]?.int else { return nil }
            let atWaypoint = index.authorizationPolicies(at: waypoint).filter { $0.covers(service.key) && !$0.policy.isDryRun }
            guard let l7Policy = atWaypoint.first?.policy,
                  index.workloads(behind: service).contains(where: { index.enrollment(of: $0).mode == .ambient })
            else { return nil }
            // One evaluation per group of callers the policies cannot tell apart; a sidecar caller's
            // route never passes the waypoint, so an allowed request has skipped it.
            let candidates = callers.filter { $0.0 != waypoint.meshIdentity }
            let request = AccessRequest(caller: .anonymous, destination: .service(service.key, port: port))
            guard let outcomes = try? evaluator.outcomes(of: request, for: candidates.map { .identity($0.0) }) else { return nil }
            let bypassing = zip(candidates, outcomes).filter { $0.1.decision.isAllowed }.map { (identity: $0.0.0, workload: $0.0.1) }
            guard !bypassing.isEmpty else { return nil }
            let names = bypassing.prefix(Self.namedCallers).map { "\($0.identity.namespace)/\($0.identity.serviceAccount)" }
            let rest = bypassing.count > Self.namedCallers ? " and \(bypassing.count - Self.namedCallers) more" : ""
            var related = [RelatedLocation("L7 policy at waypoint \(waypoint.key)", in: l7Policy.resource)]
            related += bypassing.prefix(Self.namedCallers).map {
                RelatedLocation("\($0.workload.resource.displayName) runs a sidecar", in: $0.workload.resource)
            }
            return finding(
                "\(service.resource.displayName) has L7 policy at waypoint \(waypoint.key) (\(l7Policy.resource.displayName)), but "
                    + "sidecar workloads \(names.joined(separator: ", "))\(rest) reach its pods without it: istiod sends a sidecar's "
                    + "Service traffic straight to the pods, and ztunnel admits them, so the waypoint's rules are not enforced for them.",
                on: service.resource, at: service.resource.nameSpan, related: related,
                remediation: Self.remediation(service: service, waypoint: waypoint, callers: bypassing.map(\.workload)))
        }
    }

    /// One workload per identity whose workloads in the input all run sidecars, by identity.
    private static func sidecarCallers(in index: MeshIndex) -> [(MeshIdentity, WorkloadView)] {
        var seen = Set<MeshIdentity>()
        var result: [(MeshIdentity, WorkloadView)] = []
        for workload in index.workloads where index.enrollment(of: workload).mode == .sidecar {
            let identity = index.identity(of: workload)
            guard seen.insert(identity).inserted, index.dataplane(of: identity) == .sidecar else { continue }
            result.append((identity, workload))
        }
        return result.sorted { ($0.0.namespace, $0.0.serviceAccount) < ($1.0.namespace, $1.0.serviceAccount) }
    }

    private static func remediation(service: ServiceView, waypoint: Waypoint, callers: [WorkloadView]) -> String {
        let namespaces = Array(Set(callers.map { $0.namespace ?? "default" })).sorted()
        // Commands only for names a shell reads as themselves (a pull request writes them).
        let moves = namespaces.map { namespace in
            PlainName.isPlain(namespace)
                ? "kubectl label namespace \(namespace) istio-injection- istio.io/dataplane-mode=ambient"
                : "label namespace \(namespace) istio.io/dataplane-mode: ambient and remove istio-injection"
        }
        return """
            Move the callers to ambient so their requests pass waypoint \(waypoint.key), then restart them:
            \(moves.joined(separator: "\n"))
            Or, until they have moved, admit only the waypoint at the Service's pods (the sidecar callers are then refused):
            \(WaypointRemediation.denyAllButWaypoint(service: service, identity: waypoint.meshIdentity, name: "\(service.name)-only-through-waypoint"))
            """
    }
}

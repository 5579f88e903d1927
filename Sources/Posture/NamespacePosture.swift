import Rules
import YAMLModel

/// The controls of one namespace, with their evidence.
public struct NamespacePosture: Sendable {
    public let name: String
    public let dataplaneMode: DataplaneMode
    /// The Namespace object is not in the input: labels come from `assume.namespaces`, or nothing is known.
    public let isDeclared: Bool
    public var controls: [Control]
    /// Findings (not suppressed) about resources of the namespace, by severity.
    public var errors = 0
    public var warnings = 0
    public var notes = 0
    /// Its access is summarised in the report (`report.sensitiveNamespaces`, or it has a waypoint).
    public var isSensitive = false

    public func control(_ id: ControlID) -> Control { controls.first { $0.id == id }! }

    /// The posture of every namespace of the index, sorted by name; findings are counted and tied
    /// to the controls their rules bear on.
    public static func all(index: MeshIndex, findings: [Finding]) -> [NamespacePosture] {
        var byNamespace: [String: [Finding]] = [:]
        for finding in findings {
            guard let namespace = finding.resource.flatMap({ $0.kind == "Namespace" ? $0.name : $0.namespace }) else { continue }
            byNamespace[namespace, default: []].append(finding)
        }
        return index.namespaces.map { facts in
            var posture = NamespacePosture(index: index, facts: facts)
            for finding in byNamespace[facts.name] ?? [] {
                switch finding.severity {
                case .error: posture.errors += 1
                case .warning: posture.warnings += 1
                case .note: posture.notes += 1
                }
                for position in posture.controls.indices where posture.controls[position].id.rules.contains(finding.ruleID) {
                    posture.controls[position].findings.append(finding.fingerprint)
                    // A control in place that an error or warning undermines (a JWT audience no
                    // token carries, a waypoint that can be bypassed) is met only in part.
                    if finding.severity >= .warning, posture.controls[position].state == .met {
                        posture.controls[position].state = .partial
                        posture.controls[position].explanation += ", but a finding below weakens it"
                    }
                }
            }
            return posture
        }
    }

    init(index: MeshIndex, facts: NamespaceFacts) {
        name = facts.name
        dataplaneMode = facts.dataplaneMode
        isDeclared = facts.object != nil
        let builder = ControlBuilder(index: index, facts: facts)
        controls = [
            builder.dataplane(), builder.mtls(), builder.defaultDeny(), builder.waypoint(), builder.jwtValidation(),
            builder.tokenRequired(), builder.l7Policies(),
        ]
    }
}

/// Reads each control of one namespace off the index.
private struct ControlBuilder {
    let index: MeshIndex
    let facts: NamespaceFacts
    var name: String { facts.name }
    var inMesh: Bool { facts.dataplaneMode == .ambient || facts.dataplaneMode == .sidecar }

    var waypoints: [Waypoint] { index.waypoints(serving: name) }

    func dataplane() -> Control {
        let evidence: [Evidence]
        if let object = facts.object {
            let label = facts.sidecarLabel ?? facts.dataplaneLabel
            evidence = [Evidence(
                label.map { "label \($0.key): \($0.value)" } ?? "no data plane label", in: object.resource, at: label?.entrySpan)]
        } else {
            evidence = []
        }
        switch facts.dataplaneMode {
        case .ambient:
            return Control(id: .dataplane, state: .met, value: "ambient",
                           explanation: facts.isAssumed ? "ambient, as the configuration assumes (assume.namespaces)" : "ztunnel captures its pods",
                           evidence: evidence)
        case .sidecar:
            return Control(id: .dataplane, state: .partial, value: "sidecar",
                           explanation: "its pods get sidecars, not ambient", evidence: evidence)
        case .none:
            return Control(id: .dataplane, state: .missing, value: "none",
                           explanation: "not in the mesh: no mTLS, no policy enforcement", evidence: evidence)
        case .unknown:
            return Control(id: .dataplane, state: .missing, value: "unknown",
                           explanation: "its Namespace object is not in the input, nor assumed by the configuration", evidence: [])
        }
    }

    func mtls() -> Control {
        let mtls = index.mtls(in: name)
        let value = mtls.mode.rawValue + (mtls.source == .ambientDefault ? " (default)" : "")
        var evidence: [Evidence] = []
        if let policy = mtls.decidingPolicy {
            evidence.append(Evidence(
                "mode \(mtls.mode.rawValue)" + (mtls.source == .meshPolicy ? ", mesh-wide" : ""), in: policy.resource,
                at: policy.mtlsMode?.span))
        }
        guard inMesh else {
            return Control(id: .mtls, state: .notApplicable, value: value, explanation: "not in the mesh", evidence: evidence)
        }
        let explanation: String
        switch mtls.source {
        case .namespacePolicy: explanation = "set by the namespace's PeerAuthentication"
        case .meshPolicy: explanation = "set by the mesh-wide PeerAuthentication"
        case .ambientDefault: explanation = "no PeerAuthentication sets a mode: ambient's default accepts plaintext"
        }
        return Control(id: .mtls, state: mtls.isStrict ? .met : .missing, value: value, explanation: explanation, evidence: evidence)
    }

    func defaultDeny() -> Control {
        let deny = index.defaultDeny(in: name)
        let evidence = deny.policy.map { [Evidence("namespace-wide ALLOW enforced by ztunnel", in: $0.resource)] } ?? []
            + deny.nearMisses.map { Evidence("not a default deny (\($0.reason.rawValue))", in: $0.policy.resource) }
        guard inMesh else {
            return Control(id: .defaultDeny, state: .notApplicable, value: deny.holds ? "yes" : "no",
                           explanation: "not in the mesh", evidence: evidence)
        }
        switch deny.scope {
        case .namespace:
            return Control(id: .defaultDeny, state: .met, value: "yes",
                           explanation: "a namespace-wide ALLOW makes everything else denied", evidence: evidence)
        case .mesh:
            return Control(id: .defaultDeny, state: .met, value: "mesh-wide",
                           explanation: "a mesh-wide ALLOW in the root namespace makes everything else denied", evidence: evidence)
        case nil:
            return Control(id: .defaultDeny, state: .missing, value: "no",
                           explanation: "no namespace-wide ALLOW enforced by ztunnel: every workload of the mesh may connect", evidence: evidence)
        }
    }

    func waypoint() -> Control {
        let waypoints = self.waypoints
        guard !waypoints.isEmpty else {
            return Control(id: .waypoint, state: facts.dataplaneMode == .ambient ? .missing : .notApplicable, value: "none",
                           explanation: "no waypoint: L7 policy and JWT validation are not possible", evidence: [])
        }
        var evidence: [Evidence] = []
        var parts: [String] = []
        var resilient = true
        for waypoint in waypoints {
            let scaling = index.scaling(of: waypoint)
            evidence.append(Evidence(
                "waypoint for \(waypoint.trafficType?.rawValue ?? "service") traffic", in: waypoint.gateway.resource))
            var part = (waypoint.namespace == name ? waypoint.name : "\(waypoint.namespace)/\(waypoint.name)")
                + " (for \(waypoint.trafficType?.rawValue ?? "service"))"
            let autoscalers = index.horizontalPodAutoscalers.filter {
                $0.resource.namespace == waypoint.namespace && $0.scaleTargetName?.value == waypoint.deploymentName
            }
            if let replicas = scaling.replicas {
                evidence.append(Evidence(replicas.detail, in: replicas.resource, at: replicas.span))
                if let hpa = autoscalers.first {
                    part += ", HPA \(hpa.minReplicas.value)–\(hpa.maxReplicas.map { String($0.value) } ?? "?")"
                } else {
                    part += ", 2+ replicas"
                }
            } else {
                resilient = false
                part += ", 1 replica"
                evidence += scaling.singleReplicaSettings.map { Evidence($0.detail, in: $0.resource, at: $0.span) }
            }
            if let budget = scaling.disruptionBudget {
                evidence.append(Evidence(budget.detail, in: budget.resource, at: budget.span))
                part += ", PDB"
            } else {
                resilient = false
                part += ", no PDB"
            }
            parts.append(part)
        }
        return Control(
            id: .waypoint, state: resilient ? .met : .partial, value: parts.joined(separator: "; "),
            explanation: resilient
                ? "a waypoint with two or more replicas and a disruption budget"
                : "a waypoint that a node drain can take down (a single replica or no PodDisruptionBudget)",
            evidence: evidence)
    }

    func jwtValidation() -> Control {
        let waypoints = self.waypoints
        guard !waypoints.isEmpty else {
            let ignored = index.requestAuthentications(in: name)
            return Control(
                id: .jwtValidation, state: facts.dataplaneMode == .ambient ? .missing : .notApplicable, value: "none",
                explanation: ignored.isEmpty
                    ? "no waypoint to validate tokens"
                    : "RequestAuthentications without a waypoint: ztunnel cannot validate tokens",
                evidence: ignored.map { Evidence("not enforced: no waypoint", in: $0.resource) })
        }
        var seen = Set<ResourceOrigin>()
        let policies = waypoints.flatMap { index.requestAuthentications(at: $0).map(\.policy) }
            .filter { seen.insert($0.resource.origin).inserted }
        guard !policies.isEmpty else {
            return Control(id: .jwtValidation, state: .missing, value: "none",
                           explanation: "no RequestAuthentication at the waypoint", evidence: [])
        }
        let rules = policies.flatMap(\.jwtRules)
        let issuers = Array(Set(rules.compactMap { $0.issuer?.value })).sorted()
        let audiences = Array(Set(rules.flatMap { $0.audiences.map(\.value) })).sorted()
        let evidence = policies.flatMap { policy in
            policy.jwtRules.map { rule in
                Evidence("issuer \(rule.issuer?.value ?? "(none)")"
                         + (rule.audiences.isEmpty ? ", any audience" : ", audiences " + rule.audiences.map(\.value).joined(separator: ", ")),
                         in: policy.resource, at: rule.issuer?.span)
            }
        }
        return Control(
            id: .jwtValidation, state: audiences.isEmpty ? .partial : .met,
            value: "issuers: \(issuers.joined(separator: ", ")); audiences: \(audiences.isEmpty ? "any" : audiences.joined(separator: ", "))",
            explanation: audiences.isEmpty ? "tokens are validated but any audience is accepted" : "tokens are validated at the waypoint",
            evidence: evidence)
    }

    func tokenRequired() -> Control {
        let bound = index.tokenRequirements(in: name)
        guard !bound.isEmpty else {
            return Control(id: .tokenRequired, state: facts.dataplaneMode == .ambient ? .missing : .notApplicable, value: "no",
                           explanation: "no Service is bound to a waypoint", evidence: [])
        }
        var evidence: [Evidence] = []
        var seen = Set<ResourceOrigin>()
        for (_, requirement) in bound {
            for policy in requirement.enforcedBy where seen.insert(policy.resource.origin).inserted {
                evidence.append(Evidence("requires a request principal", in: policy.resource))
            }
        }
        let mandatory = bound.filter(\.requirement.isMandatory).count
        let state: ControlState = mandatory == bound.count ? .met : mandatory == 0 ? .missing : .partial
        let value = state == .met ? "yes" : state == .missing ? "no" : "\(mandatory) of \(bound.count) Services"
        return Control(
            id: .tokenRequired, state: state, value: value,
            explanation: state == .met
                ? "every Service at the waypoint needs a valid token"
                : "requests without a token reach \(bound.count - mandatory) of \(bound.count) Services as anonymous",
            evidence: evidence)
    }

    func l7Policies() -> Control {
        let waypoints = self.waypoints
        let services = Set(index.boundServices(in: name).map { ObjectKey(namespace: name, name: $0.service.name) })
        var seen = Set<ResourceOrigin>()
        let policies = waypoints.flatMap { waypoint in
            index.authorizationPolicies(at: waypoint).filter { placement in
                placement.service.map(services.contains) ?? (waypoint.namespace == name)
            }.map(\.policy)
        }.filter { seen.insert($0.resource.origin).inserted && !$0.isDryRun }
        guard !policies.isEmpty else {
            return Control(id: .l7Policies, state: facts.dataplaneMode == .ambient ? .missing : .notApplicable, value: "none",
                           explanation: waypoints.isEmpty ? "no waypoint enforces L7 policy" : "no AuthorizationPolicy at the waypoint",
                           evidence: [])
        }
        return Control(
            id: .l7Policies, state: .met, value: "\(policies.count) polic\(policies.count == 1 ? "y" : "ies")",
            explanation: "AuthorizationPolicies enforced at the waypoint, with every HTTP attribute",
            evidence: policies.map { Evidence("\($0.action?.rawValue ?? "ALLOW") at the waypoint", in: $0.resource) })
    }
}

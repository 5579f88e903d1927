import YAMLModel

/// A RequestAuthentication in an ambient namespace that no waypoint enforces: it validates nothing.
struct RequestAuthenticationWithoutWaypointRule: BuiltInRule {
    /// The ambient namespace `payments`.
    private static let ambientNamespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: payments
          labels: {istio.io/dataplane-mode: ambient}
        ---

        """

    /// A waypoint in `payments`, with the Service `ledger` bound to it.
    private static let waypointWithLedger = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: waypoint, namespace: payments}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: ledger
          namespace: payments
          labels: {istio.io/use-waypoint: waypoint}
        spec: {selector: {app: ledger}, ports: [{port: 8080}]}
        ---

        """

    /// The Deployment behind `ledger`, with extra pod labels.
    private static func ledgerDeployment(podLabels: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ledger, namespace: payments}
        spec:
          selector: {matchLabels: {app: ledger}}
          template:
            metadata:
              labels: {app: ledger\(podLabels)}
            spec:
              containers: [{name: ledger, image: ledger:1.0}]
        ---

        """
    }

    /// A RequestAuthentication of `payments` with `spec` (indented two spaces) and an Entra ID jwtRule.
    private static func requestAuthentication(_ name: String = "ledger-jwt", namespace: String = "payments",
                                              nameMarker: String = "", spec: String) -> String {
        """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata:
          name: \(nameMarker)\(name)
          namespace: \(namespace)
        spec:
        \(spec)
          jwtRules:
          - issuer: "https://login.microsoftonline.com/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/v2.0"
            jwksUri: "https://login.microsoftonline.com/8f2c1d3e-4b5a-4c6d-9e7f-0a1b2c3d4e5f/discovery/v2.0/keys"
            audiences: ["3f6b2a10-9c1d-4e8f-a7b6-5d4c3b2a1f0e"]
        """
    }

    static let description = RuleDescription(
        id: "request-authentication-without-waypoint",
        name: "RequestAuthentication without waypoint",
        summary: "A RequestAuthentication in an ambient namespace is enforced by no waypoint, so it validates no token.",
        rationale: """
            In ambient mode JWTs are validated only by waypoints: ztunnel works at L4 and cannot read a \
            request's headers. A waypoint applies a RequestAuthentication only when it targets the \
            waypoint's Gateway, a Service bound to the waypoint, or (from the root namespace) the \
            `istio-waypoint` GatewayClass. A RequestAuthentication with a `selector`, or with neither \
            `selector` nor `targetRefs`, works with sidecars but does nothing for ambient workloads; one that \
            targets a Service with no waypoint is enforced nowhere. Either way invalid and forged tokens \
            reach the applications, and rules on request principals never match. Sidecar namespaces are \
            not concerned: sidecars enforce selector and namespace-wide RequestAuthentications.
            """,
        remediation: """
            Enforce it at a waypoint: replace `selector` with `targetRefs` to the waypoint's Gateway (or to \
            Services bound to it), keeping the jwtRules:
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata:
              name: <name>
              namespace: <namespace>
            spec:
              targetRefs:
              - kind: Gateway
                group: gateway.networking.k8s.io
                name: <waypoint>
              jwtRules:
              - issuer: "https://issuer.example.com"
                jwksUri: "https://issuer.example.com/.well-known/jwks.json"
            For a targeted Service with no waypoint, label it (or its Namespace) with \
            `istio.io/use-waypoint: <waypoint>`, or target the waypoint's Gateway instead.
            """,
        severity: .error,
        area: .authentication,
        tags: ["security", "authentication", "jwt", "ambient"],
        securitySeverity: 8.1,
        precision: .high,
        references: [
            "https://istio.io/latest/docs/ambient/usage/l7-features/",
            "https://istio.io/latest/docs/ambient/migrate/migrate-policies/",
            "https://istio.io/latest/docs/reference/config/security/request_authentication/",
        ],
        inputs: [.namespace, .gateway, .gatewayClass, .service, .serviceEntry, .deployment, .requestAuthentication],
        triggeringExamples: [
            // A selector RequestAuthentication: ztunnel cannot validate JWTs, the waypoint ignores it.
            Example(Self.ambientNamespace + Self.waypointWithLedger + Self.ledgerDeployment() + Self.requestAuthentication(spec: """
                  ↓selector:
                    matchLabels: {app: ledger}
                """)),
            // A namespace-wide one (no selector, no targetRefs): at its name.
            Example(Self.ambientNamespace + Self.requestAuthentication("payments-jwt", nameMarker: "↓", spec: "")),
            // A mesh-wide one from an ambient root namespace.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: istio-system
                  labels: {istio.io/dataplane-mode: ambient}
                ---

                """ + Self.requestAuthentication("mesh-jwt", namespace: "istio-system", nameMarker: "↓", spec: "")),
            // The selector also matches a sidecar pod, but the ambient one validates nothing.
            Example(Self.ambientNamespace + Self.ledgerDeployment() + """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger-legacy, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger-legacy}}
                  template:
                    metadata:
                      labels: {app: ledger, sidecar.istio.io/inject: "true"}
                    spec:
                      containers: [{name: ledger, image: ledger:0.9}]
                ---

                """ + Self.requestAuthentication(spec: """
                  ↓selector: {matchLabels: {app: ledger}}
                """)),
            // A targetRef to a Service with no istio.io/use-waypoint label.
            Example(Self.ambientNamespace + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---

                """ + Self.requestAuthentication(spec: """
                  targetRefs:
                  - ↓kind: Service
                    group: ""
                    name: ledger
                """)),
            // Only the unbound Service's entry is reported; the bound one is enforced by the waypoint.
            Example(Self.ambientNamespace + Self.waypointWithLedger + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: reports
                  namespace: payments
                  labels: {istio.io/use-waypoint: none}
                spec: {selector: {app: reports}, ports: [{port: 8080}]}
                ---

                """ + Self.requestAuthentication(spec: """
                  targetRefs:
                  - {kind: Service, group: "", name: ledger}
                  - ↓{kind: Service, group: "", name: reports}
                """)),
            // A Service bound to a workload-only waypoint has no waypoint for its traffic.
            Example(Self.ambientNamespace + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: waypoint
                  namespace: payments
                  labels: {istio.io/waypoint-for: workload}
                spec:
                  gatewayClassName: istio-waypoint
                  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  namespace: payments
                  labels: {istio.io/use-waypoint: waypoint}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---

                """ + Self.requestAuthentication(spec: """
                  targetRefs: [↓{kind: Service, group: "", name: ledger}]
                """)),
        ],
        nonTriggeringExamples: [
            // targetRefs to the waypoint's Gateway.
            Example(Self.ambientNamespace + Self.waypointWithLedger + Self.requestAuthentication(spec: """
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
                """)),
            // targetRefs to a Service bound to the waypoint (through the Namespace's label).
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: waypoint, namespace: payments}
                spec:
                  gatewayClassName: istio-waypoint
                  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---

                """ + Self.requestAuthentication(spec: """
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                """)),
            // Sidecars enforce selector RequestAuthentications.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio-injection: enabled}
                ---

                """ + Self.requestAuthentication(spec: """
                  selector: {matchLabels: {app: ledger}}
                """)),
            // The selector matches only a pod with a sidecar, which enforces it.
            Example(Self.ambientNamespace + Self.ledgerDeployment(podLabels: ", sidecar.istio.io/inject: \"true\"")
                + Self.requestAuthentication(spec: """
                  selector: {matchLabels: {app: ledger}}
                """)),
            // The namespace's mode is unknown (no Namespace object): no guess.
            Example(Self.requestAuthentication("payments-jwt", spec: "")),
            // A mesh-wide one from a root namespace that is not in ambient.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: istio-system}
                ---

                """ + Self.requestAuthentication("mesh-jwt", namespace: "istio-system", spec: "")),
            // A targeted Service not in the input, although its namespace is: policy-target-invalid's case.
            Example(Self.ambientNamespace + Self.requestAuthentication(spec: """
                  targetRefs: [{kind: Service, group: "", name: missing}]
                """)),
            // A Service bound to a waypoint in a namespace not in the input: cannot be judged.
            Example(Self.ambientNamespace + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  namespace: payments
                  labels: {istio.io/use-waypoint: shared-waypoint, istio.io/use-waypoint-namespace: platform}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---

                """ + Self.requestAuthentication(spec: """
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                """)),
            // selector together with targetRefs: istiod rejects it (policy-target-invalid).
            Example(Self.ambientNamespace + Self.waypointWithLedger + Self.requestAuthentication(spec: """
                  selector: {matchLabels: {app: ledger}}
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
                """)),
            // A targetRef to a Service without waypoint in a sidecar namespace.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/rev: stable}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---

                """ + Self.requestAuthentication(spec: """
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                """)),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        for policy in index.requestAuthentications {
            let namespace = policy.namespace ?? "default"
            let facts = index.namespace(namespace)
            guard facts.dataplaneMode == .ambient else { continue }
            let attachment = index.attachment(of: policy)
            switch attachment.scope {
            case .workloadSelector, .namespace, .mesh:
                if let finding = ztunnelScoped(policy, scope: attachment.scope, namespace: facts, in: index) {
                    findings.append(finding)
                }
            case .targetRefs:
                for target in attachment.targets {
                    guard case .serviceWithoutWaypoint(let service, let binding) = target.outcome else { continue }
                    findings.append(unboundService(policy, target: target, service: service, binding: binding, in: index))
                }
            case .selectorAndTargetRefs:
                continue
            }
        }
        return findings
    }

    // MARK: Selector and namespace-wide policies

    private func ztunnelScoped(
        _ policy: RequestAuthenticationView, scope: PolicyAttachment.Scope, namespace: NamespaceFacts, in index: MeshIndex
    ) -> Finding? {
        let covered = index.workloads(coveredBy: policy)
        // Pods with a sidecar enforce the policy themselves.
        let unprotected = covered.filter { index.enrollment(of: $0).mode != .sidecar }
        if !covered.isEmpty, unprotected.isEmpty { return nil }
        let ambient = unprotected.filter { index.enrollment(of: $0).mode == .ambient }

        var message = "\(policy.resource.displayName) is enforced by no waypoint: it \(AuthenticationRemediation.describe(scope)) "
            + "in ambient namespace \(namespace.name). ztunnel cannot validate JWTs and waypoints ignore "
            + "selector/namespace-wide RequestAuthentications: it validates nothing."
        if !ambient.isEmpty {
            message += " Invalid tokens reach \(AuthenticationRemediation.list(ambient.map(\.resource.displayName))) unchecked."
        }
        var related: [RelatedLocation] = []
        if let object = namespace.object, let label = namespace.dataplaneLabel {
            related.append(RelatedLocation("makes the namespace ambient", in: object.resource, at: label.entrySpan))
        }
        related += ambient.prefix(3).map { RelatedLocation("an ambient workload the policy means to protect", in: $0.resource) }
        let (refs, waypoints) = Self.suggestedTargets(for: policy, scope: scope, covering: ambient, in: index)
        related += waypoints.prefix(3).map { RelatedLocation("a waypoint that would enforce it through targetRefs", in: $0.gateway.resource) }

        let span = scope == .workloadSelector ? (policy.selectorSpan ?? policy.resource.nameSpan) : policy.resource.nameSpan
        return finding(message, on: policy.resource, at: span, related: related,
                       remediation: Self.remediation(for: policy, scope: scope, refs: refs, namespace: namespace.name))
    }

    /// The targetRefs that would enforce the policy where it was meant to apply, and the waypoints they reach.
    private static func suggestedTargets(
        for policy: RequestAuthenticationView, scope: PolicyAttachment.Scope, covering workloads: [WorkloadView],
        in index: MeshIndex
    ) -> (refs: [AuthenticationRemediation.Ref], waypoints: [Waypoint]) {
        let namespace = policy.namespace ?? "default"
        if scope == .mesh { return ([.waypointClass], index.waypoints) }
        var refs: [AuthenticationRemediation.Ref] = []
        var waypoints: [Waypoint] = []
        func add(_ ref: AuthenticationRemediation.Ref, _ waypoint: Waypoint) {
            if !refs.contains(ref) { refs.append(ref) }
            if !waypoints.contains(where: { $0.key == waypoint.key }) { waypoints.append(waypoint) }
        }
        if scope == .workloadSelector {
            // The bound Services in front of the selected pods: the same traffic, now at their waypoint.
            for workload in workloads where workload.namespace == namespace {
                for service in index.services(selecting: workload) {
                    if let waypoint = index.binding(of: service.resource).waypoint { add(.object(service.resource), waypoint) }
                }
            }
        } else {
            for waypoint in index.waypoints(in: namespace) { add(.gateway(waypoint.name), waypoint) }
            if refs.isEmpty {
                for (service, waypoint) in index.boundServices(in: namespace) { add(.object(service), waypoint) }
            }
        }
        if refs.isEmpty {
            for waypoint in index.waypoints(in: namespace) { add(.gateway(waypoint.name), waypoint) }
        }
        return (refs, waypoints)
    }

    private static func remediation(
        for policy: RequestAuthenticationView, scope: PolicyAttachment.Scope, refs: [AuthenticationRemediation.Ref],
        namespace: String
    ) -> String {
        let change = scope == .workloadSelector ? "replace `selector` with `targetRefs`" : "add `targetRefs`"
        var intro = "Enforce \(policy.resource.displayName) at a waypoint: \(change), keeping the jwtRules"
        var targets = refs
        if targets.isEmpty {
            intro = "Deploy a waypoint for namespace \(namespace) (istioctl waypoint apply -n \(namespace) --enroll-namespace), "
                + "then enforce \(policy.resource.displayName) there: \(change), keeping the jwtRules"
            targets = [.gateway("waypoint")]
        }
        return intro + ":\n" + AuthenticationRemediation.requestAuthentication(
            name: policy.name, namespace: namespace, refs: targets, jwtRulesFrom: policy)
    }

    // MARK: Targeted Services without a waypoint

    private func unboundService(
        _ policy: RequestAuthenticationView, target: ResolvedTarget, service: Resource, binding: WaypointBinding,
        in index: MeshIndex
    ) -> Finding {
        let namespace = service.namespace ?? "default"
        let (explanation, waypointName) = Self.explain(binding, service: service, in: index)
        let reason = explanation.prefix(1).uppercased() + explanation.dropFirst()
        let message = "\(policy.resource.displayName) targets \(service.displayName), which has no waypoint: "
            + "the policy is enforced nowhere. \(reason). In ambient mode only a waypoint validates JWTs; ztunnel cannot."
        var related = [RelatedLocation("the targeted \(service.kind), with no waypoint", in: service,
                                       at: AuthenticationRemediation.bindingSpan(of: service, in: index))]
        if let request = binding.request, request.source == .namespaceLabel, let object = index.namespace(namespace).object {
            related.append(RelatedLocation("the namespace's istio.io/use-waypoint label", in: object.resource, at: request.label.entrySpan))
        }
        switch binding.status {
        case .trafficTypeNotAccepted(let waypoint), .namespaceNotAllowed(let waypoint):
            related.append(RelatedLocation("the waypoint istio.io/use-waypoint names", in: waypoint.gateway.resource))
        default:
            break
        }
        let kind = service.kind.lowercased()
        var fix = "Send \(service.displayName) through a waypoint: add the label to its metadata.labels\n"
            + "    \(WellKnown.useWaypointLabel): \(AuthenticationRemediation.scalar(waypointName))\n"
            + "(kubectl label \(kind) \(service.name) -n \(namespace) \(WellKnown.useWaypointLabel)=\(waypointName) --overwrite), "
            + "or label Namespace \(namespace) the same way, or target the waypoint's Gateway instead:\n"
            + AuthenticationRemediation.targetRefs([.gateway(waypointName)])
        if index.waypoint(ObjectKey(namespace: namespace, name: waypointName)) == nil {
            fix += "Waypoint \(namespace)/\(waypointName) is not in the input: deploy it with "
                + "istioctl waypoint apply -n \(namespace) --name \(waypointName)."
        }
        if case .trafficTypeNotAccepted(let waypoint) = binding.status {
            fix += "Also set istio.io/waypoint-for: service (or all) on Gateway \(waypoint.namespace)/\(waypoint.name)."
        }
        return finding(message, on: policy.resource, at: target.ref.span, related: related, remediation: fix)
    }

    /// Why the Service has no waypoint, and the waypoint to suggest.
    private static func explain(_ binding: WaypointBinding, service: Resource, in index: MeshIndex) -> (String, String) {
        let namespace = service.namespace ?? "default"
        let fallback = index.waypoints(in: namespace).first?.name ?? "waypoint"
        let label = binding.request.map { "\($0.label.key): \($0.label.value)" } ?? ""
        let labelHolder = binding.request?.source == .namespaceLabel ? "Namespace \(namespace)'s label" : "its label"
        switch binding.status {
        case .notRequested, .bound, .unresolved, .waypointNotInInput:
            return ("Neither it nor Namespace \(namespace) carries \(WellKnown.useWaypointLabel)", fallback)
        case .optedOut:
            return ("\(labelHolder) \(label) opts it out of waypoints", fallback)
        case .waypointNotFound:
            let key = binding.request?.waypointKey
            return ("\(labelHolder) \(label) names Gateway \(key?.description ?? ""), which is not in the input",
                    key?.namespace == namespace ? key?.name ?? fallback : fallback)
        case .trafficTypeNotAccepted(let waypoint):
            let type = waypoint.trafficType?.rawValue ?? "an unknown value"
            return ("\(labelHolder) names waypoint \(waypoint.namespace)/\(waypoint.name), which is istio.io/waypoint-for: \(type) "
                    + "and takes no Service traffic", waypoint.namespace == namespace ? waypoint.name : fallback)
        case .namespaceNotAllowed(let waypoint):
            return ("\(labelHolder) names waypoint \(waypoint.namespace)/\(waypoint.name), whose HBONE listener does not "
                    + "allow namespace \(namespace) (allowedRoutes)", fallback)
        }
    }
}

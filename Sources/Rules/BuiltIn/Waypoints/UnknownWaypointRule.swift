import YAMLModel

/// An `istio.io/use-waypoint` label naming a Gateway that is missing, or that is not a waypoint.
struct UnknownWaypointRule: BuiltInRule {
    /// Service `ledger` of `payments` whose own label (marked) names `waypoint`.
    private static func ledger(usingWaypoint waypoint: String) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: ledger
          namespace: payments
          labels:
            ↓istio.io/use-waypoint: \(waypoint)
        spec: {selector: {app: ledger}, ports: [{port: 8080}]}
        """
    }

    static let description = RuleDescription(
        id: "unknown-waypoint",
        name: "Unknown waypoint",
        summary: "An istio.io/use-waypoint label names a Gateway that does not exist, or one of a class nothing declares a waypoint class.",
        rationale: """
            `istio.io/use-waypoint: <name>` on a Namespace, Service, ServiceEntry or pod asks istiod to \
            send that object's traffic through the waypoint `<name>`: the Gateway of that name in the \
            object's namespace, or in the namespace named by `istio.io/use-waypoint-namespace`. istiod \
            takes any Gateway as the waypoint, whatever its class (kgateway and agentgateway provide \
            their own, declared by `ambient.istio.io/waypoint-inbound-binding` on the Gateway or its \
            GatewayClass). When the Gateway does not exist, nothing tells you: the object has no \
            waypoint, its traffic gets no L7 processing, and every AuthorizationPolicy, \
            RequestAuthentication or route meant for the waypoint is enforced nowhere. An object's own \
            label is not replaced by its namespace's when it names a missing waypoint. The value `none` \
            is an opt-out, not a reference. A Gateway the input does not hold may be defined in another \
            repository: that is a note, and an error only when the name is a near miss of a Gateway the \
            input holds or the namespace is declared complete (`complete:` in .meshlint.yaml, or \
            `--complete`). A Gateway of a class neither `istio-waypoint` nor declared a waypoint class is \
            bound all the same, with a note. A bad namespace label is reported once, at the Namespace, not \
            at every object inheriting it.
            """,
        remediation: """
            Name a waypoint that exists (a Gateway of class istio-waypoint in the namespace the label points at), \
            or add it:
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: <waypoint-name>
              namespace: <namespace>
            spec:
              gatewayClassName: istio-waypoint
              listeners:
              - name: mesh
                port: 15008
                protocol: HBONE
            """,
        severity: .error,
        area: .waypoints,
        tags: ["waypoint", "binding", "ambient"],
        precision: .high,
        references: [
            "https://istio.io/latest/docs/ambient/usage/waypoint/#useawaypoint",
            "https://github.com/istio/istio/blob/master/pilot/pkg/serviceregistry/ambient/waypoints.go",
            "https://istio.io/latest/docs/ambient/usage/waypoint/#usewaypointnamespace",
            "https://istio.io/latest/docs/reference/config/labels/",
        ],
        inputs: [.namespace, .service, .serviceEntry, .pod, .deployment, .gateway],
        triggeringExamples: [
            // A Service names a waypoint its namespace, which the input holds whole, does not have.
            Example(ExampleFixtures.paymentsWithWaypoint + ledger(usingWaypoint: "ledger-waypoint"), configuration: "complete: [payments]\n"),
            // A misspelt waypoint name is an error without declaring anything.
            Example(ExampleFixtures.paymentsWithWaypoint + ledger(usingWaypoint: "payments-waypiont")),
            // A bad namespace label is reported once, at the Namespace, not at the Service inheriting it.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels:
                    istio.io/dataplane-mode: ambient
                    ↓istio.io/use-waypoint: waypoint
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  template:
                    metadata: {labels: {app: ledger}}
                """),
            // A ServiceEntry names an ingress Gateway, not a waypoint.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: edge, namespace: payments}
                spec:
                  gatewayClassName: istio
                  listeners: [{name: http, port: 80, protocol: HTTP}]
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: card-network
                  namespace: payments
                  labels: {↓istio.io/use-waypoint: edge}
                spec:
                  hosts: [api.cards.example.com]
                  ports: [{number: 443, name: https, protocol: TLS}]
                  resolution: DNS
                """),
            // A pod template names a waypoint in another namespace whose manifests are in the input.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: mesh-infra}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  template:
                    metadata:
                      labels:
                        app: ledger
                        ↓istio.io/use-waypoint: shared-waypoint
                        istio.io/use-waypoint-namespace: mesh-infra
                """),
            // A namespace label pointing across namespaces at a Gateway of another class.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels:
                    istio.io/dataplane-mode: ambient
                    ↓istio.io/use-waypoint: shared
                    istio.io/use-waypoint-namespace: mesh-infra
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: shared, namespace: mesh-infra}
                spec:
                  gatewayClassName: istio
                  listeners: [{name: https, port: 443, protocol: HTTPS}]
                """),
        ],
        nonTriggeringExamples: [
            // The named waypoint exists, for the namespace and for a Service with its own.
            Example(ExampleFixtures.paymentsWithWaypoint + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: ledger-waypoint, namespace: payments}
                spec:
                  gatewayClassName: istio-waypoint
                  listeners: [{name: mesh, port: 15008, protocol: HBONE}]
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  namespace: payments
                  labels: {istio.io/use-waypoint: ledger-waypoint}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                """),
            // `none` opts out: it names no Gateway.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: none}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  namespace: payments
                  labels: {istio.io/use-waypoint: none}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                """),
            // The waypoint's namespace is not in the input: it may well be deployed there.
            Example("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  namespace: payments
                  labels:
                    istio.io/use-waypoint: shared-waypoint
                    istio.io/use-waypoint-namespace: mesh-infra
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                """),
            // A waypoint in another namespace, of class istio-waypoint, named by a pod template.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: shared-waypoint
                  namespace: mesh-infra
                  labels: {istio.io/waypoint-for: workload}
                spec:
                  gatewayClassName: istio-waypoint
                  listeners:
                  - name: mesh
                    port: 15008
                    protocol: HBONE
                    allowedRoutes: {namespaces: {from: All}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  template:
                    metadata:
                      labels:
                        app: ledger
                        istio.io/use-waypoint: shared-waypoint
                        istio.io/use-waypoint-namespace: mesh-infra
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        // A namespace's own label, once, whatever inherits it.
        for namespace in index.namespaces {
            // An empty value names no Gateway: there is nothing to look up.
            guard let label = index.waypointLabel(of: namespace), !label.request.label.value.isEmpty else { continue }
            let resource = label.namespace.resource
            switch label.target {
            case .waypointNotFound, .waypointNotInInput:
                findings.append(notFound(label.request, on: resource, traffic: .service, index: index))
            case .waypoint(let waypoint):
                if let note = unknownClass(waypoint, label.request, on: resource) { findings.append(note) }
            case .optedOut, .unresolved:
                continue
            }
        }
        // Objects' own labels; inherited ones were reported at the namespace.
        let candidates: [(Resource, BoundTraffic)] = index.services.map { ($0.resource, .service) }
            + index.serviceEntries.map { ($0.resource, .service) }
            + index.workloads.map { ($0.resource, .workload) }
        for (resource, traffic) in candidates {
            let binding = index.binding(of: resource)
            guard let request = binding.request, request.source == .ownLabel, !request.label.value.isEmpty else { continue }
            switch binding.status {
            case .waypointNotFound, .waypointNotInInput:
                findings.append(notFound(request, on: resource, traffic: traffic, index: index))
            case .bound(let waypoint), .trafficTypeNotAccepted(let waypoint), .namespaceNotAllowed(let waypoint):
                if let note = unknownClass(waypoint, request, on: resource) { findings.append(note) }
            default:
                continue
            }
        }
        return findings
    }

    /// A label naming a Gateway the input does not hold: an error where the Gateway provably does
    /// not exist (a complete namespace, or a near miss of a Gateway the input holds), else a note.
    private func notFound(
        _ request: WaypointBinding.Request, on resource: Resource, traffic: BoundTraffic, index: MeshIndex
    ) -> Finding {
        let key = request.waypointKey
        let namespace = key.namespace ?? "default"
        let absence = index.absence(of: key.name, in: namespace, among: index.names(of: .gateway, in: namespace))
        let existing = index.waypoints(in: namespace)
        let known = existing.isEmpty
            ? "with no waypoint at all"
            : "with waypoint\(existing.count == 1 ? "" : "s") \(existing.map(\.name).joined(separator: ", "))"
        var related = existing.prefix(3).map { waypoint in
            RelatedLocation("waypoint \(waypoint.key) is in the input", in: waypoint.gateway.resource)
        }
        if let crossNamespace = request.namespaceLabel {
            related.insert(
                RelatedLocation("istio.io/use-waypoint-namespace points at namespace \(namespace)", in: resource, at: crossNamespace.entrySpan),
                at: 0)
        }
        let typo = absence.suggestions.first.map { " Did you mean \($0)?" } ?? ""
        let place = index.namespace(namespace).isPresent
            ? "namespace \(namespace) is, \(known)"
            : "namespace \(namespace), declared complete, holds nothing in the input"
        let reported = finding(
            "\(resource.displayName) uses waypoint \(key), which is not in the input: \(place).\(typo) "
                + Self.consequence(for: resource, proven: absence.isConclusive),
            on: resource, at: request.label.entrySpan, related: related,
            remediation: Self.remediation(for: resource, request: request, traffic: traffic, index: index))
        return absence.isConclusive ? reported : reported.inconclusive(namespace: namespace)
    }

    /// A note for a waypoint Gateway of a class nothing declares a waypoint class: istiod binds to
    /// it all the same, but if the class cannot serve as one, the traffic breaks or skips L7.
    private func unknownClass(_ waypoint: Waypoint, _ request: WaypointBinding.Request, on resource: Resource) -> Finding? {
        guard case .unknownClass(let className) = waypoint.implementation else { return nil }
        let gateway = waypoint.gateway
        var note = finding(
            "\(resource.displayName) uses Gateway \(gateway.key) of class \(className.isEmpty ? "(none)" : className) as its "
                + "waypoint. istiod takes any Gateway as a waypoint, but "
                + (className == GatewayDeployment.istioGatewayClass
                    ? "class istio is Istio's ingress and egress gateway, which is not deployed to receive waypoint traffic (no "
                    : "nothing in the input declares this class one (no ")
                + "\(WellKnown.waypointInboundBindingAnnotation) annotation on the Gateway or its GatewayClass, and it is not "
                + "\(WellKnown.waypointGatewayClass)): if the class cannot receive mesh traffic as a waypoint, the traffic "
                + "bound to it fails or gets no L7 processing.",
            on: resource, at: request.label.entrySpan,
            related: [RelatedLocation("Gateway \(gateway.key), of class \(className)", in: gateway.resource,
                                      at: gateway.gatewayClassName?.entrySpan)],
            remediation: """
                Use a waypoint of class \(WellKnown.waypointGatewayClass), or, for another implementation (kgateway, \
                agentgateway), annotate its GatewayClass with how it receives inbound mesh traffic:
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata:
                  name: \(AuthenticationRemediation.scalar(className))
                  annotations:
                    \(WellKnown.waypointInboundBindingAnnotation): PROXY/15088
                """)
        // Istio's own ingress and egress class is known not to be one: that is likely a mistake.
        note.severity = className == GatewayDeployment.istioGatewayClass ? .warning : .note
        return note
    }

    /// The sentence saying what is left without a waypoint, and what that costs.
    private static func consequence(for resource: Resource, proven: Bool) -> String {
        let (subject, traffic): (String, String) = switch resource.groupKind {
        case .namespace: ("The namespace's Services and pods have", "their traffic")
        case .service, .serviceEntry: ("It has", "its traffic")
        default: ("Its pods have", "traffic addressed to them")
        }
        return (proven ? "" : "If it does not exist, ")
            + "\(proven ? subject : subject.lowercased()) no waypoint, so \(traffic) gets no L7 processing and the policies meant "
            + "for the waypoint are enforced nowhere."
    }

    /// Either an existing waypoint of that namespace, or the Gateway to add, with the real names.
    private static func remediation(
        for resource: Resource, request: WaypointBinding.Request, traffic: BoundTraffic, index: MeshIndex
    ) -> String {
        let key = request.waypointKey
        let namespace = key.namespace ?? "default"
        let home = resource.groupKind == .namespace ? resource.name : (resource.namespace ?? "default")
        let crossNamespace = namespace != home
        var parts: [String] = []
        func labels(naming name: String) -> String {
            var entries: [(key: String, value: String)] = [(WellKnown.useWaypointLabel, name)]
            if crossNamespace { entries.append((WellKnown.useWaypointNamespaceLabel, namespace)) }
            return WaypointRemediation.labels(entries, on: resource)
        }
        let usable = index.waypoints(in: namespace).filter { $0.trafficType?.accepts(traffic) == true }
        if let first = usable.first {
            let list = usable.map(WaypointRemediation.describe).joined(separator: ", ")
            parts.append("Name a waypoint that exists in namespace \(namespace) (\(list)):\n" + labels(naming: first.name))
        }
        let gateway = WaypointRemediation.gateway(
            name: key.name, namespace: namespace, trafficType: traffic == .workload ? .workload : .service,
            clientNamespaces: crossNamespace ? [home] : [])
        parts.append("\(parts.isEmpty ? "Add" : "Or add") the waypoint the label names:\n" + gateway)
        return parts.joined(separator: "\n")
    }
}

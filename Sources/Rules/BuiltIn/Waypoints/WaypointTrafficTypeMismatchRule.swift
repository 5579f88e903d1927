import YAMLModel

/// A binding to a waypoint whose `istio.io/waypoint-for` does not take that kind of traffic.
struct WaypointTrafficTypeMismatchRule: BuiltInRule {
    /// A waypoint in `payments`, labelled `istio.io/waypoint-for: <trafficType>` unless nil.
    private static func waypoint(_ name: String, for trafficType: String?) -> String {
        let labels = trafficType.map { "\n  labels: {istio.io/waypoint-for: \($0)}" } ?? ""
        return """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: \(name)
              namespace: payments\(labels)
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            ---

            """
    }

    private static let ledgerService = """
        apiVersion: v1
        kind: Service
        metadata: {name: ledger, namespace: payments}
        spec: {selector: {app: ledger}, ports: [{port: 8080}]}
        ---

        """

    static let description = RuleDescription(
        id: "waypoint-traffic-type-mismatch",
        name: "Waypoint traffic type mismatch",
        summary: "A Service, ServiceEntry, pod or namespace is bound to a waypoint whose istio.io/waypoint-for does not take that kind of traffic.",
        rationale: """
            A waypoint takes the traffic its `istio.io/waypoint-for` label names: `service` (the \
            default) for traffic addressed to a Service or ServiceEntry, `workload` for traffic \
            addressed to a pod's own IP, `all` for both, `none` for nothing. The label is read from the \
            Gateway, else from the `istio-waypoint` GatewayClass. A Service labelled \
            `istio.io/use-waypoint` with a waypoint that is not for services, or a pod labelled with one \
            that is not for workloads, is silently not bound: its traffic gets no L7 processing and the \
            policies attached to the waypoint are enforced nowhere. A waypoint for `none`, or with a \
            value istiod does not know, binds nothing at all. A namespace label applies to both the \
            Services and the pods of the namespace, each taking it when the waypoint accepts its kind of \
            traffic: pods that inherit a namespace's `service` waypoint are the normal case, but \
            Services that inherit a `workload` waypoint go without one. A namespace label is reported \
            once, at the Namespace.
            """,
        remediation: """
            Set istio.io/waypoint-for on the waypoint Gateway to the traffic it must take (the Gateway's label \
            wins over its GatewayClass's), or bind to a waypoint that takes it:
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: <waypoint-name>
              namespace: <namespace>
              labels:
                istio.io/waypoint-for: all
            """,
        severity: .error,
        area: .waypoints,
        tags: ["waypoint", "binding", "ambient"],
        precision: .veryHigh,
        references: [
            "https://istio.io/latest/docs/ambient/usage/waypoint/",
            "https://istio.io/latest/docs/ambient/usage/waypoint/#useawaypoint",
            "https://istio.io/latest/docs/reference/config/labels/",
        ],
        inputs: [.namespace, .service, .serviceEntry, .pod, .deployment, .gateway, .gatewayClass],
        triggeringExamples: [
            // A Service bound to a waypoint for workloads only.
            Example(waypoint("pod-waypoint", for: "workload") + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  namespace: payments
                  labels:
                    ↓istio.io/use-waypoint: pod-waypoint
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                """),
            // A ServiceEntry bound to a waypoint whose GatewayClass makes it for workloads only.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata:
                  name: istio-waypoint
                  labels: {istio.io/waypoint-for: workload}
                spec:
                  controllerName: istio.io/mesh-controller
                ---

                """ + waypoint("egress-waypoint", for: nil) + """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: card-network
                  namespace: payments
                  labels: {↓istio.io/use-waypoint: egress-waypoint}
                spec:
                  hosts: [api.cards.example.com]
                  ports: [{number: 443, name: https, protocol: TLS}]
                  resolution: DNS
                """),
            // A pod template labelled directly with a waypoint for services (the default).
            Example(waypoint("waypoint", for: nil) + """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  template:
                    metadata:
                      labels:
                        app: ledger
                        ↓istio.io/use-waypoint: waypoint
                """),
            // A Pod labelled directly with a waypoint for nothing.
            Example(waypoint("waypoint", for: "none") + """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: ledger-debug
                  namespace: payments
                  labels: {↓istio.io/use-waypoint: waypoint}
                spec:
                  containers: [{name: app, image: ledger:1.4}]
                """),
            // A Service bound to a waypoint whose waypoint-for value istiod does not know.
            Example(waypoint("waypoint", for: "services") + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  namespace: payments
                  labels: {↓istio.io/use-waypoint: waypoint}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                """),
            // A namespace bound to a waypoint for nothing: once, at the namespace label, whatever inherits it.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels:
                    istio.io/dataplane-mode: ambient
                    ↓istio.io/use-waypoint: waypoint
                ---

                """ + waypoint("waypoint", for: "none") + ledgerService + ExampleFixtures.ledgerDeployment),
            // A namespace bound to a waypoint for workloads only: its Services inherit it and go without one.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient, ↓istio.io/use-waypoint: waypoint}
                ---

                """ + waypoint("waypoint", for: "workload") + ledgerService),
        ],
        nonTriggeringExamples: [
            // A Service bound to the default (service) waypoint.
            Example(waypoint("waypoint", for: nil) + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  namespace: payments
                  labels: {istio.io/use-waypoint: waypoint}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                """),
            // A ServiceEntry bound to a waypoint whose GatewayClass makes it for all traffic.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: GatewayClass
                metadata:
                  name: istio-waypoint
                  labels: {istio.io/waypoint-for: all}
                spec:
                  controllerName: istio.io/mesh-controller
                ---

                """ + waypoint("egress-waypoint", for: nil) + """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: card-network
                  namespace: payments
                  labels: {istio.io/use-waypoint: egress-waypoint}
                spec:
                  hosts: [api.cards.example.com]
                  ports: [{number: 443, name: https, protocol: TLS}]
                  resolution: DNS
                """),
            // Pods that only inherit their namespace's service waypoint: the normal case.
            Example(ExampleFixtures.paymentsWithWaypoint + ledgerService + ExampleFixtures.ledgerDeployment),
            // A pod template labelled directly with a waypoint for workloads.
            Example(waypoint("pod-waypoint", for: "workload") + """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  template:
                    metadata:
                      labels: {app: ledger, istio.io/use-waypoint: pod-waypoint}
                """),
            // A Service that opts out (`none`) of its namespace's waypoint, which is for workloads only.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}
                ---

                """ + waypoint("waypoint", for: "workload") + """
                apiVersion: v1
                kind: Service
                metadata:
                  name: ledger
                  namespace: payments
                  labels: {istio.io/use-waypoint: none}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                """),
            // A namespace waypoint for all traffic takes both Services and pods.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}
                ---

                """ + waypoint("waypoint", for: "all") + ledgerService + ExampleFixtures.ledgerDeployment),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        // Services and ServiceEntries that inherit a namespace label their waypoint does not take.
        var inheriting: [String: [Resource]] = [:]
        let services = index.services.map(\.resource) + index.serviceEntries.map(\.resource)
        for resource in services {
            let binding = index.binding(of: resource)
            guard case .trafficTypeNotAccepted = binding.status, binding.request?.source == .namespaceLabel else { continue }
            inheriting[resource.namespace ?? "default", default: []].append(resource)
        }
        for namespace in index.namespaces {
            guard let label = index.waypointLabel(of: namespace), case .waypoint(let waypoint) = label.target,
                  let finding = namespaceFinding(label, waypoint: waypoint, services: inheriting[namespace.name] ?? [], index: index)
            else { continue }
            findings.append(finding)
        }
        // Objects' own labels. Pods inheriting a namespace's service waypoint are the normal case,
        // and the rest of what namespace labels bind was reported at the namespace.
        let candidates: [(Resource, BoundTraffic)] = services.map { ($0, .service) } + index.workloads.map { ($0.resource, .workload) }
        for (resource, traffic) in candidates {
            let binding = index.binding(of: resource)
            guard case .trafficTypeNotAccepted(let waypoint) = binding.status, let request = binding.request,
                  request.source == .ownLabel
            else { continue }
            findings.append(ownLabelFinding(resource, request: request, waypoint: waypoint, traffic: traffic, index: index))
        }
        return findings
    }

    private func namespaceFinding(
        _ label: NamespaceWaypointLabel, waypoint: Waypoint, services: [Resource], index: MeshIndex
    ) -> Finding? {
        let namespace = label.namespace.name
        let message: String
        if Self.takesNothing(waypoint) {
            message = "Namespace \(namespace) is bound to waypoint \(waypoint.key), which \(Self.takes(waypoint)). "
                + "None of the namespace's Services or pods go through it, so they get no L7 processing and the "
                + "policies meant for the waypoint are enforced nowhere."
        } else if waypoint.trafficType?.accepts(.service) == false, !services.isEmpty {
            message = "Namespace \(namespace) binds its Services (\(Self.list(services.map(\.displayName)))) to waypoint "
                + "\(waypoint.key), which \(Self.takes(waypoint)). Traffic addressed to a Service skips a waypoint that is "
                + "not for services, so calls to them get no L7 processing and the policies meant for the waypoint are enforced nowhere."
        } else {
            return nil
        }
        return finding(
            message, on: label.namespace.resource, at: label.request.label.entrySpan,
            related: [Self.trafficTypeLocation(of: waypoint, index: index)],
            remediation: Self.remediation(
                for: label.namespace.resource, request: label.request, waypoint: waypoint, traffic: .service, index: index))
    }

    private func ownLabelFinding(
        _ resource: Resource, request: WaypointBinding.Request, waypoint: Waypoint, traffic: BoundTraffic, index: MeshIndex
    ) -> Finding {
        let message: String
        switch traffic {
        case .service:
            message = "\(resource.displayName) uses waypoint \(waypoint.key), which \(Self.takes(waypoint)). "
                + (Self.takesNothing(waypoint) ? "Nothing goes through it" : "A waypoint that is not for services does not receive a Service's traffic")
                + ", so calls to \(resource.name) get no L7 processing and the policies meant for the waypoint are enforced nowhere."
        case .workload:
            let isPod = resource.groupKind == .pod
            message = "\(resource.displayName) \(isPod ? "uses" : "labels its pods to use") waypoint \(waypoint.key), "
                + "which \(Self.takes(waypoint)). "
                + (Self.takesNothing(waypoint) ? "Nothing goes through it" : "Traffic addressed to a pod's own IP skips a waypoint that is not for workloads")
                + ", so traffic addressed to \(isPod ? "the pod" : "the pods") gets no L7 processing and the policies meant for "
                + "the waypoint do not apply to it."
        }
        return finding(
            message, on: resource, at: request.label.entrySpan, related: [Self.trafficTypeLocation(of: waypoint, index: index)],
            remediation: Self.remediation(for: resource, request: request, waypoint: waypoint, traffic: traffic, index: index))
    }

    // MARK: Wording

    /// `none`, or a value istiod does not know: the waypoint binds nothing.
    private static func takesNothing(_ waypoint: Waypoint) -> Bool {
        waypoint.trafficType == nil || waypoint.trafficType == WaypointTrafficType.none
    }

    /// "takes only workload traffic (istio.io/waypoint-for: workload)".
    private static func takes(_ waypoint: Waypoint) -> String {
        let label = WellKnown.waypointForLabel
        let origin = switch waypoint.trafficTypeSource {
        case .gatewayLabel: ""
        case .gatewayClassLabel: ", from GatewayClass \(WellKnown.waypointGatewayClass)"
        case .defaulted: ", the default"
        }
        guard let type = waypoint.trafficType else {
            return "takes no traffic: its \(label) value \"\(rawTrafficType(of: waypoint))\"\(origin) is not one istiod knows "
                + "(service, workload, all, none)"
        }
        return switch type {
        case .none: "takes no traffic (\(label): none\(origin))"
        case .service: "takes only service traffic (\(label): service\(origin))"
        case .workload: "takes only workload traffic (\(label): workload\(origin))"
        case .all: "takes all traffic (\(label): all\(origin))"
        }
    }

    private static func rawTrafficType(of waypoint: Waypoint) -> String {
        switch waypoint.trafficTypeSource {
        case .gatewayLabel(let entry), .gatewayClassLabel(let entry): entry.value
        case .defaulted: WaypointTrafficType.service.rawValue
        }
    }

    private static func list(_ names: [String]) -> String {
        names.count <= 3 ? names.joined(separator: ", ") : names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more"
    }

    /// Where the waypoint's traffic type comes from: its label, its class's label, or the Gateway (default).
    private static func trafficTypeLocation(of waypoint: Waypoint, index: MeshIndex) -> RelatedLocation {
        let gateway = waypoint.gateway
        switch waypoint.trafficTypeSource {
        case .gatewayLabel(let entry):
            return RelatedLocation(
                "\(WellKnown.waypointForLabel): \(entry.value) on waypoint \(waypoint.key)", in: gateway.resource, at: entry.entrySpan)
        case .gatewayClassLabel(let entry):
            if let gatewayClass = index.gatewayClasses.first(where: { $0.name == WellKnown.waypointGatewayClass }) {
                return RelatedLocation(
                    "\(WellKnown.waypointForLabel): \(entry.value) on GatewayClass \(gatewayClass.name), which waypoint \(waypoint.key) inherits",
                    in: gatewayClass.resource, at: entry.entrySpan)
            }
            return RelatedLocation("waypoint \(waypoint.key)", in: gateway.resource)
        case .defaulted:
            return RelatedLocation(
                "waypoint \(waypoint.key) has no \(WellKnown.waypointForLabel) label: it takes service traffic only", in: gateway.resource)
        }
    }

    // MARK: Fix

    /// The value of `istio.io/waypoint-for` that takes `traffic` without dropping what the waypoint takes now.
    private static func neededTrafficType(_ current: WaypointTrafficType?, for traffic: BoundTraffic) -> WaypointTrafficType {
        switch (current, traffic) {
        case (.workload?, .service), (.service?, .workload): .all
        case (_, .service): .service
        case (_, .workload): .workload
        }
    }

    private static func remediation(
        for resource: Resource, request: WaypointBinding.Request, waypoint: Waypoint, traffic: BoundTraffic, index: MeshIndex
    ) -> String {
        let needed = neededTrafficType(waypoint.trafficType, for: traffic)
        let kind = traffic == .service ? "service" : "workload"
        var parts = [
            """
            Make waypoint \(waypoint.key) take \(kind) traffic (the Gateway's own label wins over its GatewayClass's):
            kubectl label gateway \(waypoint.name) -n \(waypoint.namespace) \(WellKnown.waypointForLabel)=\(needed.rawValue) --overwrite
            or in its manifest:
            """ + "\n" + WaypointRemediation.labels([(WellKnown.waypointForLabel, needed.rawValue)], on: waypoint.gateway.resource),
        ]
        let home = resource.groupKind == .namespace ? resource.name : (resource.namespace ?? "default")
        let alternatives = index.waypoints(in: waypoint.namespace).filter {
            $0.key != waypoint.key && $0.trafficType?.accepts(traffic) == true
        }
        if let other = alternatives.first {
            var labels: [(key: String, value: String)] = [(WellKnown.useWaypointLabel, other.name)]
            if waypoint.namespace != home { labels.append((WellKnown.useWaypointNamespaceLabel, waypoint.namespace)) }
            parts.append(
                "Or bind to a waypoint that takes it (\(alternatives.map(WaypointRemediation.describe).joined(separator: ", "))):\n"
                    + WaypointRemediation.labels(labels, on: resource))
        }
        if traffic == .workload, !takesNothing(waypoint) {
            parts.append(
                "Or remove \(WellKnown.useWaypointLabel) from the pod template if only calls to its Services need the waypoint: "
                    + "label the Services instead.")
        }
        return parts.joined(separator: "\n")
    }
}

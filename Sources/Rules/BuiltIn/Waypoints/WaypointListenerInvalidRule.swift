import YAMLModel

/// A waypoint without its HBONE listener, or whose listener refuses a namespace that uses it.
struct WaypointListenerInvalidRule: BuiltInRule {
    /// The waypoint `shared-waypoint` in `mesh-infra`, its HBONE listener ending with `allowedRoutes`.
    private static func sharedWaypoint(allowedRoutes: String?) -> String {
        let routes = allowedRoutes.map { "\n    allowedRoutes: \($0)" } ?? ""
        return """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: shared-waypoint, namespace: mesh-infra}
            spec:
              gatewayClassName: istio-waypoint
              listeners:
              - name: mesh
                port: 15008
                protocol: HBONE\(routes)
            ---

            """
    }

    /// Service `ledger` in `payments` using `shared-waypoint` from `mesh-infra`; `↓` marks the
    /// namespace label.
    private static let markedCrossNamespaceService = """
        apiVersion: v1
        kind: Service
        metadata:
          name: ledger
          namespace: payments
          labels:
            istio.io/use-waypoint: shared-waypoint
            ↓istio.io/use-waypoint-namespace: mesh-infra
        spec: {selector: {app: ledger}, ports: [{port: 8080}]}
        """
    private static let crossNamespaceService = String(
        markedCrossNamespaceService.unicodeScalars.filter { Character($0) != Example.marker })

    static let description = RuleDescription(
        id: "waypoint-listener-invalid",
        name: "Waypoint listener invalid",
        summary: "A waypoint has no HBONE listener on port 15008, or its listener does not allow a namespace that uses it through istio.io/use-waypoint-namespace.",
        rationale: """
            ztunnel sends a waypoint its traffic inside an HBONE tunnel (mTLS HTTP/2 CONNECT) to port \
            15008, so a waypoint Gateway needs a listener with `port: 15008` and `protocol: HBONE`; \
            without it the waypoint cannot accept what is bound to it. A waypoint may serve other \
            namespaces: a Service, pod or namespace labelled `istio.io/use-waypoint` together with \
            `istio.io/use-waypoint-namespace: <waypoint-namespace>` uses it, but only when that HBONE \
            listener's `allowedRoutes.namespaces` admits the client's namespace: `from: All`, or `from: \
            Selector` with a selector matching the namespace's labels (Kubernetes labels every \
            Namespace `kubernetes.io/metadata.name: <name>`). The default, `from: Same`, refuses every \
            other namespace, and istiod then binds the client to no waypoint: its traffic gets no L7 \
            processing and the policies meant for the waypoint are enforced nowhere. A namespace label is \
            reported once, at the Namespace.
            """,
        remediation: """
            Give the waypoint its HBONE listener, admitting the namespaces that use it from elsewhere:
            spec:
              gatewayClassName: istio-waypoint
              listeners:
              - name: mesh
                port: 15008
                protocol: HBONE
                allowedRoutes:
                  namespaces:
                    from: Selector
                    selector:
                      matchLabels:
                        kubernetes.io/metadata.name: <client-namespace>
            """,
        severity: .error,
        area: .waypoints,
        tags: ["waypoint", "gateway-api", "ambient"],
        precision: .veryHigh,
        references: [
            "https://istio.io/latest/docs/ambient/usage/waypoint/",
            "https://istio.io/latest/docs/ambient/usage/waypoint/#usewaypointnamespace",
            "https://gateway-api.sigs.k8s.io/reference/spec/#allowedroutes",
        ],
        inputs: [.gateway, .namespace, .service, .serviceEntry, .pod, .deployment],
        triggeringExamples: [
            // A listener on 15008, but not HBONE.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: waypoint, namespace: payments}
                spec:
                  gatewayClassName: istio-waypoint
                  ↓listeners:
                  - {name: mesh, port: 15008, protocol: HTTP}
                """),
            // No listeners at all.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: waypoint, namespace: payments}
                spec:
                  ↓gatewayClassName: istio-waypoint
                """),
            // A Service in another namespace; the listener keeps the default `from: Same`.
            Example(sharedWaypoint(allowedRoutes: nil) + markedCrossNamespaceService),
            // A namespace label across namespaces, refused by the selector: once, at the namespace.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels:
                    istio.io/dataplane-mode: ambient
                    istio.io/use-waypoint: shared-waypoint
                    ↓istio.io/use-waypoint-namespace: mesh-infra
                ---

                """ + sharedWaypoint(allowedRoutes: "{namespaces: {from: Selector, selector: {matchLabels: {mesh-tier: shared}}}}")
                + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: accounts, namespace: payments}
                spec: {selector: {app: accounts}, ports: [{port: 8080}]}
                """),
            // A pod template across namespaces, with `from: Same` written out.
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
                    allowedRoutes: {namespaces: {from: Same}}
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
                        ↓istio.io/use-waypoint-namespace: mesh-infra
                """),
        ],
        nonTriggeringExamples: [
            // The HBONE listener on 15008, used from its own namespace.
            Example(ExampleFixtures.paymentsWithWaypoint + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                """),
            // An ingress Gateway needs no HBONE listener.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: ingress, namespace: payments}
                spec:
                  gatewayClassName: istio
                  listeners: [{name: http, port: 80, protocol: HTTP}]
                """),
            // `from: All` admits every namespace.
            Example(sharedWaypoint(allowedRoutes: "{namespaces: {from: All}}") + crossNamespaceService),
            // A selector on the name label Kubernetes gives every Namespace.
            Example(
                sharedWaypoint(allowedRoutes: "{namespaces: {from: Selector, selector: {matchLabels: {kubernetes.io/metadata.name: payments}}}}")
                    + crossNamespaceService),
            // A selector matching the client namespace's own labels.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels:
                    istio.io/dataplane-mode: ambient
                    mesh-tier: shared
                    istio.io/use-waypoint: shared-waypoint
                    istio.io/use-waypoint-namespace: mesh-infra
                ---

                """ + sharedWaypoint(allowedRoutes: "{namespaces: {from: Selector, selector: {matchLabels: {mesh-tier: shared}}}}")
                + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                """),
            // A selector, but the client namespace's labels are not in the input: it cannot be judged.
            Example(
                sharedWaypoint(allowedRoutes: "{namespaces: {from: Selector, selector: {matchLabels: {mesh-tier: shared}}}}")
                    + crossNamespaceService),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        // The namespaces each waypoint refuses, and the bindings it refuses.
        var refused: [ObjectKey: Set<String>] = [:]
        var refusals: [(resource: Resource, request: WaypointBinding.Request, waypoint: Waypoint)] = []
        let candidates = index.services.map(\.resource) + index.serviceEntries.map(\.resource) + index.workloads.map(\.resource)
        for resource in candidates {
            let binding = index.binding(of: resource)
            guard case .namespaceNotAllowed(let waypoint) = binding.status, let request = binding.request else { continue }
            refused[waypoint.key, default: []].insert(resource.namespace ?? "default")
            refusals.append((resource, request, waypoint))
        }
        var findings: [Finding] = []
        var inheriting: [String: (request: WaypointBinding.Request, waypoint: Waypoint, resources: [Resource])] = [:]
        for (resource, request, waypoint) in refusals {
            // Without an HBONE listener, the listener itself is the problem, reported at the Gateway.
            guard let listener = waypoint.hboneListener else { continue }
            switch request.source {
            case .ownLabel:
                findings.append(refusedFinding(
                    resource, request: request, waypoint: waypoint, listener: listener, clients: [resource],
                    refused: refused[waypoint.key] ?? []))
            case .namespaceLabel:
                inheriting[resource.namespace ?? "default", default: (request, waypoint, [])].resources.append(resource)
            }
        }
        // A namespace label once, at the Namespace (when its object is in the input).
        for (namespace, entry) in inheriting.sorted(by: { $0.key < $1.key }) {
            guard let object = index.namespace(namespace).object, let listener = entry.waypoint.hboneListener else { continue }
            findings.append(refusedFinding(
                object.resource, request: entry.request, waypoint: entry.waypoint, listener: listener,
                clients: entry.resources, refused: refused[entry.waypoint.key] ?? []))
        }
        // Another implementation receives mesh traffic as its inbound-binding annotation says,
        // not necessarily on an HBONE listener: only istiod's own waypoints are held to it.
        for waypoint in index.waypoints where waypoint.hboneListener == nil && waypoint.isDeployedByIstio {
            findings.append(missingListenerFinding(waypoint, clientNamespaces: refused[waypoint.key] ?? [], index: index))
        }
        return findings
    }

    // MARK: No HBONE listener

    private func missingListenerFinding(_ waypoint: Waypoint, clientNamespaces: Set<String>, index: MeshIndex) -> Finding {
        let gateway = waypoint.gateway
        let listenersKey = gateway.spec?.pair("listeners")?.key.span
        let span = listenersKey ?? gateway.gatewayClassName?.entrySpan ?? gateway.resource.nameSpan
        let bound = index.resourcesBound(to: waypoint).map(\.displayName)
            + clientNamespaces.sorted().map { "namespace \($0)" }
        let what = bound.isEmpty ? "the traffic bound to it" : "the traffic of \(Self.list(bound))"
        let related = gateway.listeners.map { listener in
            let port = listener.port.map { String($0.value) } ?? "(no port)"
            let proto = listener.protocol?.value ?? "(no protocol)"
            return RelatedLocation(
                "listener \(listener.name?.value ?? "(unnamed)") is on port \(port) with protocol \(proto), not 15008/HBONE",
                in: gateway.resource, at: listener.node.span)
        }
        let message = "Waypoint \(waypoint.key) has no listener on port \(WellKnown.hbonePort) with protocol \(WellKnown.hboneProtocol). "
            + "ztunnel sends a waypoint its traffic in an HBONE tunnel to that port, so without the listener the waypoint "
            + "cannot accept \(what)."
        return finding(message, on: gateway.resource, at: span, related: related,
                       remediation: Self.listenerRemediation(for: waypoint, clientNamespaces: clientNamespaces))
    }

    private static func listenerRemediation(for waypoint: Waypoint, clientNamespaces: Set<String>) -> String {
        let gateway = waypoint.gateway
        let hasListeners = !gateway.listeners.isEmpty
        let admitted = clientNamespaces.isEmpty ? "" : ", admitting the namespaces that use it from elsewhere"
        var lines = [
            "Give waypoint \(waypoint.key) its HBONE listener\(admitted)"
                + (hasListeners ? " (add it to spec.listeners, or correct the port and protocol of the existing one):" : ":"),
            "# Gateway \(waypoint.key)",
            "spec:",
            "  gatewayClassName: \(WellKnown.waypointGatewayClass)",
            "  listeners:",
        ]
        let name = gateway.listeners.contains { $0.name?.value == "mesh" } && hasListeners ? "hbone" : "mesh"
        lines += WaypointRemediation.listener(name: name, clientNamespaces: Array(clientNamespaces)).map { "  " + $0 }
        return lines.joined(separator: "\n")
    }

    // MARK: A client namespace the listener refuses

    private func refusedFinding(
        _ resource: Resource, request: WaypointBinding.Request, waypoint: Waypoint, listener: GatewayView.Listener,
        clients: [Resource], refused: Set<String>
    ) -> Finding {
        let isNamespace = resource.groupKind == .namespace
        let home = isNamespace ? resource.name : (resource.namespace ?? "default")
        let listenerName = listener.name?.value ?? "(unnamed)"
        let (why, relatedSpan) = Self.refusal(by: listener, of: home)
        let subject = isNamespace
            ? "Namespace \(home) binds its Services and pods (\(Self.list(clients.map(\.displayName)))) to"
            : "\(resource.displayName) uses"
        let message = "\(subject) waypoint \(waypoint.key) in another namespace, but the waypoint's HBONE listener "
            + "\(listenerName) does not allow namespace \(home): \(why). istiod binds \(isNamespace ? "them" : "it") to no "
            + "waypoint, so \(isNamespace ? "their" : "its") traffic gets no L7 processing and the policies meant for the "
            + "waypoint are enforced nowhere."
        return finding(
            message, on: resource, at: request.namespaceLabel?.entrySpan ?? request.label.entrySpan,
            related: [RelatedLocation(
                "listener \(listenerName) of waypoint \(waypoint.key) does not allow namespace \(home)",
                in: waypoint.gateway.resource, at: relatedSpan)],
            remediation: Self.allowRemediation(waypoint: waypoint, listener: listener, client: home, refused: refused))
    }

    /// Why the listener's `allowedRoutes` refuses `namespace`, and where that is written.
    private static func refusal(by listener: GatewayView.Listener, of namespace: String) -> (String, Span) {
        guard let from = listener.allowedRoutesFrom else {
            return ("it has no allowedRoutes, and the default (from: Same) allows only the waypoint's own namespace", listener.node.span)
        }
        switch from.value {
        case "Same":
            return ("allowedRoutes.namespaces.from: Same allows only the waypoint's own namespace", from.entrySpan)
        case "Selector":
            guard let selector = listener.allowedRoutesSelector else {
                return ("allowedRoutes.namespaces.from: Selector has no selector, so it matches no namespace", from.entrySpan)
            }
            return ("its allowedRoutes selector does not match the labels of namespace \(namespace)", selector.node.span)
        default:
            return ("allowedRoutes.namespaces.from: \(from.value) is neither All nor Selector", from.entrySpan)
        }
    }

    /// Either give the client namespace the labels the selector wants, or admit every refused
    /// namespace by name on the listener.
    private static func allowRemediation(
        waypoint: Waypoint, listener: GatewayView.Listener, client: String, refused: Set<String>
    ) -> String {
        var parts: [String] = []
        if listener.allowedRoutesFrom?.value == "Selector", let selector = listener.allowedRoutesSelector,
           selector.matchExpressions.isEmpty, !selector.matchLabels.isEmpty {
            let labels = selector.matchLabels.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            parts.append("Give namespace \(client) the labels the listener selects:\nkubectl label namespace \(client) \(labels)")
        }
        let namespaces = refused.union([client]).sorted()
        let which = namespaces.count == 1 ? "namespace \(client)" : "namespaces \(namespaces.joined(separator: ", "))"
        var lines = [
            "\(parts.isEmpty ? "Allow" : "Or allow") \(which) on the HBONE listener of waypoint \(waypoint.key) "
                + "(or set `from: All` to let every namespace use it):",
            "# Gateway \(waypoint.key)",
            "spec:",
            "  listeners:",
        ]
        lines += WaypointRemediation.listener(name: listener.name?.value ?? "mesh", clientNamespaces: namespaces).map { "  " + $0 }
        parts.append(lines.joined(separator: "\n"))
        return parts.joined(separator: "\n")
    }

    private static func list(_ names: [String]) -> String {
        names.count <= 3 ? names.joined(separator: ", ") : names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more"
    }
}

import YAMLModel

/// A waypoint that one node drain or rollout can take down: one replica, or no disruption budget.
struct SingletonWaypointRule: BuiltInRule {
    // MARK: Example fixtures

    /// A waypoint Gateway; `↓` marks its name.
    private static let markedWaypoint = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: ↓waypoint
          namespace: payments
        spec:
          gatewayClassName: istio-waypoint
          listeners:
          - {name: mesh, port: 15008, protocol: HBONE}
        ---

        """
    private static let waypoint = unmarked(markedWaypoint)

    /// A waypoint Gateway customised by the ConfigMap `waypoint-params`; `↓` marks its name.
    private static let markedParameterizedWaypoint = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: ↓waypoint
          namespace: payments
        spec:
          gatewayClassName: istio-waypoint
          infrastructure:
            parametersRef: {group: "", kind: ConfigMap, name: waypoint-params}
          listeners:
          - {name: mesh, port: 15008, protocol: HBONE}
        ---

        """
    private static let parameterizedWaypoint = unmarked(markedParameterizedWaypoint)

    private static func autoscaler(minReplicas: Int) -> String {
        """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: waypoint, namespace: payments}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: waypoint}
          minReplicas: \(minReplicas)
          maxReplicas: 6
        ---

        """
    }

    private static let disruptionBudget = """
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: waypoint, namespace: payments}
        spec:
          minAvailable: 1
          selector:
            matchLabels: {gateway.networking.k8s.io/gateway-name: waypoint}
        ---

        """

    static let description = RuleDescription(
        id: "singleton-waypoint",
        name: "Singleton waypoint",
        summary: "A waypoint runs a single replica or has no PodDisruptionBudget, so one node drain or rollout drops the traffic of every service bound to it.",
        rationale: """
            A waypoint is in the request path of every call to the Services bound to it: ztunnel sends \
            that traffic to the waypoint and nowhere else. istiod deploys a waypoint with no `replicas`, \
            so one pod, unless the Gateway's `spec.infrastructure.parametersRef` ConfigMap or a ConfigMap \
            labelled `gateway.istio.io/defaults-for-class: istio-waypoint` sets `spec.replicas` (key \
            `deployment`) or an autoscaler (`horizontalPodAutoscaler`, `spec.minReplicas`), or a \
            HorizontalPodAutoscaler targets the waypoint's Deployment with `minReplicas` of 2 or more. \
            With one replica, a node drain, an eviction or a rollout leaves the bound Services without a \
            waypoint, and their calls fail until a new pod is ready. Several replicas also need a \
            PodDisruptionBudget (its own, or the ConfigMaps' `podDisruptionBudget`), or a drain or cluster \
            upgrade may still evict them all at once; a budget over a single replica cannot help, it \
            either blocks the drain or lets the only pod go. \
            A waypoint that nothing in the input binds (no Service, ServiceEntry, pod or Namespace label \
            names it) is in no request path the input shows, so it is only a note. Waypoints of other \
            implementations (another GatewayClass, declared by `ambient.istio.io/waypoint-inbound-binding`) \
            are deployed and scaled by their own controller and are not checked.
            """,
        remediation: """
            Run at least two replicas and keep one available during voluntary disruptions:
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: <waypoint-name>
              namespace: <namespace>
            spec:
              scaleTargetRef:
                apiVersion: apps/v1
                kind: Deployment
                name: <waypoint-name>
              minReplicas: 2
              maxReplicas: 5
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: <waypoint-name>
              namespace: <namespace>
            spec:
              minAvailable: 1
              selector:
                matchLabels:
                  gateway.networking.k8s.io/gateway-name: <waypoint-name>
            """,
        severity: .warning,
        area: .waypoints,
        tags: ["reliability", "availability", "waypoint"],
        precision: .high,
        references: [
            "https://istio.io/latest/docs/ambient/usage/waypoint/",
            "https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/#automated-deployment",
            "https://kubernetes.io/docs/tasks/run-application/configure-pdb/",
        ],
        inputs: [.gateway, .configMap, .horizontalPodAutoscaler, .podDisruptionBudget],
        triggeringExamples: [
            // Neither: istiod's default of one pod, no budget.
            Example(markedWaypoint),
            // HPA minReplicas 1 keeps one replica, whatever the budget.
            Example(markedWaypoint + autoscaler(minReplicas: 1) + disruptionBudget),
            // PDB missing only: three replicas can all be evicted together.
            Example(markedWaypoint + autoscaler(minReplicas: 3)),
            // HPA missing only: a budget alone leaves one replica.
            Example(markedWaypoint + disruptionBudget),
            // The parametersRef ConfigMap keeps one replica (a YAML overlay in a block string).
            Example(markedParameterizedWaypoint + """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: waypoint-params, namespace: payments}
                data:
                  deployment: |
                    spec:
                      replicas: 1
                  podDisruptionBudget: |
                    spec:
                      minAvailable: 1
                """),
            // The class defaults' autoscaler starts at one replica and sets no budget.
            Example(markedWaypoint + """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: waypoint-defaults
                  namespace: istio-system
                  labels: {gateway.istio.io/defaults-for-class: istio-waypoint}
                data:
                  horizontalPodAutoscaler: |
                    spec:
                      minReplicas: 1
                      maxReplicas: 4
                """),
        ],
        nonTriggeringExamples: [
            // HPA minReplicas 3 and a PDB.
            Example(waypoint + autoscaler(minReplicas: 3) + disruptionBudget),
            // The parametersRef ConfigMap sets two replicas and a budget.
            Example(parameterizedWaypoint + """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: waypoint-params, namespace: payments}
                data:
                  deployment: |
                    spec:
                      replicas: 2
                  podDisruptionBudget: |
                    spec:
                      minAvailable: 1
                """),
            // The class defaults ConfigMap scales every waypoint.
            Example(waypoint + """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: waypoint-defaults
                  namespace: istio-system
                  labels: {gateway.istio.io/defaults-for-class: istio-waypoint}
                data:
                  horizontalPodAutoscaler: |
                    spec:
                      minReplicas: 2
                      maxReplicas: 4
                  podDisruptionBudget: |
                    spec:
                      minAvailable: 1
                """),
            // The Deployment istiod creates is renamed: the HPA targets the new name.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: waypoint
                  namespace: payments
                  annotations: {gateway.istio.io/name-override: payments-waypoint}
                spec:
                  gatewayClassName: istio-waypoint
                  listeners:
                  - {name: mesh, port: 15008, protocol: HBONE}
                ---
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: payments-waypoint, namespace: payments}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: payments-waypoint}
                  minReplicas: 2
                  maxReplicas: 4
                ---

                """ + disruptionBudget),
            // A waypoint for no traffic (`istio.io/waypoint-for: none`) is in no request path.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: waypoint
                  namespace: payments
                  labels: {istio.io/waypoint-for: none}
                spec:
                  gatewayClassName: istio-waypoint
                  listeners:
                  - {name: mesh, port: 15008, protocol: HBONE}
                """),
            // An ingress gateway is not a waypoint.
            Example("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: ingress, namespace: payments}
                spec:
                  gatewayClassName: istio
                  listeners:
                  - {name: http, port: 80, protocol: HTTP}
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        // The namespaces whose label names each waypoint, found once for all of them.
        var labelledNamespaces: [ObjectKey: [String]] = [:]
        for namespace in index.namespaces {
            if case .waypoint(let named)? = index.waypointLabel(of: namespace)?.target {
                labelledNamespaces[named.key, default: []].append(namespace.name)
            }
        }
        return index.waypoints.compactMap { waypoint -> Finding? in
            // `istio.io/waypoint-for: none` takes no traffic: nothing is dropped when its pod goes.
            // Another implementation's controller deploys and scales its waypoints, not istiod.
            guard waypoint.trafficType != WaypointTrafficType.none, waypoint.isDeployedByIstio else { return nil }
            let scaling = index.scaling(of: waypoint)
            guard !scaling.hasSeveralReplicas || scaling.disruptionBudget == nil else { return nil }
            let path = RequestPath(of: waypoint, in: index, labelledNamespaces: labelledNamespaces[waypoint.key] ?? [])
            var reported = finding(
                Self.message(for: waypoint, scaling: scaling, path: path),
                on: waypoint.gateway.resource, at: waypoint.gateway.resource.nameSpan,
                related: Self.related(scaling), remediation: Self.remediation(for: waypoint, scaling: scaling))
            // A waypoint nothing in the input binds is in no request path the input shows (its
            // binding may be applied by a script): at most a note.
            if path.isEmpty { reported.severity = .note }
            return reported
        }
    }

    /// What the input sends through a waypoint: the Services and ServiceEntries bound to it, and
    /// the Namespaces whose label names it (their Services may live elsewhere).
    struct RequestPath {
        let services: [String]
        let namespaces: [String]

        init(of waypoint: Waypoint, in index: MeshIndex, labelledNamespaces: [String]) {
            let bound = index.resourcesBound(to: waypoint)
            services = bound.filter { $0.groupKind == .service || $0.groupKind == .serviceEntry }.map(\.displayName)
            namespaces = labelledNamespaces
            workloadCount = bound.count - services.count
        }

        /// Workloads bound to it by their own labels.
        let workloadCount: Int

        var isEmpty: Bool { services.isEmpty && namespaces.isEmpty && workloadCount == 0 }
    }

    private static func message(for waypoint: Waypoint, scaling: WaypointScaling, path: RequestPath) -> String {
        let name = "\(waypoint.namespace)/\(waypoint.name)"
        if path.isEmpty {
            let setup = switch (scaling.replicas, scaling.disruptionBudget) {
            case (nil, nil): "runs a single replica and has no PodDisruptionBudget"
            case (nil, _?): "runs a single replica"
            case (_?, _): "has no PodDisruptionBudget"
            }
            return "Waypoint \(name) \(setup), but nothing in the input binds a Service, ServiceEntry, pod or namespace to it, "
                + "so it is in no request path the input shows (the binding may be applied outside the manifests). Once "
                + "traffic is bound to it, a node drain, eviction or rollout drops that traffic."
        }
        let bound = path.services
        let traffic = switch bound.count {
        case 0 where !path.namespaces.isEmpty: "every call to the services of namespace \(path.namespaces.joined(separator: ", "))"
        case 0: "every call to the pods bound to it"
        case 1...3: "every call to \(bound.joined(separator: ", "))"
        default: "every call to \(bound.prefix(3).joined(separator: ", ")) and \(bound.count - 3) more"
        }
        switch (scaling.replicas, scaling.disruptionBudget) {
        case (nil, nil):
            return "Waypoint \(name) runs a single replica and has no PodDisruptionBudget. It is in the request path of "
                + "\(traffic), so a node drain, eviction or rollout drops that traffic."
        case (nil, _?):
            return "Waypoint \(name) runs a single replica. It is in the request path of \(traffic), so a node drain, "
                + "eviction or rollout drops that traffic; a PodDisruptionBudget cannot keep a single pod available."
        case (let replicas?, _):
            return "Waypoint \(name) has no PodDisruptionBudget. It is in the request path of \(traffic), and although "
                + "it runs several replicas (\(replicas.detail)), a node drain or cluster upgrade may evict all of them at once."
        }
    }

    private static func related(_ scaling: WaypointScaling) -> [RelatedLocation] {
        var related = scaling.singleReplicaSettings.map { evidence in
            RelatedLocation("\(evidence.detail) keeps one replica", in: evidence.resource, at: evidence.span)
        }
        if let replicas = scaling.replicas {
            related.append(RelatedLocation(
                "\(replicas.detail) gives several replicas, but nothing limits how many are evicted at once",
                in: replicas.resource, at: replicas.span))
        }
        if scaling.replicas == nil, let budget = scaling.disruptionBudget {
            related.append(RelatedLocation(
                "\(budget.detail) for the waypoint's pods cannot keep a single replica available", in: budget.resource, at: budget.span))
        }
        return related
    }

    /// The missing HorizontalPodAutoscaler and PodDisruptionBudget, with the waypoint's real names.
    private static func remediation(for waypoint: Waypoint, scaling: WaypointScaling) -> String {
        var parts: [String] = []
        var notes: [String] = []
        if !scaling.hasSeveralReplicas {
            // Raise the user's own HPA in place rather than adding a second one for the same Deployment.
            let existing = scaling.singleReplicaSettings.compactMap { HorizontalPodAutoscalerView($0.resource) }.first
            let maximum = max(existing?.maxReplicas?.value ?? 5, 2)
            parts.append("""
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata:
                  name: \(existing?.name ?? waypoint.name)
                  namespace: \(waypoint.namespace)
                spec:
                  scaleTargetRef:
                    apiVersion: apps/v1
                    kind: Deployment
                    name: \(waypoint.deploymentName)
                  minReplicas: 2
                  maxReplicas: \(maximum)
                """)
            for evidence in scaling.singleReplicaSettings {
                guard let configMap = ConfigMapView(evidence.resource) else { continue }
                if configMap.data("horizontalPodAutoscaler")?.entrySpan == evidence.span {
                    notes.append("""
                        \(configMap.resource.displayName) already gives the waypoint an autoscaler \
                        (`horizontalPodAutoscaler`): set its `spec.minReplicas: 2` there instead of adding the \
                        HorizontalPodAutoscaler above, since two autoscalers for one Deployment conflict.
                        """)
                } else {
                    notes.append("""
                        \(configMap.resource.displayName) sets the waypoint's `spec.replicas` (`deployment`): \
                        alternatively set it to 2 or more there.
                        """)
                }
            }
        }
        if scaling.disruptionBudget == nil {
            parts.append("""
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata:
                  name: \(waypoint.name)
                  namespace: \(waypoint.namespace)
                spec:
                  minAvailable: 1
                  selector:
                    matchLabels:
                      \(WellKnown.gatewayNameLabel): \(waypoint.name)
                """)
        }
        let intro = switch (scaling.hasSeveralReplicas, scaling.disruptionBudget == nil) {
        case (false, true): "Run at least two replicas and keep one available during voluntary disruptions:"
        case (false, false): "Run at least two replicas:"
        default: "Keep one replica available during voluntary disruptions:"
        }
        return ([intro, parts.joined(separator: "\n---\n")] + notes).joined(separator: "\n")
    }

    private static func unmarked(_ text: String) -> String {
        String(text.unicodeScalars.filter { Character($0) != Example.marker })
    }
}

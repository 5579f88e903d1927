/// What the workload `selector` of an AuthorizationPolicy, RequestAuthentication or
/// PeerAuthentication reaches: the pod templates it matches in its namespace (in every namespace
/// from the root namespace), and the Gateway pods istiod generates.
public struct SelectorReach: Sendable {
    /// A pod label that differs from what the selector asks for.
    public struct LabelDifference: Sendable {
        public let key: String
        public let wanted: String
        public let actual: String
    }

    /// A workload whose pods carry one of the selector's label keys with another value.
    public struct NearMiss: Sendable {
        public let workload: WorkloadView
        /// The selector's labels this workload carries with other values, in selector order.
        public let differences: [LabelDifference]
        /// How many of the selector's labels the workload does carry with the wanted value.
        public let matchingLabels: Int

        /// The selector's labels rewritten to match this workload: its values for the keys it
        /// carries (keys it lacks are left out).
        public func suggestedLabels(for selector: LabelSelector) -> [(key: String, value: String)] {
            let labels = workload.podLabelValues
            return selector.matchLabels.compactMap { entry in labels[entry.key].map { (entry.key, $0) } }
        }
    }

    public let selector: LabelSelector
    /// The namespace the selector looks in; nil for the root namespace, whose selectors look everywhere.
    public let namespace: String?
    /// True when the input holds workloads where the selector looks, so that matching none means
    /// something; false when it holds none there (the workloads are deployed from elsewhere).
    public let isDecidable: Bool
    /// The workloads whose pod templates the selector matches.
    public let workloads: [WorkloadView]
    /// The Gateways (waypoints, Istio gateways) whose generated pods the selector names by
    /// `gateway.networking.k8s.io/gateway-name`.
    public let gateways: [GatewayView]
    /// Workloads that carry a selected label key with another value, closest first.
    public let nearMisses: [NearMiss]
    /// When the selector names generated Gateway pods that do not exist, the Gateways that do.
    public let nearMissGateways: [GatewayView]

    /// True when the input shows that the selector matches no pod.
    public var matchesNothing: Bool { isDecidable && workloads.isEmpty && gateways.isEmpty }
}

extension MeshIndex {
    // MARK: Selectors

    /// Gateways whose pods istiod deploys (waypoints, class `istio`), in `namespace` or, for nil, everywhere.
    public func deployedGateways(in namespace: String?) -> [GatewayView] {
        (namespace.map { gatewaysByNamespace[$0] ?? [] } ?? gateways).filter { gateway in
            guard let className = gateway.gatewayClassName?.value else { return false }
            return GatewayDeployment.deployedClasses.contains(className)
        }
    }

    /// What a policy's `selector` in `policyNamespace` selects. Pods generated for a Gateway carry
    /// `gateway.networking.k8s.io/gateway-name: <gateway>`: a selector on that label naming a
    /// Gateway istiod deploys selects its pods.
    public func reach(of selector: LabelSelector, policyNamespace: String) -> SelectorReach {
        let scope: String? = policyNamespace == rootNamespace ? nil : policyNamespace
        let candidates = scope.map { workloads(in: $0) } ?? workloads
        let matched = candidates.filter { selector.matches($0.podLabelValues) }
        var generated: [GatewayView] = []
        var otherGateways: [GatewayView] = []
        if let wanted = selector.matchLabels.first(where: { $0.key == WellKnown.gatewayNameLabel }) {
            let deployed = deployedGateways(in: scope)
            generated = deployed.filter { $0.name == wanted.value }
            if generated.isEmpty, matched.isEmpty { otherGateways = deployed }
        }
        var nearMisses: [SelectorReach.NearMiss] = []
        if matched.isEmpty, generated.isEmpty {
            for workload in candidates {
                let labels = workload.podLabelValues
                var differences: [SelectorReach.LabelDifference] = []
                var matching = 0
                for entry in selector.matchLabels {
                    guard let actual = labels[entry.key] else { continue }
                    if actual == entry.value {
                        matching += 1
                    } else {
                        differences.append(SelectorReach.LabelDifference(key: entry.key, wanted: entry.value, actual: actual))
                    }
                }
                if !differences.isEmpty {
                    nearMisses.append(SelectorReach.NearMiss(workload: workload, differences: differences, matchingLabels: matching))
                }
            }
            // Closest first: most labels right, then fewest wrong; input order otherwise.
            nearMisses = nearMisses.enumerated().sorted { lhs, rhs in
                (-lhs.element.matchingLabels, lhs.element.differences.count, lhs.offset)
                    < (-rhs.element.matchingLabels, rhs.element.differences.count, rhs.offset)
            }.map(\.element)
        }
        return SelectorReach(
            selector: selector, namespace: scope, isDecidable: !candidates.isEmpty, workloads: matched,
            gateways: generated, nearMisses: nearMisses, nearMissGateways: otherGateways)
    }

    /// The waypoint whose pods are all a selector policy selects (`gateway.networking.k8s.io/gateway-name`
    /// naming a waypoint, and no workload of the input): such a policy is enforced by nobody, since
    /// ztunnel does not capture waypoint pods and waypoints ignore selector policies
    /// (istio/istio `ShouldAttachPolicy`: "waypoints never use selector"). nil otherwise.
    public func waypointSelectedOnly(by policy: some WorkloadPolicyView) -> Waypoint? {
        guard attachment(of: policy).scope == .workloadSelector, let selector = policy.selector,
              let name = selector.matchLabels.first(where: { $0.key == WellKnown.gatewayNameLabel })?.value
        else { return nil }
        let namespace = policy.namespace ?? "default"
        guard let waypoint = waypoint(ObjectKey(namespace: namespace, name: name)), waypoint.isDeployedByIstio,
              reach(of: selector, policyNamespace: namespace).workloads.isEmpty
        else { return nil }
        return waypoint
    }
}

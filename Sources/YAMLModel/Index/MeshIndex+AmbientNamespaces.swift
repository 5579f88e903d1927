/// A namespace whose pods are in ambient, and where findings about it land.
///
/// The namespace checks (a default deny, STRICT mTLS) apply wherever pods are in ambient: a
/// Namespace object labelled `istio.io/dataplane-mode: ambient`, a namespace whose labels the
/// configuration assumes, or pods enrolled one by one through their own label.
public struct AmbientNamespace: Sendable {
    public enum Evidence: Sendable {
        /// The Namespace object's own label.
        case namespaceLabel(Spanned<String>.Entry)
        /// The configuration's `assume:` says so (for an object in the input or not).
        case assumed
        /// Pod templates labelled `istio.io/dataplane-mode: ambient` in a namespace that is not.
        case pods([WorkloadView])
    }

    public let facts: NamespaceFacts
    public let evidence: Evidence
    /// The resource a finding about the namespace is reported on, and where in it.
    public let anchor: Resource
    public let anchorSpan: Span

    public var name: String { facts.name }

    /// The subject of a sentence about the namespace: "Namespace payments is in ambient".
    public var inAmbient: String {
        switch evidence {
        case .namespaceLabel: "Namespace \(name) is in ambient"
        case .assumed: "Namespace \(name) is in ambient (assumed in .meshlint.yaml)"
        case .pods(let workloads):
            "Namespace \(name) has pods in ambient (\(workloads.first?.resource.displayName ?? "a workload")"
                + (workloads.count > 1 ? " and \(workloads.count - 1) more enrol" : " enrols") + " its pods one by one)"
        }
    }
}

extension MeshIndex {
    // MARK: Namespaces in ambient

    /// Every namespace with pods in ambient that the input holds something of, sorted by name.
    public var ambientNamespaces: [AmbientNamespace] {
        namespaces.compactMap(ambientNamespace)
    }

    /// The namespace's ambient evidence and anchor, or nil when none of its pods is in ambient
    /// or the input holds nothing of it to report on.
    public func ambientNamespace(_ facts: NamespaceFacts) -> AmbientNamespace? {
        if facts.dataplaneMode == .ambient {
            if let object = facts.object {
                // A label the configuration lays over the object is not in the object's file.
                if facts.assumedLabels?[WellKnown.dataplaneModeLabel] == nil, let label = object.labels[WellKnown.dataplaneModeLabel] {
                    return AmbientNamespace(facts: facts, evidence: .namespaceLabel(label), anchor: object.resource, anchorSpan: label.entrySpan)
                }
                return AmbientNamespace(facts: facts, evidence: .assumed, anchor: object.resource, anchorSpan: object.resource.nameSpan)
            }
            guard let first = firstResource(in: facts.name) else { return nil }
            return AmbientNamespace(facts: facts, evidence: .assumed, anchor: first, anchorSpan: Self.namespaceSpan(of: first))
        }
        guard facts.dataplaneMode != .sidecar else { return nil }
        let enrolled = workloads(in: facts.name).filter { enrollment(of: $0).reason == .podLabel }
        guard let first = enrolled.first, let label = first.podLabels[WellKnown.dataplaneModeLabel] else { return nil }
        return AmbientNamespace(facts: facts, evidence: .pods(enrolled), anchor: first.resource, anchorSpan: label.entrySpan)
    }

    /// The first resource of `namespace` in input order.
    func firstResource(in namespace: String) -> Resource? {
        resources.first { $0.namespace == namespace }
    }

    /// The namespaces the input puts pods, Services or security policies in without their
    /// Namespace object or assumed labels (or with copies that disagree on enrollment), each with its first such resource, sorted by name. Other
    /// kinds (an Argo CD Application in `argocd`, a route, a gateway's parameters) say nothing
    /// about pods whose enrollment would matter. One pass over the resources.
    public var namespacesWithoutLabels: [(NamespaceFacts, Resource)] {
        var first: [String: Resource] = [:]
        for resource in resources where Self.kindsWithPods.contains(resource.groupKind) || GroupKind.workloads.contains(resource.groupKind) {
            // A resource without metadata.namespace lands where it is applied (kubectl's context, a
            // Kustomize or Argo CD destination): it says nothing about a namespace of its own.
            guard resource.namespaceIsExplicit, let name = resource.namespace, first[name] == nil,
                  namespace(name).dataplaneMode == .unknown
            else { continue }
            first[name] = resource
        }
        return first.keys.sorted().map { (namespace($0), first[$0]!) }
    }

    /// Kinds besides workloads that make a namespace's enrollment matter.
    private static let kindsWithPods: Set<GroupKind> = [
        .service, .authorizationPolicy, .peerAuthentication, .requestAuthentication,
    ]

    /// Where a resource says its namespace: `metadata.namespace`, else its name.
    public static func namespaceSpan(of resource: Resource) -> Span {
        resource.metadata?.pair("namespace").map { $0.key.span.union($0.value.span) } ?? resource.nameSpan
    }
}

extension MeshIndex {
    // MARK: Namespaces that hold only gateways

    /// True when the input shows `namespace` holding only gateways: waypoints (whose pods istiod
    /// labels `istio.io/dataplane-mode: none`, so ztunnel never captures them) or ingress and
    /// egress gateways (which must accept clients from outside the mesh). Such a namespace has no
    /// application pods for a default deny or STRICT mTLS to protect, and STRICT would break an
    /// ingress gateway's external clients.
    ///
    /// A namespace that binds itself to a waypoint (`istio.io/use-waypoint` on its object) or
    /// holds policies for Services of its own has application pods, even when the input holds only
    /// its waypoint (the applications live in another repository).
    public func holdsOnlyGateways(_ namespace: String) -> Bool {
        let gateways = gatewaysByNamespace[namespace] ?? []
        let workloads = workloads(in: namespace)
        guard !gateways.isEmpty || !workloads.isEmpty else { return false }
        if self.namespace(namespace).labelSource?[WellKnown.useWaypointLabel].map({ $0.value != WellKnown.dataplaneModeNone }) == true {
            return false
        }
        let targetsServices = authorizationPolicies(in: namespace).contains { policy in
            policy.targetRefs.contains { $0.groupKind == .service || $0.groupKind == .serviceEntry }
        }
        guard !targetsServices else { return false }
        guard workloads.allSatisfy(Self.isGatewayWorkload) else { return false }
        let services = servicesByNamespace[namespace] ?? []
        return services.allSatisfy { service in
            guard let selector = service.selector else { return false }
            return selector.matchLabels.contains { Self.isGatewayLabel(key: $0.key, value: $0.value) }
        }
    }

    /// A workload that runs an Istio gateway: the gateway injection template, or Istio's gateway labels.
    static func isGatewayWorkload(_ workload: WorkloadView) -> Bool {
        if workload.podAnnotations["inject.istio.io/templates"]?.value.contains("gateway") == true { return true }
        return workload.podLabelValues.contains { isGatewayLabel(key: $0.key, value: $0.value) }
    }

    /// `istio: ingressgateway` (or any `*gateway` value) and `gateway.networking.k8s.io/gateway-name`.
    static func isGatewayLabel(key: String, value: String) -> Bool {
        key == WellKnown.gatewayNameLabel || (key == "istio" && value.hasSuffix("gateway"))
    }
}

/// Why the input shows that a ServiceAccount exists, for identities policies name.
public enum ServiceAccountEvidence: Sendable {
    /// A `ServiceAccount` manifest.
    case object(ServiceAccountView)
    /// `default`, which Kubernetes creates in every namespace.
    case defaultAccount
    /// istiod creates it for this Gateway: a waypoint runs as its own name, a Gateway of class
    /// `istio` as `<name>-istio` (unless annotated `gateway.istio.io/service-account`).
    case gateway(GatewayView)
    /// A workload runs as it (`serviceAccountName`): whoever deploys the workload creates it.
    case workload(WorkloadView)
}

extension MeshIndex {
    // MARK: Identities

    /// Namespaces every cluster has, whether or not the input declares them: Kubernetes' own and
    /// Istio's root namespace.
    public var alwaysExistingNamespaces: Set<String> {
        ["default", "kube-system", "kube-public", "kube-node-lease", rootNamespace]
    }

    /// True when the namespace exists as far as the input can tell: its manifests are present, the
    /// configuration assumes it, or every cluster has it.
    public func namespaceIsKnown(_ name: String) -> Bool {
        let facts = namespace(name)
        return facts.isPresent || facts.isAssumed || alwaysExistingNamespaces.contains(name)
    }

    /// True when the input holds the identities of `namespace`: its manifests are present and
    /// include a workload, a ServiceAccount or a Gateway istiod deploys. A namespace present only
    /// through its policies (a policy repository) says nothing about which accounts exist.
    public func identitiesAreKnown(in namespace: String) -> Bool {
        guard self.namespace(namespace).isPresent else { return false }
        return !workloads(in: namespace).isEmpty || !generatedServiceAccounts(in: namespace).isEmpty
            || !(serviceAccountsByNamespace[namespace] ?? []).isEmpty
    }

    /// True when `principal` is in the mesh's trust domain, or, when the input declares several
    /// that disagree and nothing configured decides, in any of them.
    public func isMeshTrustDomain(of principal: PrincipalName) -> Bool {
        if principal.isInTrustDomain(trustDomain) { return true }
        guard !options.trustDomainIsConfigured, declaredSettings.agreedTrustDomain == nil else { return false }
        return declaredSettings.trustDomain.contains { $0.value == principal.trustDomain }
    }

    /// What shows that the ServiceAccount `key` exists, or nil when nothing in the input does.
    public func serviceAccountEvidence(_ key: ObjectKey) -> ServiceAccountEvidence? {
        if let object = serviceAccount(key) { return .object(object) }
        if key.name == "default" { return .defaultAccount }
        let namespace = key.namespace ?? "default"
        if let gateway = generatedServiceAccounts(in: namespace).first(where: { $0.name == key.name })?.gateway {
            return .gateway(gateway)
        }
        if let workload = workloads(in: namespace).first(where: { $0.serviceAccountName?.value == key.name }) {
            return .workload(workload)
        }
        return nil
    }

    /// Every ServiceAccount name the input shows in `namespace`, sorted: manifests, `default`, those
    /// istiod creates for Gateways, and those workloads run as.
    public func serviceAccountNames(in namespace: String) -> [String] {
        var names: Set<String> = ["default"]
        for account in serviceAccountsByNamespace[namespace] ?? [] where account.namespace == namespace { names.insert(account.name) }
        for generated in generatedServiceAccounts(in: namespace) { names.insert(generated.name) }
        for workload in workloads(in: namespace) {
            if let name = workload.serviceAccountName?.value { names.insert(name) }
        }
        return names.sorted()
    }

    /// The ServiceAccounts istiod creates for the Gateways it deploys in `namespace`.
    func generatedServiceAccounts(in namespace: String) -> [(name: String, gateway: GatewayView)] {
        (gatewaysByNamespace[namespace] ?? []).compactMap { gateway in
            // Each copy of a Gateway written twice is checked: its account exists whichever copy the cluster has.
            if gateway.isWaypoint { return (Waypoint.serviceAccountName(of: gateway), gateway) }
            guard gateway.gatewayClassName?.value == GatewayDeployment.istioGatewayClass else { return nil }
            let name = gateway.annotations[WellKnown.gatewayServiceAccountAnnotation]?.value
                ?? "\(gateway.name)-\(GatewayDeployment.istioGatewayClass)"
            return (name, gateway)
        }
    }
}

/// What istiod deploys for a Gateway of one of its own classes.
public enum GatewayDeployment {
    /// The GatewayClass of Istio's ingress and egress gateways; their Deployment and ServiceAccount
    /// are named `<gateway>-istio`.
    public static let istioGatewayClass = "istio"

    /// The classes whose Gateways istiod deploys as pods labelled
    /// `gateway.networking.k8s.io/gateway-name: <gateway>`.
    public static let deployedClasses: Set<String> = [WellKnown.waypointGatewayClass, istioGatewayClass]
}

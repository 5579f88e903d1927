/// Which policies bind the Envoys that are not waypoints: a workload's sidecar and an ingress
/// gateway's proxy.
///
/// Both are bound the way Istio binds any proxy that is not a waypoint (istio/istio
/// `pilot/pkg/model/policyattachment.go` `getPolicyMatcher`): a policy of the root namespace without
/// selector binds every proxy of the mesh, one of the proxy's namespace without selector or
/// targetRefs binds every proxy there, and a selector binds the proxies whose pod labels it matches
/// (from the root namespace, in every namespace). A selector with no labels matches every pod
/// (`labels.Instance.SubsetOf` of an empty set), unlike in ambient. A policy with `targetRefs` is
/// ignored by every sidecar; it binds a gateway only when it names that Gateway from the Gateway's
/// own namespace (a Service or ServiceEntry ref is for waypoints). RequestAuthentications attach by
/// the same matcher (`authentication.go` `getConfigsForWorkload`).
extension MeshIndex {
    // MARK: Sidecars

    /// The AuthorizationPolicies a sidecar enforces for `workload`'s pods; with no workload (the
    /// pods are not in the input), those of `namespace` that bind every pod there.
    public func sidecarAuthorizationPolicies(for workload: WorkloadView?, namespace: String) -> [AuthorizationPolicyView] {
        bound(authorizationPolicies(in: namespace), root: authorizationPolicies(in: rootNamespace), namespace: namespace,
              labels: workload?.podLabelValues, gateway: nil)
    }

    /// The RequestAuthentications a sidecar applies to `workload`'s pods (see
    /// `sidecarAuthorizationPolicies(for:namespace:)`).
    public func sidecarRequestAuthentications(for workload: WorkloadView?, namespace: String) -> [RequestAuthenticationView] {
        bound(requestAuthentications(in: namespace), root: requestAuthentications(in: rootNamespace), namespace: namespace,
              labels: workload?.podLabelValues, gateway: nil)
    }

    // MARK: Ingress gateways

    /// The labels istiod gives the pods it deploys for `gateway` (istio/istio
    /// `manifests/charts/istio-control/istio-discovery/files/kube-gateway.yaml`, rendered by
    /// `pilot/pkg/config/kube/gateway/deploymentcontroller.go`): `spec.infrastructure.labels`, the
    /// Gateway's name and class, the controller's mark, injection off, and the canonical name of
    /// the Deployment (`<name>-<class>`).
    public func podLabels(of gateway: GatewayView) -> [String: String] {
        var labels: [String: String] = [:]
        for pair in gateway.spec?["infrastructure", "labels"]?.pairs ?? [] {
            if let key = pair.key.string, let value = pair.value.string { labels[key] = value }
        }
        let className = gateway.gatewayClassName?.value ?? GatewayDeployment.istioGatewayClass
        labels[WellKnown.gatewayNameLabel] = gateway.name
        labels["gateway.networking.k8s.io/gateway-class-name"] = className
        labels["gateway.istio.io/managed"] = "istio.io-gateway-controller"
        labels[WellKnown.sidecarInjectLabel] = "false"
        labels["service.istio.io/canonical-name"] = "\(gateway.name)-\(className)"
        labels["service.istio.io/canonical-revision"] = "latest"
        return labels
    }

    /// The AuthorizationPolicies the proxy of ingress Gateway `key` enforces: those of its namespace
    /// whose targetRefs name it, and those whose selector (or namespace, or the root namespace) binds
    /// its pods (istiod's `ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY`, on by default;
    /// `policyattachment.go` `ShouldAttachPolicy` for a pod labelled with a Gateway's name).
    public func gatewayAuthorizationPolicies(of key: ObjectKey) -> [AuthorizationPolicyView] {
        let namespace = key.namespace ?? "default"
        return bound(authorizationPolicies(in: namespace), root: authorizationPolicies(in: rootNamespace), namespace: namespace,
                     labels: gateway(key).map(podLabels(of:)), gateway: key)
    }

    /// The RequestAuthentications the proxy of ingress Gateway `key` applies.
    public func gatewayRequestAuthentications(of key: ObjectKey) -> [RequestAuthenticationView] {
        let namespace = key.namespace ?? "default"
        return bound(requestAuthentications(in: namespace), root: requestAuthentications(in: rootNamespace), namespace: namespace,
                     labels: gateway(key).map(podLabels(of:)), gateway: key)
    }

    /// The policies of `namespace` and the root namespace that bind a proxy with pod `labels` (nil:
    /// not known, so only policies without selector) or, for a gateway, that target it.
    private func bound<Policy: WorkloadPolicyView>(
        _ local: [Policy], root: [Policy], namespace: String, labels: [String: String]?, gateway: ObjectKey?
    ) -> [Policy] {
        let candidates = local + (namespace == rootNamespace ? [] : root)
        return candidates.filter { policy in
            let attachment = attachment(of: policy)
            switch attachment.scope {
            case .namespace, .mesh:
                return true
            case .workloadSelector:
                guard let labels else { return false }
                return policy.selector?.matches(labels) ?? false
            case .targetRefs:
                // A targetRef binds a gateway only from the gateway's own namespace.
                guard let gateway, (policy.namespace ?? "default") == (gateway.namespace ?? "default") else { return false }
                return attachment.targets.contains { target in
                    if case .gateway(let view) = target.outcome { return view.key == gateway }
                    return false
                }
            case .selectorAndTargetRefs:
                return false
            }
        }
    }
}

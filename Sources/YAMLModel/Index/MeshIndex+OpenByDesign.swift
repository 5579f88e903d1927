/// Why a workload must admit callers the mesh cannot name, so that an ALLOW admitting everyone is
/// its design rather than a gap.
public enum OpenByDesign: Sendable {
    /// An ingress gateway: external clients have no mesh identity, and the gateway exists to
    /// admit them (their requests are authenticated there, or behind it).
    case ingressGateway(what: String, resource: Resource?, span: Span?)
    /// An admission webhook server: the Kubernetes API server calls it, from outside the mesh.
    case admissionWebhook(configuration: Resource, service: ServiceView)
}

extension MeshIndex {
    // MARK: Workloads open by design

    /// Whether everything `policy` covers is an ingress gateway or an admission webhook server, so
    /// that admitting every caller is what it must do; nil otherwise.
    public func openByDesign(_ policy: AuthorizationPolicyView) -> OpenByDesign? {
        let namespace = policy.namespace ?? "default"
        let attachment = attachment(of: policy)
        switch attachment.scope {
        case .targetRefs:
            let gateways = attachment.targets.compactMap { target -> GatewayView? in
                if case .gateway(let gateway) = target.outcome { return gateway }
                return nil
            }
            guard let first = gateways.first, gateways.count == attachment.targets.count,
                  gateways.allSatisfy({ !Self.looksLikeEgress($0.name) })
            else { return nil }
            return .ingressGateway(what: first.resource.displayName, resource: first.resource, span: first.resource.nameSpan)
        case .workloadSelector:
            guard let selector = policy.selector else { return nil }
            if let ingress = ingressGateway(selectedBy: selector, in: namespace) { return ingress }
            let covered = workloads(coveredBy: policy)
            guard !covered.isEmpty else { return nil }
            var webhook: OpenByDesign?
            for workload in covered {
                guard let found = admissionWebhook(servedBy: workload) else { return nil }
                webhook = webhook ?? found
            }
            return webhook
        default:
            return nil
        }
    }

    /// An ingress gateway a selector's labels name: Istio's own gateway labels
    /// (`istio: ingressgateway`, `app: istio-ingressgateway`) or the pods of a Gateway that is not
    /// a waypoint (`gateway.networking.k8s.io/gateway-name`).
    private func ingressGateway(selectedBy selector: LabelSelector, in namespace: String) -> OpenByDesign? {
        for label in selector.matchLabels {
            switch label.key {
            case "istio", "app":
                guard Self.looksLikeIngress(label.value) else { continue }
                return .ingressGateway(what: "the pods labelled \(label.key)=\(label.value)", resource: nil, span: nil)
            case WellKnown.gatewayNameLabel:
                let key = ObjectKey(namespace: namespace, name: label.value)
                if waypoint(key) != nil { return nil }
                if let gateway = gateway(key) {
                    guard !Self.looksLikeEgress(gateway.name) else { return nil }
                    return .ingressGateway(what: gateway.resource.displayName, resource: gateway.resource, span: gateway.resource.nameSpan)
                }
                guard Self.looksLikeIngress(label.value) else { continue }
                return .ingressGateway(what: "the pods of Gateway \(key)", resource: nil, span: nil)
            default:
                continue
            }
        }
        return nil
    }

    private static func looksLikeIngress(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered.contains("ingressgateway") || lowered.contains("ingress-gateway")
    }

    private static func looksLikeEgress(_ name: String) -> Bool { name.lowercased().contains("egress") }

    /// The admission webhook configuration in the input that calls `workload` through a Service.
    func admissionWebhook(servedBy workload: WorkloadView) -> OpenByDesign? {
        let serving = services(selecting: workload)
        guard !serving.isEmpty else { return nil }
        for configuration in webhookConfigurations {
            for webhook in configuration.node["webhooks"]?.items ?? [] {
                guard let service = webhook["clientConfig"]?["service"],
                      let name = service["name"]?.string, let namespace = service["namespace"]?.string,
                      let match = serving.first(where: { $0.name == name && ($0.namespace ?? "default") == namespace })
                else { continue }
                return .admissionWebhook(configuration: configuration, service: match)
            }
        }
        return nil
    }

    /// MutatingWebhookConfigurations and ValidatingWebhookConfigurations, in input order.
    var webhookConfigurations: [Resource] {
        resourcePositions(ofKinds: ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"])
            .map { resources[$0] }
            .filter { $0.group == "admissionregistration.k8s.io" }
    }
}

/// Resolves `istio.io/use-waypoint` labels to waypoints, as istiod does.
struct BindingResolver {
    let namespaces: [String: NamespaceFacts]
    let waypoints: [ObjectKey: Waypoint]
    let names: TargetNames
    /// Gateways written several times with differences: whether and how they serve is unknown.
    let conflictingGateways: Set<ObjectKey>

    /// The object's own label wins over its namespace's; when the own label names a waypoint that
    /// is missing, istiod does not fall back to the namespace's, and neither do we.
    func binding(for resource: Resource, labels: Labels, traffic: BoundTraffic) -> WaypointBinding {
        let home = resource.namespace ?? "default"
        let namespace = namespaces[home]
        let request: WaypointBinding.Request
        if let own = labels[WellKnown.useWaypointLabel] {
            let crossNamespace = labels[WellKnown.useWaypointNamespaceLabel]
            request = WaypointBinding.Request(
                label: own, namespaceLabel: crossNamespace, source: .ownLabel,
                waypointKey: ObjectKey(namespace: crossNamespace?.value ?? home, name: own.value))
        } else if let namespace, namespace.isDisputed(WellKnown.useWaypointLabel) || namespace.isDisputed(WellKnown.useWaypointNamespaceLabel) {
            // Copies of the Namespace disagree on the waypoint: no path order decides.
            return WaypointBinding(request: nil, status: .unresolved)
        } else if let objectLabels = namespace?.labelSource, let inherited = objectLabels[WellKnown.useWaypointLabel] {
            let crossNamespace = objectLabels[WellKnown.useWaypointNamespaceLabel]
            request = WaypointBinding.Request(
                label: inherited, namespaceLabel: crossNamespace, source: .namespaceLabel,
                waypointKey: ObjectKey(namespace: crossNamespace?.value ?? home, name: inherited.value))
        } else if namespace?.labelSource == nil {
            // The namespace's labels are not in the input: it may well bind everything in it.
            return WaypointBinding(request: nil, status: .unresolved)
        } else {
            return .notRequested
        }
        return WaypointBinding(request: request, status: status(of: request, home: home, traffic: traffic))
    }

    private func status(of request: WaypointBinding.Request, home: String, traffic: BoundTraffic) -> WaypointBinding.Status {
        if request.label.value == WellKnown.dataplaneModeNone { return .optedOut }
        let key = request.waypointKey
        if conflictingGateways.contains(key) { return .unresolved }
        // Every Gateway a label names is a waypoint, whatever its class (see `Waypoint`).
        guard let waypoint = waypoints[key] else {
            return missingWaypointStatus(key, namespacePresent: namespaces[key.namespace ?? ""]?.isPresent == true)
        }
        guard waypoint.trafficType?.accepts(traffic) == true else { return .trafficTypeNotAccepted(waypoint) }
        guard key.namespace != home else { return .bound(waypoint) }
        // Across namespaces, the waypoint's HBONE listener must admit the client namespace.
        guard let listener = waypoint.hboneListener else { return .namespaceNotAllowed(waypoint) }
        switch listener.allowedRoutesFrom?.value ?? "Same" {
        case "All":
            return .bound(waypoint)
        case "Selector":
            guard var labels = namespaces[home]?.labels else { return .unresolved }
            // Kubernetes labels every Namespace with its own name; manifests never write it.
            labels["kubernetes.io/metadata.name"] = home
            guard let selector = listener.allowedRoutesSelector, selector.matches(labels) else {
                return .namespaceNotAllowed(waypoint)
            }
            return .bound(waypoint)
        default:
            return .namespaceNotAllowed(waypoint)
        }
    }
}

extension BindingResolver {
    /// The status of a binding to a Gateway the input does not hold: proven missing (a complete
    /// namespace, or a near miss of a Gateway it holds), only not in the input, or unresolved
    /// when the input holds nothing of that namespace.
    func missingWaypointStatus(_ key: ObjectKey, namespacePresent: Bool) -> WaypointBinding.Status {
        let absence = names.absence(of: key.name, groupKind: .gateway, in: key.namespace ?? "default")
        if absence.isConclusive { return .waypointNotFound }
        return namespacePresent ? .waypointNotInInput : .unresolved
    }
}

/// Resolves a policy's `selector` / `targetRefs` to its enforcement point.
struct TargetResolver {
    let rootNamespace: String
    let gateways: [ObjectKey: GatewayView]
    let waypoints: [ObjectKey: Waypoint]
    let gatewayClasses: [String: GatewayClassView]
    let services: [ObjectKey: ServiceView]
    let serviceEntries: [ObjectKey: ServiceEntryView]
    let bindings: [ObjectIdentifier: WaypointBinding]
    /// Names of the targetable objects of each namespace, and the complete namespaces, to tell a
    /// target that does not exist from one defined outside the input.
    let names: TargetNames
    /// Services and ServiceEntries written several times with different labels: which copy's
    /// waypoint label holds is unknown, so a policy targeting one is enforced nobody knows where.
    let conflictingServices: Set<ObjectKey>
    let conflictingGateways: Set<ObjectKey>

    func attachment(of policy: some WorkloadPolicyView) -> PolicyAttachment {
        let refs = policy.targetRefs
        let namespace = policy.namespace ?? "default"
        switch (policy.selector != nil, refs.isEmpty) {
        case (true, false):
            return PolicyAttachment(scope: .selectorAndTargetRefs, targets: [])
        case (true, true):
            return PolicyAttachment(scope: .workloadSelector, targets: [])
        case (false, true):
            return PolicyAttachment(scope: namespace == rootNamespace ? .mesh : .namespace, targets: [])
        case (false, false):
            let targets = refs.map { ref in
                let isService = ref.groupKind == .service || ref.groupKind == .serviceEntry
                return ResolvedTarget(
                    ref: ref, outcome: outcome(of: ref, policyNamespace: namespace),
                    service: isService ? ObjectKey(namespace: namespace, name: ref.nameValue) : nil)
            }
            return PolicyAttachment(scope: .targetRefs, targets: targets)
        }
    }

    private func outcome(of ref: PolicyTargetRef, policyNamespace: String) -> ResolvedTarget.Outcome {
        if let namespace = ref.namespace, !namespace.value.isEmpty {
            return .invalid("targetRefs[].namespace must be empty: a policy only targets objects of its own namespace")
        }
        let key = ObjectKey(namespace: policyNamespace, name: ref.nameValue)
        switch ref.groupKind {
        case .gateway:
            guard let gateway = gateways[key] else { return notFound(ref, .gateway, policyNamespace) }
            if conflictingGateways.contains(key) { return .unresolved }
            if let waypoint = waypoints[key] { return .waypoint(waypoint) }
            return .gateway(gateway)
        case .gatewayClass:
            guard policyNamespace == rootNamespace else {
                return .invalid("a GatewayClass can only be targeted from the root namespace (\(rootNamespace))")
            }
            // istiod attaches class-wide policies by the class's name alone (ShouldAttachPolicy).
            let isWaypointClass = ref.nameValue == WellKnown.waypointGatewayClass
            return isWaypointClass ? .allWaypoints : .invalid("GatewayClass \(ref.nameValue) is not the waypoint class")
        case .service:
            guard let service = services[key] else { return notFound(ref, .service, policyNamespace) }
            return serviceOutcome(service.resource)
        case .serviceEntry:
            guard let entry = serviceEntries[key] else { return notFound(ref, .serviceEntry, policyNamespace) }
            return serviceOutcome(entry.resource)
        default:
            return .invalid("targetRefs kind \(ref.groupKind) is not supported (Gateway, GatewayClass, Service, ServiceEntry)")
        }
    }

    private func notFound(_ ref: PolicyTargetRef, _ groupKind: GroupKind, _ namespace: String) -> ResolvedTarget.Outcome {
        .notFound(names.absence(of: ref.nameValue, groupKind: groupKind, in: namespace))
    }

    private func serviceOutcome(_ resource: Resource) -> ResolvedTarget.Outcome {
        if conflictingServices.contains(ObjectKey(namespace: resource.namespace, name: resource.name)) { return .unresolved }
        let binding = bindings[ObjectIdentifier(resource)] ?? .notRequested
        switch binding.isBound {
        case true?: return binding.waypoint.map(ResolvedTarget.Outcome.waypoint) ?? .unresolved
        case nil: return .unresolved
        case false?: return .serviceWithoutWaypoint(resource, binding)
        }
    }
}

/// The names of the objects a policy can target, per namespace, and the namespaces the input holds
/// whole: what `Absence` is decided from.
struct TargetNames: Sendable {
    let services: [String: [String]]
    let serviceEntries: [String: [String]]
    let gateways: [String: [String]]
    let completeNamespaces: [String]

    /// Sorted once, when built: every absent target asks.
    init(services: [String: [String]], serviceEntries: [String: [String]], gateways: [String: [String]], completeNamespaces: [String]) {
        self.services = services.mapValues { $0.sorted() }
        self.serviceEntries = serviceEntries.mapValues { $0.sorted() }
        self.gateways = gateways.mapValues { $0.sorted() }
        self.completeNamespaces = completeNamespaces
    }

    func names(of groupKind: GroupKind, in namespace: String) -> [String] {
        let names: [String]? = switch groupKind {
        case .service: services[namespace]
        case .serviceEntry: serviceEntries[namespace]
        case .gateway: gateways[namespace]
        default: nil
        }
        return names ?? []
    }

    func absence(of name: String, groupKind: GroupKind, in namespace: String) -> Absence {
        Absence.of(name, in: namespace, among: names(of: groupKind, in: namespace), completeNamespaces: completeNamespaces)
    }
}

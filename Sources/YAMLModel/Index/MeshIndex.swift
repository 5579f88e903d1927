/// Settings the index needs that manifests do not carry.
public struct MeshIndexOptions: Sendable {
    /// `meshConfig.rootNamespace`: policies here apply mesh-wide.
    public var rootNamespace: String
    /// Labels of namespaces whose Namespace object is not in the input (a platform team owns it),
    /// from the configuration's `assume.namespaces`. A Namespace object in the input wins.
    public var assumedNamespaces: [String: Labels]
    /// `meshConfig.trustDomain`: the first part of every principal (`<trust-domain>/ns/<ns>/sa/<sa>`).
    public var trustDomain: String
    /// Threads the index may use while it is built (`--jobs`; nil: every core). The index is the
    /// same for any number.
    public var jobs: Int?
    /// Namespaces the input holds whole (the configuration's `complete:`, `--complete`): only there
    /// is an object absent from the input absent from the cluster. Istio-style patterns (`*`,
    /// `team-*`, `*-prod`).
    public var completeNamespaces: [String]
    /// True when `rootNamespace` / `trustDomain` were given (configuration, command line) rather
    /// than defaulted: then they win over what the input's mesh configuration declares.
    public var rootNamespaceIsConfigured: Bool
    public var trustDomainIsConfigured: Bool

    /// nil for `rootNamespace` or `trustDomain`: Istio's default, unless the input declares one.
    public init(
        rootNamespace: String? = nil, assumedNamespaces: [String: Labels] = [:],
        trustDomain: String? = nil, completeNamespaces: [String] = []
    ) {
        self.rootNamespace = rootNamespace ?? WellKnown.defaultRootNamespace
        self.assumedNamespaces = assumedNamespaces
        self.trustDomain = trustDomain ?? WellKnown.defaultTrustDomain
        self.completeNamespaces = completeNamespaces
        rootNamespaceIsConfigured = rootNamespace != nil
        trustDomainIsConfigured = trustDomain != nil
    }
}

/// The cross-resource index and the resolved ambient facts every rule reads.
///
/// Immutable once built, and a class so that handing it to rules, evaluators and views shares it
/// instead of copying its forty tables (each copy of a struct this wide was dozens of retains).
///
/// Istio's semantics live here, computed once: enrollment, waypoints, bindings, where each policy
/// is enforced, default deny. Rules ask; they never re-derive a fact. Every lookup is by key, so
/// no rule needs to scan all resources to relate two of them.
public final class MeshIndex: Sendable {
    public let options: MeshIndexOptions
    /// Every resource, in input order (file, document, list item).
    public let resources: [Resource]

    public let namespaceObjects: [NamespaceView]
    public let services: [ServiceView]
    public let serviceEntries: [ServiceEntryView]
    public let serviceAccounts: [ServiceAccountView]
    public let workloads: [WorkloadView]
    public let gateways: [GatewayView]
    public let gatewayClasses: [GatewayClassView]
    public let configMaps: [ConfigMapView]
    public let horizontalPodAutoscalers: [HorizontalPodAutoscalerView]
    public let podDisruptionBudgets: [PodDisruptionBudgetView]
    public let authorizationPolicies: [AuthorizationPolicyView]
    public let requestAuthentications: [RequestAuthenticationView]
    public let peerAuthentications: [PeerAuthenticationView]
    /// HTTPRoutes and GRPCRoutes.
    public let routes: [RouteView]
    /// Every other resource, by kind (Argo CD Applications, HelmReleases, CRDs, IstioOperators, ...).
    public let otherResources: [GroupKind: [Resource]]

    private let namespaceFactsByName: [String: NamespaceFacts]
    /// Positions in `resources` by kind, in input order.
    private let resourcePositionsByKind: [String: [Int]]
    private let gatewaysByKey: [ObjectKey: GatewayView]
    private let servicesByKey: [ObjectKey: ServiceView]
    private let serviceEntriesByKey: [ObjectKey: ServiceEntryView]
    private let waypointsByKey: [ObjectKey: Waypoint]
    // Resolved facts keyed by the resource object's identity: the index holds every resource, so an
    // identity is stable for the index's life, and it hashes in one word where an origin hashed a path.
    private let bindings: [ObjectIdentifier: WaypointBinding]
    private let enrollments: [ObjectIdentifier: Enrollment]
    private let attachments: [ObjectIdentifier: PolicyAttachment]
    private let authorizationPoliciesByNamespace: [String: [AuthorizationPolicyView]]
    let requestAuthenticationsByNamespace: [String: [RequestAuthenticationView]]
    let workloadsByNamespace: [String: [WorkloadView]]
    let servicesByNamespace: [String: [ServiceView]]
    let serviceEntriesByNamespace: [String: [ServiceEntryView]]
    /// Every waypoint sorted by namespace and name, and by namespace.
    private let sortedWaypoints: [Waypoint]
    let waypointsByNamespace: [String: [Waypoint]]
    /// ConfigMaps labelled `gateway.istio.io/defaults-for-class: istio-waypoint` in the root namespace.
    let waypointClassDefaults: [ConfigMapView]
    let serviceAccountsByKey: [ObjectKey: ServiceAccountView]
    let serviceAccountsByNamespace: [String: [ServiceAccountView]]
    let gatewaysByNamespace: [String: [GatewayView]]
    let peerAuthenticationsByNamespace: [String: [PeerAuthenticationView]]
    let routesByBackend: [ObjectKey: [RouteView]]
    /// The names of the objects policies can target, per namespace.
    let targetNames: TargetNames
    /// Objects written more than once (same kind, namespace and name), in input order.
    public let duplicates: [DuplicateResources]
    /// The trust domain and root namespace the input's mesh configuration declares.
    public let declaredSettings: DeclaredMeshSettings
    /// Gateways written several times with different specs or labels: their waypoint is unknown.
    let conflictingGateways: Set<ObjectKey>
    let configMapsByKey: [ObjectKey: ConfigMapView]
    let horizontalPodAutoscalersByNamespace: [String: [HorizontalPodAutoscalerView]]
    let podDisruptionBudgetsByNamespace: [String: [PodDisruptionBudgetView]]
    /// Services, ServiceEntries and workloads bound to each waypoint.
    let boundToWaypoint: [ObjectKey: [Resource]]
    let authorizationPoliciesAtWaypoint: [ObjectKey: [WaypointPolicy<AuthorizationPolicyView>]]
    let requestAuthenticationsAtWaypoint: [ObjectKey: [WaypointPolicy<RequestAuthenticationView>]]
    /// Policies targeting the waypoint GatewayClass from the root namespace: enforced at every waypoint.
    let classWideAuthorizationPolicies: [WaypointPolicy<AuthorizationPolicyView>]
    let classWideRequestAuthentications: [WaypointPolicy<RequestAuthenticationView>]

    public var rootNamespace: String { options.rootNamespace }

    public init(resources: [Resource], options configured: MeshIndexOptions = MeshIndexOptions()) {
        // What the input's own mesh configuration declares replaces Istio's defaults, never
        // what the configuration or command line gives.
        let declaredSettings = DeclaredMeshSettings(resources: resources)
        var options = configured
        // Declarations that disagree (environments scanned together) decide nothing: no path order
        // picks one, Istio's default stays, and principals in any declared domain are accepted.
        if !options.rootNamespaceIsConfigured, let root = declaredSettings.agreedRootNamespace { options.rootNamespace = root }
        if !options.trustDomainIsConfigured, let domain = declaredSettings.agreedTrustDomain { options.trustDomain = domain }
        self.declaredSettings = declaredSettings
        self.options = options
        self.resources = resources
        var positionsByKind: [String: [Int]] = [:]
        for (position, resource) in resources.enumerated() { positionsByKind[resource.kind, default: []].append(position) }
        resourcePositionsByKind = positionsByKind

        var namespaceObjects: [NamespaceView] = [], services: [ServiceView] = [], serviceEntries: [ServiceEntryView] = []
        var serviceAccounts: [ServiceAccountView] = [], workloads: [WorkloadView] = [], gateways: [GatewayView] = []
        var gatewayClasses: [GatewayClassView] = [], configMaps: [ConfigMapView] = []
        var hpas: [HorizontalPodAutoscalerView] = [], pdbs: [PodDisruptionBudgetView] = []
        var authorizationPolicies: [AuthorizationPolicyView] = [], requestAuthentications: [RequestAuthenticationView] = []
        var peerAuthentications: [PeerAuthenticationView] = []
        var routes: [RouteView] = []
        var workloadResources: [Resource] = []
        var others: [GroupKind: [Resource]] = [:]
        var namespacesWithResources = Set<String>()
        for resource in resources {
            if let namespace = resource.namespace { namespacesWithResources.insert(namespace) }
            switch resource.groupKind {
            case .namespace: namespaceObjects.append(NamespaceView(unchecked: resource))
            case .service: services.append(ServiceView(unchecked: resource))
            case .serviceEntry: serviceEntries.append(ServiceEntryView(unchecked: resource))
            case .serviceAccount: serviceAccounts.append(ServiceAccountView(unchecked: resource))
            case .gateway: gateways.append(GatewayView(unchecked: resource))
            case .gatewayClass: gatewayClasses.append(GatewayClassView(unchecked: resource))
            case .configMap: configMaps.append(ConfigMapView(unchecked: resource))
            case .horizontalPodAutoscaler: hpas.append(HorizontalPodAutoscalerView(unchecked: resource))
            case .podDisruptionBudget: pdbs.append(PodDisruptionBudgetView(unchecked: resource))
            case .authorizationPolicy: authorizationPolicies.append(AuthorizationPolicyView(unchecked: resource))
            case .requestAuthentication: requestAuthentications.append(RequestAuthenticationView(unchecked: resource))
            case .peerAuthentication: peerAuthentications.append(PeerAuthenticationView(unchecked: resource))
            case .httpRoute, .grpcRoute: routes.append(RouteView(unchecked: resource))
            case let groupKind where GroupKind.workloads.contains(groupKind):
                workloadResources.append(resource)
            default: others[resource.groupKind, default: []].append(resource)
            }
        }
        // A workload's view reads its pod template and labels: the one view worth building on all cores.
        workloads = workloadResources.parallelMap(jobs: options.jobs) { WorkloadView(unchecked: $0) }
        self.namespaceObjects = namespaceObjects
        self.services = services
        self.serviceEntries = serviceEntries
        self.serviceAccounts = serviceAccounts
        self.workloads = workloads
        self.gateways = gateways
        self.gatewayClasses = gatewayClasses
        self.configMaps = configMaps
        self.horizontalPodAutoscalers = hpas
        self.podDisruptionBudgets = pdbs
        self.authorizationPolicies = authorizationPolicies
        self.requestAuthentications = requestAuthentications
        self.peerAuthentications = peerAuthentications
        self.routes = routes
        otherResources = others

        let duplicates = DuplicateResources.find(in: resources)
        self.duplicates = duplicates
        // Namespaces: declared ones, and every namespace a resource lives in. Copies of a Namespace
        // that disagree on labels leave them unknown.
        var objectsByName: [String: NamespaceView] = [:]
        for object in namespaceObjects where objectsByName[object.name] == nil { objectsByName[object.name] = object }
        var conflicting: [String: [NamespaceView]] = [:]
        for group in duplicates where group.groupKind == .namespace && group.labelsDiffer {
            conflicting[group.key.name] = group.copies.map(NamespaceView.init(unchecked:))
        }
        var facts: [String: NamespaceFacts] = [:]
        for name in Set(objectsByName.keys).union(namespacesWithResources) {
            facts[name] = NamespaceFacts(
                name: name, object: objectsByName[name], isPresent: true, assumedLabels: options.assumedNamespaces[name],
                conflictingCopies: conflicting[name] ?? [])
        }
        // Assumed namespaces with nothing of theirs in the input are still known, but not present.
        for (name, labels) in options.assumedNamespaces where facts[name] == nil {
            facts[name] = NamespaceFacts(name: name, object: nil, isPresent: false, assumedLabels: labels)
        }
        namespaceFactsByName = facts

        gatewaysByKey = Self.firstByKey(gateways)
        servicesByKey = Self.firstByKey(services)
        serviceEntriesByKey = Self.firstByKey(serviceEntries)
        let classesByName = Dictionary(gatewayClasses.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        // istiod takes any Gateway a use-waypoint label names as the waypoint, whatever its class.
        let named = Self.gatewaysNamedByWaypointLabels(
            namespaces: objectsByName, assumed: options.assumedNamespaces, labelled: services.map(\.resource)
                + serviceEntries.map(\.resource), workloads: workloads)
        var waypoints: [ObjectKey: Waypoint] = [:]
        // Copies of a Gateway that differ (class, listeners, labels) leave its waypoint unknown:
        // no path order decides which one the cluster runs.
        let conflictingGateways = Set(duplicates.filter { $0.groupKind == .gateway && $0.specOrLabelsDiffer }.map(\.key))
        self.conflictingGateways = conflictingGateways
        for gateway in gateways where waypoints[gateway.key] == nil && !conflictingGateways.contains(gateway.key) {
            let gatewayClass = gateway.gatewayClassName.flatMap { classesByName[$0.value] }
            guard named.contains(gateway.key) || Waypoint.isDeclared(gateway, gatewayClass: gatewayClass) else { continue }
            waypoints[gateway.key] = Waypoint(gateway: gateway, gatewayClass: gatewayClass)
        }
        waypointsByKey = waypoints

        authorizationPoliciesByNamespace = Self.grouped(authorizationPolicies)
        requestAuthenticationsByNamespace = Self.grouped(requestAuthentications)
        workloadsByNamespace = Self.grouped(workloads)
        servicesByNamespace = Self.grouped(services)
        serviceEntriesByNamespace = Self.grouped(serviceEntries)
        sortedWaypoints = waypoints.values.sorted { $0.key < $1.key }
        var waypointsByNamespace: [String: [Waypoint]] = [:]
        for waypoint in sortedWaypoints { waypointsByNamespace[waypoint.namespace, default: []].append(waypoint) }
        self.waypointsByNamespace = waypointsByNamespace
        waypointClassDefaults = configMaps.filter {
            $0.namespace == options.rootNamespace
                && $0.labels[Self.defaultsForClassLabel]?.value == WellKnown.waypointGatewayClass
        }
        horizontalPodAutoscalersByNamespace = Self.grouped(hpas)
        podDisruptionBudgetsByNamespace = Self.grouped(pdbs)
        configMapsByKey = Self.firstByKey(configMaps)
        serviceAccountsByKey = Self.firstByKey(serviceAccounts)
        serviceAccountsByNamespace = Dictionary(grouping: serviceAccounts) { $0.namespace ?? "default" }
        gatewaysByNamespace = Dictionary(grouping: gateways) { $0.namespace ?? "default" }
        peerAuthenticationsByNamespace = Self.grouped(peerAuthentications)
        var routesByBackend: [ObjectKey: [RouteView]] = [:]
        for route in routes {
            let namespace = route.namespace ?? "default"
            for backend in route.backendRefs where backend.groupKind == .service {
                guard let name = backend.name?.value else { continue }
                let key = ObjectKey(namespace: backend.namespace(default: namespace), name: name)
                if routesByBackend[key]?.contains(where: { $0.resource.origin == route.resource.origin }) != true {
                    routesByBackend[key, default: []].append(route)
                }
            }
        }
        self.routesByBackend = routesByBackend

        // Bindings and enrollment need the lookups above, so they are resolved on a partial index.
        let targetNames = TargetNames(
            services: servicesByNamespace.mapValues { $0.map(\.name) },
            serviceEntries: serviceEntriesByNamespace.mapValues { $0.map(\.name) },
            gateways: gatewaysByNamespace.mapValues { $0.map(\.name) },
            completeNamespaces: options.completeNamespaces)
        self.targetNames = targetNames
        let resolver = BindingResolver(
            namespaces: facts, waypoints: waypoints, names: targetNames, conflictingGateways: conflictingGateways)
        var bindings: [ObjectIdentifier: WaypointBinding] = [:]
        var enrollments: [ObjectIdentifier: Enrollment] = [:]
        // Only bindings that say something are kept: a lookup that finds none answers `notRequested`.
        func record(_ binding: WaypointBinding, for resource: Resource) {
            if case .notRequested = binding.status, binding.request == nil { return }
            bindings[ObjectIdentifier(resource)] = binding
        }
        for service in services {
            record(resolver.binding(for: service.resource, labels: service.labels, traffic: .service), for: service.resource)
        }
        for entry in serviceEntries {
            record(resolver.binding(for: entry.resource, labels: entry.labels, traffic: .service), for: entry.resource)
        }
        let namespaceFacts = facts
        let workloadFacts = workloads.parallelMap(jobs: options.jobs) { workload in
            let namespace = namespaceFacts[workload.namespace ?? "default"]
                ?? NamespaceFacts(name: workload.namespace ?? "default", object: nil, isPresent: false)
            return (
                binding: resolver.binding(for: workload.resource, labels: workload.podLabels, traffic: .workload),
                enrollment: Enrollment.resolve(workload, namespace: namespace))
        }
        enrollments.reserveCapacity(workloads.count)
        for (workload, resolved) in zip(workloads, workloadFacts) {
            record(resolved.binding, for: workload.resource)
            enrollments[ObjectIdentifier(workload.resource)] = resolved.enrollment
        }
        self.bindings = bindings
        self.enrollments = enrollments

        var attachments: [ObjectIdentifier: PolicyAttachment] = [:]
        attachments.reserveCapacity(authorizationPolicies.count + requestAuthentications.count)
        let targetResolver = TargetResolver(
            rootNamespace: options.rootNamespace, gateways: gatewaysByKey, waypoints: waypoints,
            gatewayClasses: classesByName, services: servicesByKey, serviceEntries: serviceEntriesByKey,
            bindings: bindings, names: targetNames,
            conflictingServices: Set(duplicates.filter { $0.labelsDiffer && ($0.groupKind == .service || $0.groupKind == .serviceEntry) }
                .map(\.key)),
            conflictingGateways: conflictingGateways)
        for (policy, attachment) in zip(authorizationPolicies, authorizationPolicies.parallelMap(jobs: options.jobs) { targetResolver.attachment(of: $0) }) {
            attachments[ObjectIdentifier(policy.resource)] = attachment
        }
        for policy in requestAuthentications {
            attachments[ObjectIdentifier(policy.resource)] = targetResolver.attachment(of: policy)
        }
        self.attachments = attachments

        var bound: [ObjectKey: [Resource]] = [:]
        for resource in services.map(\.resource) + serviceEntries.map(\.resource) + workloads.map(\.resource) {
            if let waypoint = bindings[ObjectIdentifier(resource)]?.waypoint { bound[waypoint.key, default: []].append(resource) }
        }
        boundToWaypoint = bound

        var authorizationAtWaypoint: [ObjectKey: [WaypointPolicy<AuthorizationPolicyView>]] = [:]
        var classWideAuthorization: [WaypointPolicy<AuthorizationPolicyView>] = []
        for policy in authorizationPolicies {
            Self.place(policy, attachment: attachments[ObjectIdentifier(policy.resource)], into: &authorizationAtWaypoint, classWide: &classWideAuthorization)
        }
        var authenticationAtWaypoint: [ObjectKey: [WaypointPolicy<RequestAuthenticationView>]] = [:]
        var classWideAuthentication: [WaypointPolicy<RequestAuthenticationView>] = []
        for policy in requestAuthentications {
            Self.place(policy, attachment: attachments[ObjectIdentifier(policy.resource)], into: &authenticationAtWaypoint, classWide: &classWideAuthentication)
        }
        authorizationPoliciesAtWaypoint = authorizationAtWaypoint
        requestAuthenticationsAtWaypoint = authenticationAtWaypoint
        classWideAuthorizationPolicies = classWideAuthorization
        classWideRequestAuthentications = classWideAuthentication
    }

    /// The Gateways `istio.io/use-waypoint` labels name, on Namespaces (their objects or assumed
    /// labels), Services, ServiceEntries and pod templates.
    private static func gatewaysNamedByWaypointLabels(
        namespaces: [String: NamespaceView], assumed: [String: Labels], labelled: [Resource], workloads: [WorkloadView]
    ) -> Set<ObjectKey> {
        var keys = Set<ObjectKey>()
        func add(_ labels: Labels, home: String) {
            guard let name = labels[WellKnown.useWaypointLabel]?.value, name != WellKnown.dataplaneModeNone else { return }
            keys.insert(ObjectKey(namespace: labels[WellKnown.useWaypointNamespaceLabel]?.value ?? home, name: name))
        }
        for (name, object) in namespaces { add(object.labels, home: name) }
        for (name, labels) in assumed where namespaces[name] == nil { add(labels, home: name) }
        for resource in labelled { add(resource.labels, home: resource.namespace ?? "default") }
        for workload in workloads { add(workload.podLabels, home: workload.namespace ?? "default") }
        return keys
    }

    /// Files a policy under every waypoint its targets reach.
    private static func place<View: WorkloadPolicyView>(
        _ policy: View, attachment: PolicyAttachment?, into table: inout [ObjectKey: [WaypointPolicy<View>]],
        classWide: inout [WaypointPolicy<View>]
    ) {
        for target in attachment?.targets ?? [] {
            switch target.outcome {
            case .waypoint(let waypoint):
                table[waypoint.key, default: []].append(WaypointPolicy(policy: policy, target: target))
            case .allWaypoints:
                classWide.append(WaypointPolicy(policy: policy, target: target))
            default:
                continue
            }
        }
    }

    private static func grouped<View: ResourceView>(_ views: [View]) -> [String: [View]] {
        var result: [String: [View]] = [:]
        for view in views { result[view.namespace ?? "", default: []].append(view) }
        return result
    }

    private static func firstByKey<View: ResourceView>(_ views: [View]) -> [ObjectKey: View] {
        var result: [ObjectKey: View] = [:]
        result.reserveCapacity(views.count)
        // Last to first, each key written unconditionally: the first view of a key is what stays,
        // for one hash per view.
        for view in views.reversed() { result[view.key] = view }
        return result
    }

    // MARK: Namespaces

    /// What the input says about a namespace; `unknown` and not present when it says nothing.
    public func namespace(_ name: String) -> NamespaceFacts {
        namespaceFactsByName[name] ?? NamespaceFacts(name: name, object: nil, isPresent: false)
    }

    /// Every namespace the input declares or puts a resource in, sorted by name.
    public var namespaces: [NamespaceFacts] {
        namespaceFactsByName.values.sorted { $0.name < $1.name }
    }

    /// Whether the namespace denies by default, and the policies that do not make it so.
    public func defaultDeny(in namespace: String) -> DefaultDeny {
        DefaultDeny.resolve(
            namespace: namespace, rootNamespace: rootNamespace,
            local: authorizationPolicies(in: namespace), root: authorizationPolicies(in: rootNamespace))
    }

    // MARK: Lookups

    public func gateway(_ key: ObjectKey) -> GatewayView? { gatewaysByKey[key] }
    public func service(_ key: ObjectKey) -> ServiceView? { servicesByKey[key] }
    public func serviceEntry(_ key: ObjectKey) -> ServiceEntryView? { serviceEntriesByKey[key] }
    public func waypoint(_ key: ObjectKey) -> Waypoint? { waypointsByKey[key] }
    public func serviceAccount(_ key: ObjectKey) -> ServiceAccountView? { serviceAccountsByKey[key] }

    /// The identity trust domain of the mesh (`meshConfig.trustDomain`).
    public var trustDomain: String { options.trustDomain }

    public func peerAuthentications(in namespace: String) -> [PeerAuthenticationView] {
        peerAuthenticationsByNamespace[namespace] ?? []
    }

    /// The HTTPRoutes and GRPCRoutes with a backendRef to the Service `key`.
    public func routes(to key: ObjectKey) -> [RouteView] { routesByBackend[key] ?? [] }

    /// Resources of kinds without a typed view, e.g. `GroupKind(group: "argoproj.io", kind: "Application")`.
    public func resources(of groupKind: GroupKind) -> [Resource] { otherResources[groupKind] ?? [] }

    /// The positions in `resources` of the resources of these kinds (any API group), in input order.
    public func resourcePositions(ofKinds kinds: [String]) -> [Int] {
        let positions = Set(kinds).flatMap { resourcePositionsByKind[$0] ?? [] }
        return kinds.count > 1 ? positions.sorted() : positions
    }

    /// Every waypoint, sorted by namespace and name.
    public var waypoints: [Waypoint] { sortedWaypoints }

    public func authorizationPolicies(in namespace: String) -> [AuthorizationPolicyView] {
        authorizationPoliciesByNamespace[namespace] ?? []
    }

    // MARK: Resolved facts

    /// The waypoint binding of a Service, ServiceEntry or workload (by its pod labels).
    public func binding(of resource: Resource) -> WaypointBinding {
        bindings[ObjectIdentifier(resource)] ?? .notRequested
    }

    /// Whether a workload's pods are in ambient.
    public func enrollment(of workload: WorkloadView) -> Enrollment {
        enrollments[ObjectIdentifier(workload.resource)]
            ?? Enrollment.resolve(workload, namespace: namespace(workload.namespace ?? "default"))
    }

    /// Where an AuthorizationPolicy or RequestAuthentication is enforced.
    public func attachment(of policy: some WorkloadPolicyView) -> PolicyAttachment {
        attachments[ObjectIdentifier(policy.resource)] ?? PolicyAttachment(scope: .namespace, targets: [])
    }
}

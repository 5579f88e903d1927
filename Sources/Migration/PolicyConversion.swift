import YAMLModel

/// What happens to one policy of the namespace when it moves, and the objects that carry its intent
/// in ambient.
public struct PolicyChange: Sendable {
    public enum Kind: String, Sendable {
        /// ztunnel enforces it as the sidecars did (ports, IP blocks).
        case keptAsIs = "kept as is"
        /// Its HTTP rules move to the waypoint (`targetRefs`); at ztunnel they would be dropped.
        case l7MovesToWaypoint = "L7 rules move to the waypoint"
        /// Its identity rules move to the waypoint, whose identity ztunnel sees on Service traffic.
        case identityMovesToWaypoint = "identity rules move to the waypoint"
        /// `selector: {}`: every sidecar pod today, no ambient workload after the move.
        case emptySelector = "empty selector attaches to nothing"
        /// A RequestAuthentication: only a waypoint validates tokens in ambient.
        case authenticationNeedsWaypoint = "RequestAuthentication needs the waypoint"
        /// `targetRefs`: no sidecar applies it today; the waypoint will.
        case takesEffectAtWaypoint = "takes effect only at the waypoint"
        /// A PeerAuthentication: the mode ztunnel applies.
        case peerAuthentication = "PeerAuthentication mode in effect"
        /// Rejected or otherwise enforced nowhere, before and after.
        case enforcedNowhere = "enforced nowhere"
        /// An object an earlier `migrate` patch added: it carries another policy's intent.
        case conversion = "written by migrate"
    }

    /// `AuthorizationPolicy payments/ledger-debit`.
    public let policy: String
    public let kind: Kind
    /// How the policy is enforced today, and after the move without the patch.
    public let today: String
    public let afterMove: String
    /// The new objects that carry it, by name.
    public let conversions: [String]
    /// True when the policy is dead after the move and is to be deleted once the labels flip.
    public let deleteAfterMove: Bool
}

/// One object the patch adds.
public struct PatchObject: Sendable {
    public let kind: String
    public let name: String
    public let namespace: String
    /// The policy it carries the intent of.
    public let from: String
    /// The object as YAML, one document.
    public let yaml: String
}

/// Works out the changes and the patch for every policy of a namespace.
struct PolicyConverter {
    let index: MeshIndex
    let namespace: String
    let waypoint: NamespaceMove.WaypointChoice?
    var changes: [PolicyChange] = []
    var objects: [PatchObject] = []
    /// What ambient cannot express of the namespace's policies.
    var inexpressible: [String] = []
    static let migratedFromAnnotation = "meshlint.io/migrated-from"

    init(index: MeshIndex, namespace: String, waypoint: NamespaceMove.WaypointChoice?) {
        self.index = index
        self.namespace = namespace
        self.waypoint = waypoint
    }

    /// True when a policy of the namespace needs a waypoint in ambient: HTTP attributes, or a
    /// RequestAuthentication to validate tokens.
    static func needsWaypoint(_ index: MeshIndex, namespace: String) -> Bool {
        index.authorizationPolicies(in: namespace).contains { !$0.rules.flatMap(\.l7Attributes).isEmpty }
            || !index.requestAuthentications(in: namespace).isEmpty
    }

    mutating func run() {
        for policy in index.authorizationPolicies(in: namespace) { convert(policy) }
        for authentication in index.requestAuthentications(in: namespace) { convert(authentication) }
        for peer in index.peerAuthentications(in: namespace) {
            let mode = peer.mode?.rawValue ?? "UNSET"
            changes.append(PolicyChange(
                policy: "PeerAuthentication \(peer.key)", kind: .peerAuthentication,
                today: "the sidecars apply mode \(mode)",
                afterMove: mode == "DISABLE" ? "ztunnel treats DISABLE as PERMISSIVE: plaintext is accepted, mTLS too"
                    : "ztunnel applies mode \(mode)" + (peer.portLevelMTLS.isEmpty ? "" : "; port-level modes apply to ports selected by its selector"),
                conversions: [], deleteAfterMove: false))
        }
    }

    // MARK: AuthorizationPolicy

    /// The change for an object an earlier patch added, nil for any other.
    private func conversion(_ resource: Resource, name: String, enforcedAtWaypoint: Bool) -> PolicyChange? {
        guard let from = resource.annotations[Self.migratedFromAnnotation]?.value else { return nil }
        return PolicyChange(
            policy: name, kind: .conversion, today: "carries \(from); " + (enforcedAtWaypoint ? "no sidecar applies it" : "the sidecars apply it too"),
            afterMove: enforcedAtWaypoint ? "enforced at the waypoint" : "enforced by ztunnel", conversions: [], deleteAfterMove: false)
    }

    private mutating func convert(_ policy: AuthorizationPolicyView) {
        let name = "AuthorizationPolicy \(policy.key)"
        if let change = conversion(policy.resource, name: name, enforcedAtWaypoint: index.attachment(of: policy).scope == .targetRefs) {
            changes.append(change)
            return
        }
        let attachment = index.attachment(of: policy)
        let action = policy.action ?? .allow
        switch attachment.scope {
        case .targetRefs:
            changes.append(PolicyChange(
                policy: name, kind: .takesEffectAtWaypoint, today: "no sidecar applies a policy with targetRefs",
                afterMove: waypoint.map { "enforced at waypoint \(namespace)/\($0.name)" } ?? "no waypoint serves the namespace: still enforced nowhere",
                conversions: [], deleteAfterMove: false))
            return
        case .selectorAndTargetRefs, .mesh:
            changes.append(PolicyChange(
                policy: name, kind: .enforcedNowhere, today: "rejected by istiod (selector and targetRefs)", afterMove: "still rejected",
                conversions: [], deleteAfterMove: false))
            return
        case .workloadSelector, .namespace:
            break
        }
        let isEmptySelector = index.hasEmptyWorkloadSelector(policy)
        let rules = policy.rules
        let hasL7 = rules.contains { !$0.l7Attributes.isEmpty }
        let hasIdentity = rules.contains(where: Self.usesIdentity)
        let selected = attachment.scope == .namespace || isEmptySelector
            ? index.workloads(in: namespace) : (policy.selector.map { index.workloads(selectedBy: $0, policyNamespace: namespace) } ?? [])
        let where_ = attachment.scope == .namespace || isEmptySelector
            ? "every pod of namespace \(namespace)" : Self.describe(selected)
        let today = "the sidecars of \(where_) apply it, L4 and L7"

        guard let waypoint, hasL7 || hasIdentity || isEmptySelector else {
            if isEmptySelector {
                // No waypoint is needed: the same rules, namespace-wide, at ztunnel.
                let object = ztunnelPolicy(from: policy, action: action, rules: rules.map(\.node), admitting: nil, namespaceWide: true)
                changes.append(PolicyChange(
                    policy: name, kind: .emptySelector, today: today, afterMove: "ztunnel attaches `selector: {}` to no workload: enforced nowhere",
                    conversions: object.map { [$0] } ?? [], deleteAfterMove: true))
                return
            }
            changes.append(PolicyChange(
                policy: name, kind: .keptAsIs, today: today,
                afterMove: hasL7 ? "ztunnel drops its HTTP rules" : "ztunnel enforces it for the same pods",
                conversions: [], deleteAfterMove: false))
            return
        }
        // The HTTP or identity rules go to the waypoint, for the Services in front of the pods (or,
        // namespace-wide, for all of the waypoint's traffic).
        let services = attachment.scope == .namespace || isEmptySelector ? [] : Self.services(fronting: selected, in: index)
        var conversions: [String] = []
        if attachment.scope == .workloadSelector, !isEmptySelector, services.isEmpty {
            inexpressible.append(
                "\(name) selects \(where_), which no Service fronts: a waypoint for Service traffic never sees its requests, so its "
                    + (hasL7 ? "HTTP rules" : "identity rules") + " cannot move there")
        } else if let object = waypointPolicy(from: policy, action: action, services: services, waypoint: waypoint, pods: selected) {
            conversions.append(object)
        }
        let keep = !hasL7 && !isEmptySelector
        let l4Rules = rules.filter { $0.l7Attributes.isEmpty }.map(\.node)
        switch action {
        case .allow:
            // ztunnel sees the waypoint's identity on Service traffic: admit it, and keep the pure L4
            // rules (direct pod-IP callers) when the original goes.
            if let object = ztunnelPolicy(
                from: policy, action: .allow, rules: keep ? [] : l4Rules, admitting: waypoint.identity, namespaceWide: isEmptySelector) {
                conversions.append(object)
            }
        case .deny, .audit:
            if !keep, !l4Rules.isEmpty,
               let object = ztunnelPolicy(from: policy, action: action, rules: l4Rules, admitting: nil, namespaceWide: isEmptySelector) {
                conversions.append(object)
            }
        case .custom:
            break
        }
        let kind: PolicyChange.Kind = isEmptySelector ? .emptySelector : hasL7 ? .l7MovesToWaypoint : .identityMovesToWaypoint
        let after: String
        switch (isEmptySelector, hasL7, action) {
        case (true, _, _): after = "ztunnel attaches `selector: {}` to no workload: enforced nowhere"
        case (false, true, .allow): after = "ztunnel drops its rules with HTTP attributes: they match nothing (fail-closed)"
        case (false, true, _): after = "ztunnel cannot evaluate its HTTP attributes: the DENY no longer matches as written"
        case (false, false, _):
            after = "Service traffic reaches ztunnel with waypoint \(waypoint.name)'s identity, which its "
                + (action == .allow ? "ALLOW does not admit (fail-closed)" : "DENY does not name (fail-open)")
        }
        changes.append(PolicyChange(policy: name, kind: kind, today: today, afterMove: after, conversions: conversions, deleteAfterMove: !keep))
    }

    /// True when a rule tells callers apart by identity (principals, namespaces, service accounts).
    static func usesIdentity(_ rule: AuthorizationRule) -> Bool {
        let identityFields: Set<String> = [
            "principals", "notPrincipals", "namespaces", "notNamespaces", "serviceAccounts", "notServiceAccounts",
        ]
        return rule.sources.contains { $0.fields.contains { identityFields.contains($0.name) } }
            || rule.conditions.contains { ["source.principal", "source.namespace", "source.serviceAccount"].contains($0.key?.value ?? "") }
    }

    // MARK: RequestAuthentication

    private mutating func convert(_ authentication: RequestAuthenticationView) {
        let name = "RequestAuthentication \(authentication.key)"
        if let change = conversion(authentication.resource, name: name, enforcedAtWaypoint: true) {
            changes.append(change)
            return
        }
        let attachment = index.attachment(of: authentication)
        guard attachment.scope == .workloadSelector || attachment.scope == .namespace else {
            changes.append(PolicyChange(
                policy: name, kind: .takesEffectAtWaypoint, today: "no sidecar applies a RequestAuthentication with targetRefs",
                afterMove: waypoint.map { "enforced at waypoint \($0.name)" } ?? "no waypoint: enforced nowhere", conversions: [],
                deleteAfterMove: false))
            return
        }
        let isEmptySelector = authentication.selector?.isEmptyWorkloadSelector == true
        let namespaceWide = attachment.scope == .namespace || isEmptySelector
        let selected = namespaceWide
            ? index.workloads(in: namespace) : (authentication.selector.map { index.workloads(selectedBy: $0, policyNamespace: namespace) } ?? [])
        var conversions: [String] = []
        if let waypoint {
            let services = namespaceWide ? [] : Self.services(fronting: selected, in: index)
            if !namespaceWide, services.isEmpty {
                inexpressible.append("\(name) selects \(Self.describe(selected)), which no Service fronts: the waypoint cannot validate its tokens")
            } else {
                var lines = header(kind: "RequestAuthentication", name: "\(authentication.name)-waypoint", from: name)
                lines += ["spec:"] + targetRefs(services: services, waypoint: waypoint)
                if let rules = authentication.spec?["jwtRules"] {
                    lines += ["  jwtRules:"] + YAMLWriter.lines(of: rules, indent: 2)
                }
                conversions += add(kind: "RequestAuthentication", name: "\(authentication.name)-waypoint", from: name, lines: lines)
            }
        }
        changes.append(PolicyChange(
            policy: name, kind: .authenticationNeedsWaypoint,
            today: "the sidecars of \(namespaceWide ? "every pod of namespace \(namespace)" : Self.describe(selected)) validate tokens",
            afterMove: "ztunnel reads no HTTP: tokens are not validated, and rules on request principals or claims match nothing",
            conversions: conversions, deleteAfterMove: true))
    }

    // MARK: The new objects

    /// `<policy>-waypoint`: the policy's rules at the waypoint, for `services` (none: all of its
    /// traffic), with ports read as the Services' ports.
    private mutating func waypointPolicy(
        from policy: AuthorizationPolicyView, action: AuthorizationPolicyView.Action, services: [ServiceView],
        waypoint: NamespaceMove.WaypointChoice, pods: [WorkloadView]
    ) -> String? {
        let name = "\(policy.name)-waypoint"
        var lines = header(kind: "AuthorizationPolicy", name: name, from: "AuthorizationPolicy \(policy.key)")
        lines += ["spec:"] + targetRefs(services: services, waypoint: waypoint)
        lines.append("  action: \(YAMLWriter.quoted(action.rawValue))")
        if action == .custom, let provider = policy.spec?["provider"] {
            lines += ["  provider:"] + YAMLWriter.lines(of: provider, indent: 4)
        }
        let mapping = Self.portMapping(services: services.isEmpty ? index.services.filter { $0.namespace == namespace } : services, pods: pods, index: index)
        var unmapped: [String] = []
        if let rules = policy.spec?["rules"] {
            lines += ["  rules:"] + YAMLWriter.lines(of: rules, indent: 2) { path, value in
                // A sidecar sees the pod's port; a waypoint serving a Service sees the Service's.
                guard path.last == "ports" || path.last == "notPorts" || (path.suffix(2) == ["destination.port", "values"])
                    || (path.suffix(2) == ["destination.port", "notValues"])
                else { return nil }
                guard let port = Int(value) else { return nil }
                guard let mapped = mapping[port], !mapped.isEmpty else {
                    unmapped.append(value)
                    return nil
                }
                return mapped.map(String.init)
            }
        }
        if !unmapped.isEmpty {
            inexpressible.append(
                "AuthorizationPolicy \(policy.key) names pod port(s) \(unmapped.joined(separator: ", ")) that no Service port forwards to: "
                    + "at the waypoint they are kept as written and match Service ports of that number only")
        }
        return add(kind: "AuthorizationPolicy", name: name, from: "AuthorizationPolicy \(policy.key)", lines: lines).first
    }

    /// `<policy>-ztunnel`: what ztunnel keeps of the policy: `rules` as written, and a rule
    /// admitting `admitting` (the waypoint) when given. Nil when it would hold no rule.
    private mutating func ztunnelPolicy(
        from policy: AuthorizationPolicyView, action: AuthorizationPolicyView.Action, rules: [Node], admitting: MeshIdentity?,
        namespaceWide: Bool
    ) -> String? {
        guard !rules.isEmpty || admitting != nil else { return nil }
        let name = "\(policy.name)-ztunnel"
        var lines = header(kind: "AuthorizationPolicy", name: name, from: "AuthorizationPolicy \(policy.key)")
        lines.append("spec:")
        if !namespaceWide, let selector = policy.spec?["selector"] {
            lines += ["  selector:"] + YAMLWriter.lines(of: selector, indent: 4)
        }
        lines.append("  action: \(YAMLWriter.quoted(action.rawValue))")
        lines.append("  rules:")
        if let admitting {
            lines += [
                "  - from:", "    - source:", "        principals:",
                "        - \(YAMLWriter.quoted("\(index.trustDomain)/ns/\(admitting.namespace)/sa/\(admitting.serviceAccount)"))",
            ]
        }
        for rule in rules { lines += YAMLWriter.lines(of: rule, indent: 4).enumerated().map { $0 == 0 ? "  - " + $1.dropFirst(4) : $1 } }
        return add(kind: "AuthorizationPolicy", name: name, from: "AuthorizationPolicy \(policy.key)", lines: lines).first
    }

    private func header(kind: String, name: String, from: String) -> [String] {
        [
            "apiVersion: security.istio.io/v1", "kind: \(kind)", "metadata:",
            "  name: \(YAMLWriter.quoted(name))", "  namespace: \(YAMLWriter.quoted(namespace))",
            "  annotations:", "    \(YAMLWriter.quoted(Self.migratedFromAnnotation)): \(YAMLWriter.quoted(from))",
        ]
    }

    private func targetRefs(services: [ServiceView], waypoint: NamespaceMove.WaypointChoice) -> [String] {
        var lines = ["  targetRefs:"]
        if services.isEmpty {
            lines += ["  - kind: \"Gateway\"", "    group: \"gateway.networking.k8s.io\"", "    name: \(YAMLWriter.quoted(waypoint.name))"]
        } else {
            for service in services {
                lines += ["  - kind: \"Service\"", "    group: \"\"", "    name: \(YAMLWriter.quoted(service.name))"]
            }
        }
        return lines
    }

    /// Adds the object unless the input already holds its conversion (an object of that kind and
    /// name migrated from the same policy); returns its name either way.
    private mutating func add(kind: String, name: String, from: String, lines: [String]) -> [String] {
        let existing = index.resources.first { $0.kind == kind && $0.name == name && $0.namespace == namespace }
        if let existing {
            if existing.annotations[Self.migratedFromAnnotation]?.value == from { return [name] }
            inexpressible.append("\(kind) \(namespace)/\(name) already exists and was not written by migrate: the conversion of \(from) was not added")
            return []
        }
        objects.append(PatchObject(kind: kind, name: name, namespace: namespace, from: from, yaml: lines.joined(separator: "\n") + "\n"))
        return [name]
    }

    // MARK: Helpers

    /// The Services of the namespace that select any of `workloads`, sorted by name.
    static func services(fronting workloads: [WorkloadView], in index: MeshIndex) -> [ServiceView] {
        var seen = Set<ObjectKey>()
        return workloads.flatMap { index.services(selecting: $0) }.filter { seen.insert($0.key).inserted }.sorted { $0.name < $1.name }
    }

    /// Pod port → the Service ports that forward to it, over `services` and the pods of `pods`.
    static func portMapping(services: [ServiceView], pods: [WorkloadView], index: MeshIndex) -> [Int: [Int]] {
        var mapping: [Int: [Int]] = [:]
        for service in services {
            for entry in service.ports {
                guard let port = entry["port"]?.int else { continue }
                let targets = (pods.isEmpty ? [nil] : pods.map(Optional.some)).compactMap { index.servicePort(port, of: service, on: $0)?.targetPort }
                for target in Set(targets) where !(mapping[target]?.contains(port) ?? false) {
                    mapping[target, default: []].append(port)
                }
            }
        }
        return mapping.mapValues { $0.sorted() }
    }

    static func describe(_ workloads: [WorkloadView]) -> String {
        guard !workloads.isEmpty else { return "no workload in the input" }
        return workloads.map { "\($0.resource.kind) \($0.key)" }.joined(separator: ", ")
    }
}

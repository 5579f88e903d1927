import Access
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
        /// CUSTOM or AUDIT: istiod refuses them for ztunnel, only a waypoint runs them.
        case actionNeedsWaypoint = "CUSTOM or AUDIT needs the waypoint"
        /// A policy of the root namespace that binds the namespace's pods: reviewed, not converted.
        case rootNamespace = "root namespace: review"
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
        index.authorizationPolicies(in: namespace).contains {
            !$0.rules.flatMap(\.l7Attributes).isEmpty || $0.action == .custom || $0.action == .audit
        }
            || !index.requestAuthentications(in: namespace).isEmpty
    }

    mutating func run() {
        for policy in index.authorizationPolicies(in: namespace) { convert(policy) }
        for authentication in index.requestAuthentications(in: namespace) { convert(authentication) }
        if namespace != index.rootNamespace { reviewRootNamespace() }
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

    /// The root namespace's policies that bind the namespace's pods: not converted (they cover
    /// the whole mesh), but shown with what the move does to them.
    private mutating func reviewRootNamespace() {
        let root = index.rootNamespace
        let labels = index.workloads(in: namespace).map(\.podLabelValues)
        func binds(_ scope: PolicyAttachment.Scope, _ selector: LabelSelector?) -> Bool {
            scope == .mesh || (scope == .workloadSelector && labels.contains { selector?.matches($0) ?? false })
        }
        for policy in index.authorizationPolicies(in: root) where binds(index.attachment(of: policy).scope, policy.selector) {
            let hasL7 = policy.rules.contains { !$0.l7Attributes.isEmpty }
            changes.append(PolicyChange(
                policy: "AuthorizationPolicy \(policy.key)", kind: .rootNamespace, today: "the root namespace's policy binds the namespace's sidecars",
                afterMove: hasL7 || Self.usesAnyPeer(policy.rules)
                    ? "ztunnel still applies it to the pods: its HTTP rules are dropped and its identity rules see the waypoint's identity; review it for the whole mesh"
                    : "ztunnel applies it to the pods as the sidecars did",
                conversions: [], deleteAfterMove: false))
        }
        for authentication in index.requestAuthentications(in: root) where binds(index.attachment(of: authentication).scope, authentication.selector) {
            changes.append(PolicyChange(
                policy: "RequestAuthentication \(authentication.key)", kind: .rootNamespace,
                today: "the root namespace's RequestAuthentication validates tokens at the namespace's sidecars",
                afterMove: "no waypoint applies a RequestAuthentication without targetRefs", conversions: [], deleteAfterMove: false))
            if waypoint != nil {
                inexpressible.append(
                    "RequestAuthentication \(authentication.key) validates tokens for the whole mesh's sidecars but reaches no waypoint: "
                        + "a copy with targetRefs to GatewayClass istio-waypoint in \(root) is needed for the waypoint's request-principal rules (not written: it changes every waypoint)")
            }
        }
    }

    static func usesAnyPeer(_ rules: [AuthorizationRule]) -> Bool { rules.contains(where: usesPeer) }

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
        case .selectorAndTargetRefs:
            changes.append(PolicyChange(
                policy: name, kind: .enforcedNowhere, today: "rejected by istiod (selector and targetRefs)", afterMove: "still rejected",
                conversions: [], deleteAfterMove: false))
            return
        case .workloadSelector, .namespace, .mesh:
            break
        }
        let isEmptySelector = index.hasEmptyWorkloadSelector(policy)
        let rules = policy.rules
        let hasL7 = rules.contains { !$0.l7Attributes.isEmpty }
        // istiod refuses CUSTOM and AUDIT for ztunnel (ambient `authorization.go`): only a waypoint runs them.
        let needsEnvoy = action == .custom || action == .audit
        let usesPeer = rules.contains(where: Self.usesPeer)
        let namespaceWide = attachment.scope != .workloadSelector || isEmptySelector
        let selected = namespaceWide
            ? index.workloads(in: namespace) : (policy.selector.map { index.workloads(selectedBy: $0, policyNamespace: namespace) } ?? [])
        let scope = namespaceWide ? "every pod of namespace \(namespace)" : Self.describe(selected)
        let today = "the sidecars of \(scope) apply it, L4 and L7"

        guard let waypoint, hasL7 || usesPeer || isEmptySelector || needsEnvoy else {
            if isEmptySelector {
                // No waypoint is needed: the same rules, namespace-wide, at ztunnel.
                let object = ztunnelPolicy(
                    from: policy, action: action, rules: rules.map(\.node), admitting: nil, namespaceWide: true, allowNoRules: policy.hasNoRules)
                changes.append(PolicyChange(
                    policy: name, kind: .emptySelector, today: today, afterMove: "ztunnel attaches `selector: {}` to no workload: enforced nowhere",
                    conversions: object.map { [$0] } ?? [], deleteAfterMove: true))
                return
            }
            changes.append(PolicyChange(
                policy: name, kind: .keptAsIs, today: today,
                afterMove: hasL7 || needsEnvoy ? "ztunnel drops its HTTP rules" : "ztunnel enforces it for the same pods",
                conversions: [], deleteAfterMove: false))
            return
        }
        // The HTTP or identity rules go to the waypoint, for the Services in front of the pods (or,
        // namespace-wide, for all of the waypoint's traffic).
        let services = namespaceWide ? [] : Self.services(fronting: selected, in: index)
        var conversions: [String] = []
        if !namespaceWide, services.isEmpty {
            inexpressible.append(
                "\(name) selects \(scope), which no Service fronts: a waypoint for Service traffic never sees its requests, so its "
                    + (hasL7 || needsEnvoy ? "HTTP rules" : "identity rules") + " cannot move there")
        } else {
            if !namespaceWide { noteWiderServices(services, selected: selected, policy: name) }
            if let object = waypointPolicy(from: policy, action: action, services: services, waypoint: waypoint, pods: selected) {
                conversions.append(object)
            }
        }
        // What ztunnel keeps. Service traffic reaches it with the waypoint's identity: an ALLOW must
        // admit the waypoint; a DENY rule stays only where it cannot match the waypoint (no `not...`
        // identity field, no value that names the waypoint, no IP block).
        let safe = rules.filter { $0.l7Attributes.isEmpty && Self.cannotMatch(waypoint.identity, rule: $0, trustDomain: index.trustDomain) }
        let l4Rules = rules.filter { $0.l7Attributes.isEmpty }
        var keep = !hasL7 && !isEmptySelector && !needsEnvoy
        switch action {
        case .allow:
            if let object = ztunnelPolicy(
                from: policy, action: .allow, rules: keep ? [] : l4Rules.map(\.node), admitting: waypoint.identity, namespaceWide: isEmptySelector) {
                conversions.append(object)
            }
        case .deny:
            // A rule that could match the waypoint stays at ztunnel for direct connections only:
            // each of its sources also excludes the waypoint's principal.
            keep = keep && safe.count == rules.count
            if !keep, !l4Rules.isEmpty,
               let object = ztunnelPolicy(
                   from: policy, action: .deny, rules: [], admitting: nil, namespaceWide: isEmptySelector,
                   written: l4Rules.flatMap { Self.excludingWaypoint($0, principal: principal(of: waypoint.identity)) }) {
                conversions.append(object)
            }
        case .audit, .custom:
            break
        }
        let kind: PolicyChange.Kind = needsEnvoy ? .actionNeedsWaypoint : isEmptySelector ? .emptySelector
            : hasL7 ? .l7MovesToWaypoint : .identityMovesToWaypoint
        let after: String
        switch (isEmptySelector, hasL7, action) {
        case (_, _, .custom), (_, _, .audit):
            after = "istiod refuses \(action.rawValue) for ztunnel: only the waypoint runs it"
        case (true, _, _): after = "ztunnel attaches `selector: {}` to no workload: enforced nowhere"
        case (false, true, .allow): after = "ztunnel drops its rules with HTTP attributes: they match nothing (fail-closed)"
        case (false, true, _): after = "ztunnel cannot evaluate its HTTP attributes: the DENY no longer matches as written"
        case (false, false, .allow):
            after = "Service traffic reaches ztunnel with waypoint \(waypoint.name)'s identity, which its ALLOW does not admit (fail-closed)"
        case (false, false, _):
            after = keep
                ? "ztunnel keeps denying the callers it names on direct connections; Service traffic carries the waypoint's identity, so the waypoint denies them there"
                : "Service traffic reaches ztunnel with waypoint \(waypoint.name)'s identity, which its DENY would match: every request through the waypoint would be denied"
        }
        changes.append(PolicyChange(policy: name, kind: kind, today: today, afterMove: after, conversions: conversions, deleteAfterMove: !keep))
    }

    /// True when a rule tells callers apart by the connection's peer: identity (principals,
    /// namespaces, service accounts) or source IP, which ztunnel reads from the waypoint on Service
    /// traffic (istio/ztunnel `src/proxy/inbound.rs`: RBAC on the HBONE peer).
    static func usesPeer(_ rule: AuthorizationRule) -> Bool {
        rule.sources.contains { $0.fields.contains { peerFields.contains($0.name) } }
            || rule.conditions.contains { ["source.principal", "source.namespace", "source.serviceAccount", "source.ip"].contains($0.key?.value ?? "") }
    }

    static let peerFields: Set<String> = [
        "principals", "notPrincipals", "namespaces", "notNamespaces", "serviceAccounts", "notServiceAccounts", "ipBlocks", "notIpBlocks",
    ]

    /// True when no part of `rule` can match a connection from `identity` (the waypoint): no
    /// negative peer field or condition, no IP block, and no positive value naming the identity.
    static func cannotMatch(_ identity: MeshIdentity, rule: AuthorizationRule, trustDomain: String) -> Bool {
        let principal = "\(trustDomain)/ns/\(identity.namespace)/sa/\(identity.serviceAccount)"
        func names(_ value: String, field: String) -> Bool {
            switch field {
            case "principals": Matching.string(value, principal) || Matching.string(value, "cluster.local/ns/\(identity.namespace)/sa/\(identity.serviceAccount)")
            case "namespaces": Matching.string(value, identity.namespace)
            case "serviceAccounts": value == "\(identity.namespace)/\(identity.serviceAccount)" || value == identity.serviceAccount
            default: true
            }
        }
        for source in rule.sources {
            for field in source.fields where peerFields.contains(field.name) {
                if field.isNegative || field.name == "ipBlocks" { return false }
                if field.values.contains(where: { names($0.value, field: field.name) }) { return false }
            }
        }
        for condition in rule.conditions {
            guard let key = condition.key?.value, key.hasPrefix("source.") else { continue }
            if !condition.notValues.isEmpty || key == "source.ip" { return false }
            let field = key == "source.principal" ? "principals" : key == "source.namespace" ? "namespaces" : "serviceAccounts"
            if condition.values.contains(where: { names($0.value, field: field) }) { return false }
        }
        return true
    }

    /// Notes the Services that front pods the policy does not select: at the waypoint its rules
    /// apply to their traffic too.
    private mutating func noteWiderServices(_ services: [ServiceView], selected: [WorkloadView], policy: String) {
        let chosen = Set(selected.map(\.key))
        for service in services {
            let others = index.workloads(behind: service).filter { !chosen.contains($0.key) }
            guard !others.isEmpty else { continue }
            inexpressible.append(
                "Service \(service.key) also fronts \(Self.describe(others)), which \(policy) does not select: at the waypoint its rules "
                    + "apply to all of the Service's traffic")
        }
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
                    lines += YAMLWriter.field("jwtRules", rules, indent: 2)
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
            lines += YAMLWriter.field("provider", provider, indent: 2)
        }
        let (mapping, ambiguous) = Self.portMapping(
            services: services.isEmpty ? index.services.filter { $0.namespace == namespace } : services, pods: pods, index: index)
        var unmapped: [String] = []
        if let rules = policy.spec?["rules"] {
            lines += YAMLWriter.field("rules", rules, indent: 2) { path, value in
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
        let used = Set(mapping.values.flatMap { $0 }).intersection(ambiguous)
        if !used.isEmpty, policy.rules.contains(where: { rule in rule.operations.contains { $0.field("ports") != nil || $0.field("notPorts") != nil } }) {
            inexpressible.append(
                "AuthorizationPolicy \(policy.key) names ports; Service port(s) \(used.sorted().map(String.init).joined(separator: ", ")) "
                    + "forward to different pod ports in different Services, so at the waypoint its rules cover more than the sidecars did")
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
        namespaceWide: Bool, allowNoRules: Bool = false, written: [String] = []
    ) -> String? {
        // An ALLOW with no rules allows nothing: kept as such when the original was one.
        guard !rules.isEmpty || admitting != nil || allowNoRules || !written.isEmpty else { return nil }
        let name = "\(policy.name)-ztunnel"
        var lines = header(kind: "AuthorizationPolicy", name: name, from: "AuthorizationPolicy \(policy.key)")
        lines.append("spec:")
        if !namespaceWide, let selector = policy.spec?["selector"] {
            lines += YAMLWriter.field("selector", selector, indent: 2)
        }
        lines.append("  action: \(YAMLWriter.quoted(action.rawValue))")
        if !rules.isEmpty || admitting != nil || !written.isEmpty { lines.append("  rules:") }
        lines += written
        if let admitting {
            lines += [
                "  - from:", "    - source:", "        principals:",
                "        - \(YAMLWriter.quoted(principal(of: admitting)))",
            ]
        }
        for rule in rules {
            lines += rule.count == 0 ? ["  - {}"] : YAMLWriter.lines(of: rule, indent: 4).enumerated().map { $0 == 0 ? "  - " + $1.dropFirst(4) : $1 }
        }
        return add(kind: "AuthorizationPolicy", name: name, from: "AuthorizationPolicy \(policy.key)", lines: lines).first
    }

    private func principal(of identity: MeshIdentity) -> String {
        "\(index.trustDomain)/ns/\(identity.namespace)/sa/\(identity.serviceAccount)"
    }

    /// `rule` as a `rules` item whose every source also requires a peer other than `principal`
    /// (a rule without sources gets one): at ztunnel it then matches only what it matched before
    /// and never the waypoint's connections.
    static func excludingWaypoint(_ rule: AuthorizationRule, principal: String) -> [String] {
        var lines: [String] = []
        let sources: [Node] = rule.node["from"].map { Array($0.items) } ?? []
        lines.append("  - from:")
        if sources.isEmpty {
            lines += ["    - source:", "        notPrincipals:", "        - \(YAMLWriter.quoted(principal))"]
        }
        for item in sources {
            let source = item["source"]
            lines.append("    - source:")
            var excluded = false
            for pair in source?.pairs ?? [] {
                let key = pair.key.string ?? ""
                if key == "notPrincipals", pair.value.kind == .sequence {
                    lines += ["        notPrincipals:"] + pair.value.items.map { "        - \(YAMLWriter.scalar($0))" }
                        + ["        - \(YAMLWriter.quoted(principal))"]
                    excluded = true
                } else {
                    lines += YAMLWriter.field(key, pair.value, indent: 8)
                }
            }
            if !excluded { lines += ["        notPrincipals:", "        - \(YAMLWriter.quoted(principal))"] }
        }
        for key in ["to", "when"] {
            if let value = rule.node[key] { lines += YAMLWriter.field(key, value, indent: 4) }
        }
        return lines
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

    /// Pod port → the Service ports that forward to it, over `services` and the pods of `pods`;
    /// and the Service ports that forward to different pod ports in different Services (a rule on
    /// one of them at the waypoint covers them all).
    static func portMapping(services: [ServiceView], pods: [WorkloadView], index: MeshIndex) -> (mapping: [Int: [Int]], ambiguous: [Int]) {
        var mapping: [Int: [Int]] = [:]
        var reverse: [Int: Set<Int>] = [:]
        for service in services {
            for entry in service.ports {
                guard let port = entry["port"]?.int else { continue }
                let targets = (pods.isEmpty ? [nil] : pods.map(Optional.some)).compactMap { index.servicePort(port, of: service, on: $0)?.targetPort }
                for target in Set(targets) {
                    reverse[port, default: []].insert(target)
                    if !(mapping[target]?.contains(port) ?? false) { mapping[target, default: []].append(port) }
                }
            }
        }
        return (mapping.mapValues { $0.sorted() }, reverse.filter { $0.value.count > 1 }.keys.sorted())
    }

    static func describe(_ workloads: [WorkloadView]) -> String {
        guard !workloads.isEmpty else { return "no workload in the input" }
        return workloads.map { "\($0.resource.kind) \($0.key)" }.joined(separator: ", ")
    }
}

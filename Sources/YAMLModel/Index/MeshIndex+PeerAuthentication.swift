/// A PeerAuthentication mTLS mode, as written.
///
/// ztunnel has two behaviours only: STRICT (mTLS required) or not (mTLS and plaintext both
/// accepted). `DISABLE` is therefore ignored in ambient and acts as `PERMISSIVE`; `UNSET` inherits
/// the mode of the enclosing scope (workload from namespace, namespace from the mesh).
public enum MTLSMode: String, Sendable, CaseIterable {
    case unset = "UNSET"
    case disable = "DISABLE"
    case permissive = "PERMISSIVE"
    case strict = "STRICT"

    /// The mode `text` spells (the API's enum is upper-case), or nil for a value the API rejects.
    public init?(text: String) {
        self.init(rawValue: text)
    }

    public var isStrict: Bool { self == .strict }
}

extension PeerAuthenticationView {
    /// One entry of `spec.portLevelMtls`: a (target) port and the mode for it.
    public struct PortMTLS: Sendable {
        /// The port number, when the key is one.
        public let port: Int?
        /// The port key as written.
        public let portText: String
        /// The port's `mode` (nil when absent, which means UNSET).
        public let modeEntry: Spanned<String>?
        /// From the port key through its value: where a finding about the port belongs.
        public let entrySpan: Span

        /// The port's mode; `.unset` when absent; nil for a value the API rejects.
        public var mode: MTLSMode? { modeEntry.map { MTLSMode(text: $0.value) } ?? .unset }
    }

    /// `spec.mtls.mode` as a mode: `.unset` when absent (so the scope above decides), nil for a value
    /// the API rejects (the policy is then not applied at all).
    public var mode: MTLSMode? { mtlsMode.map { MTLSMode(text: $0.value) } ?? .unset }

    /// True for a policy without `selector` (or with an empty `matchLabels`, which istiod reads the
    /// same way): it covers its whole namespace, or the whole mesh from the root namespace.
    public var isNamespaceWide: Bool { selector?.matchLabels.isEmpty ?? true }

    /// `spec.portLevelMtls`, in source order (valid only with a selector).
    public var portLevelMTLS: [PortMTLS] {
        (spec?["portLevelMtls"]?.pairs ?? []).compactMap { pair in
            guard let key = pair.key.scalar else { return nil }
            return PortMTLS(
                port: Int(key), portText: key, modeEntry: pair.value.spannedString("mode"),
                entrySpan: pair.key.span.union(pair.value.span))
        }
    }

    /// `metadata.creationTimestamp` as written (RFC 3339, so it sorts as text); empty when absent.
    var creationTimestamp: String { resource.metadata?["creationTimestamp"]?.string ?? "" }
}

/// The mTLS mode ztunnel enforces for the pods of one namespace that no selector policy overrides.
///
/// Resolved the way istiod resolves it for ztunnel (pilot/pkg/serviceregistry/ambient): the
/// namespace-wide PeerAuthentication of the namespace when its mode is set (UNSET inherits), else
/// the mesh-wide one of the root namespace, else ambient's default, PERMISSIVE. When several
/// namespace-wide (or mesh-wide) policies exist the oldest wins; manifests rarely carry
/// `creationTimestamp`, so ties are broken by name.
public struct NamespaceMTLS: Sendable {
    public enum Source: Sendable, Equatable {
        /// The namespace's own namespace-wide PeerAuthentication sets the mode.
        case namespacePolicy
        /// The root namespace's mesh-wide PeerAuthentication sets the mode.
        case meshPolicy
        /// No policy sets a mode: ambient's default, PERMISSIVE.
        case ambientDefault
    }

    public let namespace: String
    /// The namespace-wide PeerAuthentication that applies, whatever its mode (nil in the root
    /// namespace, whose namespace-wide policy is the mesh-wide one).
    public let namespacePolicy: PeerAuthenticationView?
    /// The mesh-wide PeerAuthentication that applies, whatever its mode.
    public let meshPolicy: PeerAuthenticationView?
    /// Namespace-wide and mesh-wide policies that lose to an older one: they have no effect.
    public let shadowedPolicies: [PeerAuthenticationView]
    /// The deciding mode as written (DISABLE stays DISABLE: ztunnel treats it as PERMISSIVE).
    public let mode: MTLSMode
    public let source: Source

    public var isStrict: Bool { mode.isStrict }

    /// The policy whose mode decides, when one does.
    public var decidingPolicy: PeerAuthenticationView? {
        switch source {
        case .namespacePolicy: namespacePolicy
        case .meshPolicy: meshPolicy
        case .ambientDefault: nil
        }
    }
}

/// The mTLS mode ztunnel enforces for the pods of one workload (or for the pods a selector policy
/// selects): its selector PeerAuthentication's mode when set, else its namespace's, with the ports
/// that still accept plaintext under a STRICT mode.
public struct PodMTLS: Sendable {
    public let namespace: NamespaceMTLS
    /// The selector PeerAuthentication that applies (the oldest one of the namespace that selects
    /// the pods; the root namespace's selector policies are ignored in ambient).
    public let policy: PeerAuthenticationView?
    /// The effective mode for ports `portLevelMtls` does not list.
    public let mode: MTLSMode
    /// Ports of `policy` that accept plaintext although `mode` is STRICT: PERMISSIVE or DISABLE
    /// under the policy's own STRICT, PERMISSIVE under an inherited one (istiod keeps the inherited
    /// STRICT for a DISABLE port of an UNSET policy).
    public let plaintextPorts: [PeerAuthenticationView.PortMTLS]

    public var isStrict: Bool { mode.isStrict }
    /// True when `policy` sets the mode itself rather than inheriting the namespace's.
    public var isSetByPolicy: Bool { policy.map { $0.mode != .unset } ?? false }
}

extension MeshIndex {
    // MARK: PeerAuthentication (mTLS)

    /// The mTLS mode ztunnel enforces in `namespace` for pods no selector policy overrides.
    public func mtls(in namespace: String) -> NamespaceMTLS {
        let mesh = Self.oldestFirst(peerAuthentications(in: rootNamespace).filter { $0.isNamespaceWide && $0.mode != nil })
        let local = namespace == rootNamespace
            ? [] : Self.oldestFirst(peerAuthentications(in: namespace).filter { $0.isNamespaceWide && $0.mode != nil })
        let namespacePolicy = local.first
        let meshPolicy = mesh.first
        var mode = MTLSMode.permissive
        var source = NamespaceMTLS.Source.ambientDefault
        if let meshMode = meshPolicy?.mode, meshMode != .unset {
            mode = meshMode
            source = .meshPolicy
        }
        if let localMode = namespacePolicy?.mode, localMode != .unset {
            mode = localMode
            source = .namespacePolicy
        }
        return NamespaceMTLS(
            namespace: namespace, namespacePolicy: namespacePolicy, meshPolicy: meshPolicy,
            shadowedPolicies: Array(local.dropFirst()) + Array(mesh.dropFirst()), mode: mode, source: source)
    }

    /// The mTLS mode ztunnel enforces for a workload's pods.
    public func mtls(of workload: WorkloadView) -> PodMTLS {
        let namespace = workload.namespace ?? "default"
        let labels = workload.podLabelValues
        let policy = namespace == rootNamespace ? nil : Self.oldestFirst(peerAuthentications(in: namespace).filter {
            !$0.isNamespaceWide && $0.mode != nil && ($0.selector?.matches(labels) ?? false)
        }).first
        return Self.resolve(policy: policy, namespace: mtls(in: namespace))
    }

    /// The mTLS mode a selector PeerAuthentication gives the pods it selects, where it is the policy
    /// that applies to them; nil for a namespace-wide policy, a policy of the root namespace (ignored
    /// in ambient) or one with a mode the API rejects.
    public func mtls(forPodsSelectedBy policy: PeerAuthenticationView) -> PodMTLS? {
        let namespace = policy.namespace ?? "default"
        guard !policy.isNamespaceWide, policy.mode != nil, namespace != rootNamespace else { return nil }
        return Self.resolve(policy: policy, namespace: mtls(in: namespace))
    }

    /// Selector PeerAuthentications of the root namespace that select pods of `workload`: sidecars
    /// apply them, ztunnel does not (istiod ignores them for ambient).
    public func ignoredPeerAuthentications(selecting workload: WorkloadView) -> [PeerAuthenticationView] {
        guard (workload.namespace ?? "default") != rootNamespace else { return [] }
        let labels = workload.podLabelValues
        return peerAuthentications(in: rootNamespace).filter { !$0.isNamespaceWide && ($0.selector?.matches(labels) ?? false) }
    }

    private static func resolve(policy: PeerAuthenticationView?, namespace: NamespaceMTLS) -> PodMTLS {
        guard let policy, let own = policy.mode else {
            return PodMTLS(namespace: namespace, policy: nil, mode: namespace.mode, plaintextPorts: [])
        }
        let ports = policy.portLevelMTLS
        switch own {
        case .strict:
            let open = ports.filter { $0.mode == .permissive || $0.mode == .disable }
            return PodMTLS(namespace: namespace, policy: policy, mode: .strict, plaintextPorts: open)
        case .permissive, .disable:
            return PodMTLS(namespace: namespace, policy: policy, mode: own, plaintextPorts: [])
        case .unset:
            let open = namespace.isStrict ? ports.filter { $0.mode == .permissive } : []
            return PodMTLS(namespace: namespace, policy: policy, mode: namespace.mode, plaintextPorts: open)
        }
    }

    /// Oldest first (`creationTimestamp`; none counts as oldest, as istiod's zero time does), then by name.
    private static func oldestFirst(_ policies: [PeerAuthenticationView]) -> [PeerAuthenticationView] {
        policies.sorted { ($0.creationTimestamp, $0.name) < ($1.creationTimestamp, $1.name) }
    }
}

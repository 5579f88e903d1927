/// Why a policy's `targetRefs` (or legacy `targetRef`) does not attach it where it says: the API
/// server or istiod rejects the whole policy, or istiod accepts it but ignores the ref.
///
/// In ambient a targeted policy is enforced only by the waypoint or gateway its refs reach, so a
/// rejected policy or an ignored ref leaves that traffic without the policy, with no error at runtime.
public struct TargetRefProblem: Sendable {
    public enum Kind: Sendable, Equatable {
        /// `selector` with `targetRefs`/`targetRef`.
        case selectorAndTargetRefs
        /// Both the legacy `targetRef` and `targetRefs`.
        case targetRefAndTargetRefs
        /// More refs than the CRD allows.
        case tooManyRefs(Int)
        /// `namespace` set on a ref (to this value).
        case crossNamespace(String)
        /// A ref without `name`.
        case missingName
        /// A kind/group istiod does not attach policies to.
        case unsupportedKind(GroupKind)
        /// A GatewayClass ref from a namespace other than the root namespace (named here).
        case gatewayClassOutsideRootNamespace(String)
        /// A GatewayClass ref to a class other than `istio-waypoint`.
        case notWaypointClass(String)
        /// The targeted object is not in the input, although its namespace's manifests are (or it
        /// is a near miss of one that is): how conclusive that is.
        case notFound(GroupKind, ObjectKey, Absence)
        /// `targetRefs` on a kind that has no such field (PeerAuthentication).
        case fieldNotInSchema
    }

    public enum Effect: Sendable, Equatable {
        /// The whole policy is refused, so nothing enforces it.
        case policyRejected(PolicyValidationIssue.Validator)
        /// The policy is accepted but this ref attaches it to nothing.
        case refIgnored
        /// The API server refuses the unknown field under strict field validation (kubectl's
        /// default) and otherwise drops it, so the policy applies without it.
        case fieldDropped
    }

    public let kind: Kind
    public let effect: Effect
    /// The ref at fault; nil for problems of the whole list.
    public let ref: PolicyTargetRef?
    /// The ref, or the field of it, at fault.
    public let span: Span
    /// The validator's words, or what istiod does with the ref.
    public let error: String
}

extension MeshIndex {
    /// The kinds a policy may target, as istiod's `validatePolicyTargetReference` lists them.
    public static let targetableKinds: [GroupKind] = [.service, .serviceEntry, .gateway, .gatewayClass]

    /// The most refs `targetRefs` takes (the CRD's `maxItems`).
    public static let maxTargetRefs = 16

    /// Every way the policy's target references fail to attach it: list problems first, then each ref's. Built on
    /// `attachment(of:)`: an `.invalid` outcome is split into what istiod rejects and what it
    /// ignores, and `.notFound` counts only where the namespace's application manifests are in the
    /// input (a repository of policies alone says nothing about its Services).
    public func targetProblems(of policy: some WorkloadPolicyView) -> [TargetRefProblem] {
        guard let spec = policy.spec else { return [] }
        let refsPair = spec.pair("targetRefs").flatMap { $0.value.isNull ? nil : $0 }
        let legacyPair = spec.pair("targetRef").flatMap { $0.value.isNull ? nil : $0 }
        if policy.resource.groupKind == .peerAuthentication {
            guard let pair = refsPair ?? legacyPair else { return [] }
            return [TargetRefProblem(
                kind: .fieldNotInSchema, effect: .fieldDropped, ref: nil, span: pair.key.span,
                error: "unknown field \"spec.\(pair.key.scalar ?? "targetRefs")\"")]
        }
        var problems: [TargetRefProblem] = []
        let attachment = attachment(of: policy)
        if attachment.scope == .selectorAndTargetRefs, let selector = spec.pair("selector") {
            problems.append(TargetRefProblem(
                kind: .selectorAndTargetRefs, effect: .policyRejected(.apiServer), ref: nil, span: selector.key.span,
                error: "only one of targetRefs or selector can be set"))
        }
        if let legacyPair, (refsPair?.value.count ?? 0) > 0 {
            problems.append(TargetRefProblem(
                kind: .targetRefAndTargetRefs, effect: .policyRejected(.apiServer), ref: nil, span: legacyPair.key.span,
                error: "only one of targetRefs or selector can be set"))
        }
        if let refsPair, refsPair.value.count > Self.maxTargetRefs {
            problems.append(TargetRefProblem(
                kind: .tooManyRefs(refsPair.value.count), effect: .policyRejected(.apiServer), ref: nil,
                span: refsPair.key.span,
                error: "spec.targetRefs: Too many: \(refsPair.value.count): must have at most \(Self.maxTargetRefs) items"))
        }
        let namespace = policy.namespace ?? "default"
        problems += attachment.targets.compactMap { problem(of: $0, policyNamespace: namespace) }
        return problems
    }

    private func problem(of target: ResolvedTarget, policyNamespace: String) -> TargetRefProblem? {
        let ref = target.ref
        func problem(_ kind: TargetRefProblem.Kind, _ effect: TargetRefProblem.Effect, at span: Span, _ error: String) -> TargetRefProblem {
            TargetRefProblem(kind: kind, effect: effect, ref: ref, span: span, error: error)
        }
        if let namespace = ref.namespace, !namespace.value.isEmpty {
            return problem(.crossNamespace(namespace.value), .policyRejected(.apiServer), at: namespace.entrySpan,
                           "cross namespace referencing is not currently supported")
        }
        if ref.nameValue.isEmpty {
            // The CRD requires a non-empty name (istiod's own check says "targetRef name must be set").
            return problem(.missingName, .policyRejected(.apiServer), at: ref.span, "targetRef name: Required value")
        }
        let groupKind = ref.groupKind
        guard Self.targetableKinds.contains(groupKind) else {
            // A known kind with the wrong group is the group's fault; anything else the kind's.
            let field = Self.targetableKinds.contains { $0.kind == groupKind.kind } ? (ref.group ?? ref.kind) : ref.kind
            return problem(.unsupportedKind(groupKind), .policyRejected(.istiod), at: field?.entrySpan ?? ref.span,
                           "targetRef must be to one of Service, ServiceEntry (networking.istio.io), Gateway and GatewayClass "
                               + "(gateway.networking.k8s.io) but was \(ref.group?.value ?? "")/\(groupKind.kind)")
        }
        switch target.outcome {
        case .invalid where groupKind == .gatewayClass, .allWaypoints:
            // istiod attaches a GatewayClass ref only from the root namespace, and only for the class
            // named istio-waypoint (it compares the name, whatever the class's controller).
            if policyNamespace != rootNamespace {
                return problem(.gatewayClassOutsideRootNamespace(rootNamespace), .refIgnored, at: ref.kind?.entrySpan ?? ref.span,
                               "a GatewayClass ref attaches only from the root namespace \(rootNamespace)")
            }
            guard ref.nameValue != WellKnown.waypointGatewayClass else { return nil }
            return problem(.notWaypointClass(ref.nameValue), .refIgnored, at: ref.name?.entrySpan ?? ref.span,
                           "only GatewayClass \(WellKnown.waypointGatewayClass) attaches policies (to every waypoint)")
        case .notFound(let absence):
            // Decided once, when the index was built: every rule that asks gets the same answer.
            guard absence.isConclusive || holdsApplicationManifests(policyNamespace) else { return nil }
            let key = ObjectKey(namespace: policyNamespace, name: ref.nameValue)
            return problem(.notFound(groupKind, key, absence), .refIgnored, at: ref.name?.entrySpan ?? ref.span,
                           "no \(groupKind.kind) \(key) to attach to")
        default:
            return nil
        }
    }

    /// The names of the objects of a targetable kind in `namespace`, sorted.
    public func names(of groupKind: GroupKind, in namespace: String) -> [String] {
        targetNames.names(of: groupKind, in: namespace)
    }

    /// True when the namespace's Namespace object, or any Service, ServiceEntry, Gateway or
    /// workload of it, is in the input: then a missing target is missing, not just elsewhere.
    func holdsApplicationManifests(_ namespace: String) -> Bool {
        self.namespace(namespace).object != nil
            || !(servicesByNamespace[namespace] ?? []).isEmpty
            || !(serviceEntriesByNamespace[namespace] ?? []).isEmpty
            || !(workloadsByNamespace[namespace] ?? []).isEmpty
            || gateways.contains { $0.namespace == namespace }
    }
}

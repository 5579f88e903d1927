import YAMLModel

/// A policy whose `targetRefs` make istiod reject it, or attach it to nothing.
struct PolicyTargetInvalidRule: BuiltInRule {
    /// A policy of `kind` in `namespace` with `spec` (indented two spaces).
    private static func policy(_ kind: String = "AuthorizationPolicy", _ name: String = "ledger-policy",
                               namespace: String = "payments", spec: String) -> String {
        """
        apiVersion: security.istio.io/v1
        kind: \(kind)
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
        \(spec)
        """
    }

    /// `count` refs to Services `svc-1`, `svc-2`, ... in flow style, one per line.
    private static func serviceRefs(_ count: Int) -> String {
        (1...count).map { "  - {kind: Service, group: \"\", name: svc-\($0)}" }.joined(separator: "\n")
    }

    static let description = RuleDescription(
        id: "policy-target-invalid",
        name: "Policy target invalid",
        summary: "A policy's targetRefs make the API server or istiod reject it, or attach it to nothing.",
        rationale: """
            In ambient mode an AuthorizationPolicy or RequestAuthentication with `targetRefs` is enforced \
            only by the waypoint (or gateway) its refs reach, so the refs must be exactly what istiod \
            accepts. Several mistakes make the API server or istiod's validating webhook reject the whole \
            policy, which is then never stored and enforced nowhere: `selector` together with \
            `targetRefs` (or `targetRef` together with `targetRefs`), a `namespace` on a ref (policies \
            only target objects of their own namespace), a kind other than Service (group "" or core), \
            ServiceEntry (networking.istio.io), Gateway and GatewayClass (gateway.networking.k8s.io), a \
            ref without a name, or more than 16 refs. Other refs are accepted but attach the policy to \
            nothing: a GatewayClass ref works only from the root namespace and only for the class \
            `istio-waypoint`, and a ref to a Service, ServiceEntry or Gateway that does not exist (a \
            typo) reaches no proxy. PeerAuthentication has no `targetRefs` at all: it is rejected by \
            strict field validation or silently dropped, and the policy then applies to the whole \
            namespace. A rejected apply or a failed sync is easy to miss in a pipeline; the traffic the \
            policy was meant to guard is not guarded. \
            A target the input does not hold may be defined in another repository: that is a note, and \
            an error only when the name is a near miss of an object the input holds or the namespace is \
            declared complete (`complete:` in .meshlint.yaml, or `--complete`).
            """,
        remediation: """
            Target objects of the policy's own namespace, with one of the supported kinds, and no selector:
            spec:
              targetRefs:
              - kind: Service
                group: ""
                name: <service>
              - kind: Gateway
                group: gateway.networking.k8s.io
                name: <waypoint>
            For every waypoint of the mesh, target the GatewayClass from the root namespace:
            metadata:
              namespace: istio-system
            spec:
              targetRefs:
              - kind: GatewayClass
                group: gateway.networking.k8s.io
                name: istio-waypoint
            """,
        severity: .error,
        area: .authorization,
        tags: ["security", "authorization", "authentication", "ambient", "waypoint"],
        securitySeverity: 7.5,
        precision: .high,
        references: [
            "https://istio.io/latest/docs/reference/config/type/workload-selector/#PolicyTargetReference",
            "https://istio.io/latest/docs/ambient/usage/l7-features/",
            "https://istio.io/latest/docs/reference/config/security/authorization-policy/",
            "https://istio.io/latest/docs/reference/config/security/peer_authentication/",
        ],
        inputs: [
            .namespace, .authorizationPolicy, .requestAuthentication, .peerAuthentication, .service, .serviceEntry,
            .gateway, .gatewayClass,
        ],
        triggeringExamples: [
            // selector and targetRefs: the API server rejects the policy.
            Example(ExampleFixtures.paymentsWithWaypoint + Self.policy(spec: """
                  ↓selector: {matchLabels: {app: ledger}}
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: payments-waypoint}]
                  rules: [{to: [{operation: {methods: [GET]}}]}]
                """)),
            // The legacy targetRef together with targetRefs: rejected the same way.
            Example(ExampleFixtures.paymentsWithWaypoint + Self.policy("RequestAuthentication", "ledger-jwt", spec: """
                  ↓targetRef: {kind: Gateway, group: gateway.networking.k8s.io, name: payments-waypoint}
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: payments-waypoint}]
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """)),
            // A namespace on a ref: cross-namespace references are rejected.
            Example(ExampleFixtures.paymentsWithWaypoint + Self.policy(spec: """
                  targetRefs:
                  - kind: Gateway
                    group: gateway.networking.k8s.io
                    name: shared-waypoint
                    ↓namespace: platform
                """)),
            // A kind istiod does not attach policies to.
            Example(ExampleFixtures.ambientPayments + Self.policy(spec: """
                  targetRefs:
                  - ↓kind: Deployment
                    group: apps
                    name: ledger
                """)),
            // The right kind in the wrong group: Istio's own Gateway is not a target.
            Example(ExampleFixtures.paymentsWithWaypoint + Self.policy(spec: """
                  targetRefs:
                  - kind: Gateway
                    ↓group: networking.istio.io
                    name: payments-waypoint
                """)),
            // A ref without a name.
            Example(ExampleFixtures.ambientPayments + Self.policy(spec: """
                  targetRefs:
                  - ↓{kind: Service, group: ""}
                """)),
            // The waypoint GatewayClass from a namespace that is not the root namespace: ignored.
            Example(ExampleFixtures.paymentsWithWaypoint + Self.policy(spec: """
                  targetRefs:
                  - ↓kind: GatewayClass
                    group: gateway.networking.k8s.io
                    name: istio-waypoint
                """)),
            // From the root namespace, but a GatewayClass other than istio-waypoint: ignored.
            Example(Self.policy("AuthorizationPolicy", "mesh-policy", namespace: "istio-system", spec: """
                  targetRefs:
                  - kind: GatewayClass
                    group: gateway.networking.k8s.io
                    ↓name: istio
                """)),
            // More than 16 refs: rejected by the CRD (the Services live in another repository).
            Example(Self.policy(spec: """
                  ↓targetRefs:
                \(Self.serviceRefs(17))
                """)),
            // A Service that is not in the input although namespace payments is: a typo attaches nothing.
            Example(ExampleFixtures.paymentsWithWaypoint + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---

                """ + Self.policy(spec: """
                  targetRefs: [{kind: Service, group: "", ↓name: ledgr}]
                """)),
            // PeerAuthentication has no targetRefs.
            Example(ExampleFixtures.paymentsWithWaypoint + Self.policy("PeerAuthentication", "strict", spec: """
                  ↓targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: payments-waypoint}]
                  mtls: {mode: STRICT}
                """)),
        ],
        nonTriggeringExamples: [
            // targetRefs alone, to the waypoint.
            Example(ExampleFixtures.paymentsWithWaypoint + Self.policy(spec: """
                  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: payments-waypoint}]
                  rules: [{to: [{operation: {methods: [GET]}}]}]
                """)),
            // A selector alone: ztunnel's policy, no targetRefs to check.
            Example(ExampleFixtures.ambientPayments + Self.policy(spec: """
                  selector: {matchLabels: {app: ledger}}
                  rules: [{from: [{source: {namespaces: [orders]}}]}]
                """)),
            // group "core" is the core group; a Service with a waypoint is a valid target.
            Example(ExampleFixtures.paymentsWithWaypoint + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---

                """ + Self.policy(spec: """
                  targetRefs: [{kind: Service, group: core, name: ledger}]
                """)),
            // A ServiceEntry in networking.istio.io.
            Example(ExampleFixtures.paymentsWithWaypoint + """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: bank-api, namespace: payments}
                spec: {hosts: [api.bank.example], resolution: DNS, ports: [{number: 443, name: tls, protocol: TLS}]}
                ---

                """ + Self.policy(spec: """
                  targetRefs: [{kind: ServiceEntry, group: networking.istio.io, name: bank-api}]
                """)),
            // The waypoint GatewayClass from the root namespace: every waypoint enforces it.
            Example(Self.policy("AuthorizationPolicy", "mesh-policy", namespace: "istio-system", spec: """
                  targetRefs: [{kind: GatewayClass, group: gateway.networking.k8s.io, name: istio-waypoint}]
                """)),
            // The root namespace can be set (meshConfig.rootNamespace).
            Example(Self.policy("RequestAuthentication", "mesh-jwt", namespace: "mesh-root", spec: """
                  targetRefs: [{kind: GatewayClass, group: gateway.networking.k8s.io, name: istio-waypoint}]
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """), rootNamespace: "mesh-root"),
            // 16 refs is the limit, not over it.
            Example(Self.policy(spec: """
                  targetRefs:
                \(Self.serviceRefs(16))
                """)),
            // A repository of policies alone: the Services live elsewhere, so a ref to one is no typo.
            Example(Self.policy(spec: """
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                """)),
            // A Service without a waypoint is a real target (l7-policy-without-waypoint's case).
            Example(ExampleFixtures.ambientPayments + """
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 8080}]}
                ---

                """ + Self.policy(spec: """
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                """)),
            // PeerAuthentication selects workloads with a selector.
            Example(ExampleFixtures.ambientPayments + Self.policy("PeerAuthentication", "strict", spec: """
                  selector: {matchLabels: {app: ledger}}
                  mtls: {mode: STRICT}
                """)),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        for policy in index.authorizationPolicies { findings += check(policy, in: index) }
        for policy in index.requestAuthentications { findings += check(policy, in: index) }
        for policy in index.peerAuthentications { findings += check(policy, in: index) }
        return findings
    }

    private func check(_ policy: some WorkloadPolicyView, in index: MeshIndex) -> [Finding] {
        let problems = index.targetProblems(of: policy)
        guard !problems.isEmpty else { return [] }
        // When every ref is ignored the policy reaches nothing; say so on each.
        let refs = index.attachment(of: policy).targets.count
        let ignoredRefs = problems.filter { $0.effect == .refIgnored }.count
        let reachesNothing = refs > 0 && ignoredRefs == refs
        return problems.map { problem in
            let reported = finding(
                Self.message(for: problem, policy: policy, index: index, reachesNothing: reachesNothing),
                on: policy.resource, at: problem.span, related: Self.related(problem, policy: policy),
                remediation: Self.remediation(for: problem, policy: policy, index: index))
            // A target only missing from the input may be defined elsewhere: a note, unless the
            // namespace is declared complete or the name is a near miss of one the input holds.
            if case .notFound(_, let key, let absence) = problem.kind, !absence.isConclusive {
                return reported.inconclusive(namespace: key.namespace ?? "default")
            }
            return reported
        }
    }

    private static func related(_ problem: TargetRefProblem, policy: some WorkloadPolicyView) -> [RelatedLocation] {
        switch problem.kind {
        case .selectorAndTargetRefs:
            policy.targetRefsKeySpan.map { [RelatedLocation("the targetRefs that conflict with the selector", in: policy.resource, at: $0)] } ?? []
        default:
            []
        }
    }

    static func message(
        for problem: TargetRefProblem, policy: some WorkloadPolicyView, index: MeshIndex, reachesNothing: Bool
    ) -> String {
        let name = policy.resource.displayName
        let namespace = policy.namespace ?? "default"
        let target = problem.ref.map { "\($0.kind?.value ?? "<no kind>") \($0.nameValue.isEmpty ? "<no name>" : $0.nameValue)" } ?? ""
        let rejected: String
        switch problem.effect {
        case .policyRejected(.apiServer):
            rejected = "the API server rejects the policy (\(problem.error)), so it is never stored and nothing enforces it."
        case .policyRejected(.istiod):
            rejected = "istiod's validation rejects the policy (\(problem.error)), so it is never stored and nothing enforces it."
        case .refIgnored:
            rejected = reachesNothing
                ? "istiod accepts the policy but ignores the ref, and no other ref attaches it: it is enforced nowhere."
                : "istiod accepts the policy but ignores this ref, so the policy does not apply there."
        case .fieldDropped:
            rejected = "kubectl's strict field validation rejects it (\(problem.error)); applied without that, the API "
                + "server drops the field and the policy applies to \(Self.peerScope(policy, index: index)) instead."
        }
        switch problem.kind {
        case .selectorAndTargetRefs:
            return "\(name) sets both selector and targetRefs: \(rejected)"
        case .targetRefAndTargetRefs:
            return "\(name) sets both the legacy targetRef and targetRefs: \(rejected)"
        case .tooManyRefs(let count):
            return "\(name) has \(count) targetRefs, more than the \(MeshIndex.maxTargetRefs) allowed: \(rejected)"
        case .crossNamespace(let other):
            return "\(name) targets \(target) in namespace \(other): a policy only targets objects of its own namespace; \(rejected)"
        case .missingName:
            return "\(name) has a targetRef without a name: \(rejected)"
        case .unsupportedKind(let groupKind):
            let group = groupKind.group.isEmpty ? "the core group" : "group \(groupKind.group)"
            return "\(name) targets \(groupKind.kind) of \(group), which is not a policy target: \(rejected)"
        case .gatewayClassOutsideRootNamespace(let root):
            return "\(name) targets GatewayClass \(problem.ref?.nameValue ?? "") from namespace \(namespace): a GatewayClass ref "
                + "attaches a policy only from the root namespace \(root); \(rejected)"
        case .notWaypointClass(let className):
            return "\(name) targets GatewayClass \(className): only GatewayClass \(WellKnown.waypointGatewayClass) attaches a "
                + "policy (to every waypoint); \(rejected)"
        case .notFound(let groupKind, let key, let absence):
            switch absence {
            case .missing:
                return "\(name) targets \(groupKind.kind) \(key), which does not exist (namespace \(namespace) is declared "
                    + "complete and the input holds no such \(groupKind.kind)): \(rejected)"
            case .likelyTypo(let names):
                return "\(name) targets \(groupKind.kind) \(key) (did you mean \(names[0])?), which is not in the input: \(rejected)"
            case .notInInput:
                return "\(name) targets \(groupKind.kind) \(key), which is not in the input although manifests of "
                    + "namespace \(namespace) are: if it does not exist, \(rejected)"
            }
        case .fieldNotInSchema:
            return "\(name) sets targetRefs, which PeerAuthentication does not have: \(rejected)"
        }
    }

    /// What a PeerAuthentication without its targetRefs applies to.
    private static func peerScope(_ policy: some WorkloadPolicyView, index: MeshIndex) -> String {
        if policy.selector != nil { return "the workloads its selector matches" }
        let namespace = policy.namespace ?? "default"
        return namespace == index.rootNamespace ? "the whole mesh" : "every workload of namespace \(namespace)"
    }

    static func remediation(for problem: TargetRefProblem, policy: some WorkloadPolicyView, index: MeshIndex) -> String {
        let ref = problem.ref
        let kind = ref?.kind?.value ?? "Service"
        let name = ref?.nameValue ?? "<name>"
        switch problem.kind {
        case .selectorAndTargetRefs:
            return """
                Keep targetRefs to enforce the policy at the waypoint (remove selector), or keep selector for \
                ztunnel's L4 enforcement (remove targetRefs):
                spec:
                  targetRefs:
                  - kind: Service
                    group: ""
                    name: <service>
                """
        case .targetRefAndTargetRefs:
            return "Move the legacy targetRef into the targetRefs list and remove the targetRef key."
        case .tooManyRefs:
            return """
                Split the policy into several of at most \(MeshIndex.maxTargetRefs) refs each, or target the \
                waypoint itself:
                spec:
                  targetRefs:
                  - kind: Gateway
                    group: gateway.networking.k8s.io
                    name: <waypoint>
                """
        case .crossNamespace(let other):
            return """
                Remove namespace from the ref and create the policy in namespace \(other) instead:
                metadata:
                  name: \(policy.name)
                  namespace: \(other)
                spec:
                  targetRefs:
                  - kind: \(kind)
                    group: \(Self.group(of: kind))
                    name: \(name)
                """
        case .missingName:
            return """
                Name the target:
                  targetRefs:
                  - kind: \(kind)
                    group: \(Self.group(of: kind))
                    name: <name>
                """
        case .unsupportedKind:
            return """
                Target the Service (or ServiceEntry) in front of the workload, or the waypoint Gateway:
                  targetRefs:
                  - kind: Service
                    group: ""
                    name: <service>
                  - kind: ServiceEntry
                    group: networking.istio.io
                    name: <service-entry>
                  - kind: Gateway
                    group: gateway.networking.k8s.io
                    name: <waypoint>
                """
        case .gatewayClassOutsideRootNamespace(let root):
            return """
                Target this namespace's waypoint instead, or move the policy to the root namespace \(root) \
                to apply it at every waypoint:
                  targetRefs:
                  - kind: Gateway
                    group: gateway.networking.k8s.io
                    name: <waypoint>
                """
        case .notWaypointClass:
            return """
                Target the waypoint GatewayClass:
                  targetRefs:
                  - kind: GatewayClass
                    group: gateway.networking.k8s.io
                    name: \(WellKnown.waypointGatewayClass)
                """
        case .notFound(let groupKind, let key, _):
            let candidates = Array(index.names(of: groupKind, in: key.namespace ?? "default").prefix(5))
            let known = candidates.isEmpty ? "" : " (\(groupKind.kind)s of the namespace: \(candidates.joined(separator: ", ")))"
            return "Fix the name to an existing \(groupKind.kind) of namespace \(key.namespace ?? "default")\(known), "
                + "or add the \(groupKind.kind) to the input."
        case .fieldNotInSchema:
            return """
                Remove targetRefs: ztunnel enforces PeerAuthentication for the workloads a selector \
                matches (or namespace-wide without one):
                spec:
                  selector:
                    matchLabels:
                      app: <app>
                  mtls:
                    mode: STRICT
                """
        }
    }

    private static func group(of kind: String) -> String {
        switch kind {
        case "ServiceEntry": "networking.istio.io"
        case "Gateway", "GatewayClass": "gateway.networking.k8s.io"
        default: "\"\""
        }
    }
}

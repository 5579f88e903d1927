import YAMLModel

/// `istio.io/use-waypoint` on a Namespace, Service or pod template whose pods are not in ambient.
struct WaypointLabelWithoutAmbientRule: BuiltInRule {
    static let description = RuleDescription(
        id: "waypoint-label-without-ambient",
        name: "Waypoint label without ambient",
        summary: "A Namespace, Service or pod template asks for a waypoint with `istio.io/use-waypoint`, but its pods are not in ambient.",
        rationale: """
            A waypoint adds L7 processing to traffic that ztunnel captures: ztunnel on the client's node \
            sends it to the waypoint, and the destination's ztunnel accepts it from the waypoint. Pods that \
            are not in ambient (their namespace is not labelled `istio.io/dataplane-mode: ambient`, they \
            run a sidecar, they opted out with `istio.io/dataplane-mode: none`, or they use the host \
            network) are not captured by ztunnel, so an `istio.io/use-waypoint` label on them, on their \
            Service or on their Namespace does not put their traffic behind the waypoint: sidecar and \
            out-of-mesh callers reach the pods directly, and the waypoint's AuthorizationPolicies and \
            routes are not enforced for them. Reported: a Namespace that is not in ambient and has no \
            ambient workload and no ServiceEntry in the input (binding ServiceEntries of a non-ambient \
            namespace is how an egress waypoint is set up); a Service in a namespace that is not in ambient \
            none of whose selected workloads is in ambient; a pod template that is not in ambient. A \
            namespace whose labels are not in the input is not judged, the value `none` (an opt-out) is \
            never reported, and pods whose sidecar overrides an ambient label are left to \
            conflicting-dataplane-labels, which reports the cause.
            """,
        remediation: """
            Enrol the workloads in ambient (label their namespace `istio.io/dataplane-mode: ambient`, and \
            remove sidecar injection), or remove the `istio.io/use-waypoint` label:
            kubectl label namespace <namespace> istio.io/dataplane-mode=ambient
            """,
        severity: .warning,
        area: .enrollment,
        tags: ["enrollment", "waypoint", "ambient"],
        precision: .high,
        references: [
            "https://istio.io/latest/docs/ambient/usage/waypoint/",
            "https://istio.io/latest/docs/ambient/usage/add-workloads/",
        ],
        inputs: [.namespace, .service, .serviceEntry, .deployment, .statefulSet, .daemonSet, .pod, .job, .cronJob],
        triggeringExamples: [
            // A Namespace that is not in ambient.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: orders
                  labels:
                    ↓istio.io/use-waypoint: waypoint
                """),
            // A Namespace that injects sidecars.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: orders
                  labels: {istio-injection: enabled, ↓istio.io/use-waypoint: waypoint}
                """),
            // A Service in a namespace that is not in ambient, selecting pods that are not either.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: orders}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: orders
                  namespace: orders
                  labels: {↓istio.io/use-waypoint: waypoint}
                spec: {selector: {app: orders}, ports: [{port: 8080}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: orders, namespace: orders}
                spec:
                  selector: {matchLabels: {app: orders}}
                  template:
                    metadata: {labels: {app: orders}}
                    spec: {containers: [{name: orders, image: orders:1.0}]}
                """),
            // Pod templates that are not in ambient: opted out, sidecar, host network.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  template:
                    metadata:
                      labels: {app: ledger, istio.io/dataplane-mode: none, ↓istio.io/use-waypoint: waypoint}
                    spec: {containers: [{name: ledger, image: ledger:1.0}]}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: payments}
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata:
                      labels: {app: agent, ↓istio.io/use-waypoint: waypoint}
                    spec:
                      hostNetwork: true
                      containers: [{name: agent, image: agent:1.0}]
                """),
            // A pod with a sidecar, in a namespace that is not in ambient.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: tools}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: probe
                  namespace: tools
                  labels: {sidecar.istio.io/inject: "true", ↓istio.io/use-waypoint: waypoint}
                spec: {containers: [{name: probe, image: probe:1.0}]}
                """),
        ],
        nonTriggeringExamples: [
            // An ambient Namespace.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: orders
                  labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}
                """),
            // Egress: a non-ambient namespace binding its ServiceEntries to an egress waypoint.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: istio-egress
                  labels: {istio.io/use-waypoint: waypoint}
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: httpbin, namespace: istio-egress}
                spec:
                  hosts: [httpbin.org]
                  ports: [{number: 80, name: http, protocol: HTTP}]
                  resolution: DNS
                """),
            // A non-ambient namespace whose pods joined ambient by their own label: the namespace label binds them.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: orders
                  labels: {istio.io/use-waypoint: waypoint}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: orders, namespace: orders}
                spec:
                  selector: {matchLabels: {app: orders}}
                  template:
                    metadata: {labels: {app: orders, istio.io/dataplane-mode: ambient}}
                    spec: {containers: [{name: orders, image: orders:1.0}]}
                """),
            // The opt-out value is never a problem.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: orders
                  labels: {istio.io/use-waypoint: none}
                """),
            // A Service in a non-ambient namespace whose pods joined ambient by their own label.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: orders}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: orders
                  namespace: orders
                  labels: {istio.io/use-waypoint: waypoint}
                spec: {selector: {app: orders}, ports: [{port: 8080}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: orders, namespace: orders}
                spec:
                  selector: {matchLabels: {app: orders}}
                  template:
                    metadata: {labels: {app: orders, istio.io/dataplane-mode: ambient}}
                    spec: {containers: [{name: orders, image: orders:1.0}]}
                """),
            // A Service whose namespace is not in the input: unknown, so not judged.
            Example("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: orders
                  namespace: orders
                  labels: {istio.io/use-waypoint: waypoint}
                spec: {selector: {app: orders}, ports: [{port: 8080}]}
                """),
            // A sidecar overriding an ambient label is conflicting-dataplane-labels' finding, not this rule's.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient, istio-injection: enabled, istio.io/use-waypoint: waypoint}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: probe
                  namespace: payments
                  labels: {istio.io/use-waypoint: waypoint}
                spec: {containers: [{name: probe, image: probe:1.0}]}
                """),
            // A pod template in ambient.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  template:
                    metadata:
                      labels: {app: ledger, istio.io/use-waypoint: waypoint}
                    spec: {containers: [{name: ledger, image: ledger:1.0}]}
                """),
            // A pod template whose namespace is not in the input: enrollment unknown.
            Example("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  template:
                    metadata:
                      labels: {app: ledger, istio.io/use-waypoint: waypoint}
                    spec: {containers: [{name: ledger, image: ledger:1.0}]}
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        for namespace in index.namespaces {
            if let finding = namespaceFinding(namespace, index: index) { findings.append(finding) }
        }
        for service in index.services {
            if let finding = serviceFinding(service, index: index) { findings.append(finding) }
        }
        for workload in index.workloads {
            if let finding = workloadFinding(workload, index: index) { findings.append(finding) }
        }
        return findings
    }

    /// The label when it asks for a waypoint (not the `none` opt-out).
    private static func request(in labels: Labels) -> Spanned<String>.Entry? {
        guard let label = labels[WellKnown.useWaypointLabel], !label.value.isEmpty,
              label.value != WellKnown.dataplaneModeNone
        else { return nil }
        return label
    }

    /// True when the namespace carries the ambient label but a sidecar label overrides it: a conflict
    /// conflicting-dataplane-labels reports, with this label as one of its consequences.
    private static func asksForAmbient(_ namespace: NamespaceFacts) -> Bool {
        namespace.dataplaneLabel?.value == WellKnown.dataplaneModeAmbient
    }

    /// Why a namespace whose labels are known is not in ambient, as a clause about `subject`.
    private static func whyNotAmbient(_ namespace: NamespaceFacts, subject: String) -> String {
        if let sidecar = namespace.sidecarLabel {
            return "\(subject) injects sidecars (\(EnrollmentRemediation.describe(sidecar)))"
        }
        if let label = namespace.dataplaneLabel {
            return "\(subject) is labelled \(EnrollmentRemediation.describe(label))"
        }
        return "\(subject) has no `\(WellKnown.dataplaneModeLabel): ambient` label"
    }

    private static let consequence = " ztunnel does not capture its pods, so sidecar and out-of-mesh callers reach them "
        + "directly and the waypoint's policies and routes are not enforced for their traffic."

    /// The namespace's labels as an ambient namespace carries them (sidecar label removed).
    private static func ambientLabels(of namespace: NamespaceFacts, object: NamespaceView) -> [(key: String, value: String)] {
        EnrollmentRemediation.labels(
            object.labels, removing: namespace.sidecarLabel.map { [$0.key] } ?? [],
            adding: [(WellKnown.dataplaneModeLabel, WellKnown.dataplaneModeAmbient)])
    }

    private static func relatedNamespace(_ namespace: NamespaceFacts) -> [RelatedLocation] {
        guard let object = namespace.object else { return [] }
        let label = namespace.sidecarLabel ?? namespace.dataplaneLabel
        return [RelatedLocation(
            label.map { "Namespace \(namespace.name) is labelled \(EnrollmentRemediation.describe($0))" }
                ?? "Namespace \(namespace.name) is not labelled `\(WellKnown.dataplaneModeLabel): ambient`",
            in: object.resource, at: label?.entrySpan)]
    }

    // MARK: Namespace

    private func namespaceFinding(_ namespace: NamespaceFacts, index: MeshIndex) -> Finding? {
        guard let object = namespace.object, let label = Self.request(in: object.labels),
              namespace.dataplaneMode == .none || namespace.dataplaneMode == .sidecar,
              !Self.asksForAmbient(namespace)
        else { return nil }
        // The namespace label binds ServiceEntries too (an egress waypoint), and pods that joined
        // ambient by their own label: then it has an effect.
        guard !index.serviceEntries.contains(where: { $0.namespace == namespace.name }),
              !index.workloads(in: namespace.name).contains(where: { index.enrollment(of: $0).mode == .ambient })
        else { return nil }
        let message = "Namespace \(namespace.name) is labelled \(EnrollmentRemediation.describe(label)) but is not in "
            + "ambient: \(Self.whyNotAmbient(namespace, subject: "it"))." + Self.consequence
        let sidecarStep = namespace.sidecarLabel.map { " \($0.key)-" } ?? ""
        let remediation = """
            Enrol the namespace in ambient (then restart its workloads):
            kubectl label namespace \(namespace.name) \(WellKnown.dataplaneModeLabel)=\(WellKnown.dataplaneModeAmbient)\(sidecarStep)
            \(EnrollmentRemediation.namespace(namespace.name, labels: Self.ambientLabels(of: namespace, object: object)))
            or, if it should stay out of ambient, remove the label:
            kubectl label namespace \(namespace.name) \(WellKnown.useWaypointLabel)-
            """
        let related = namespace.sidecarLabel.map {
            [RelatedLocation("\(EnrollmentRemediation.describe($0)) gives the pods sidecars", in: object.resource, at: $0.entrySpan)]
        } ?? []
        return finding(message, on: object.resource, at: label.entrySpan, related: related, remediation: remediation)
    }

    // MARK: Service

    private func serviceFinding(_ service: ServiceView, index: MeshIndex) -> Finding? {
        guard let label = Self.request(in: service.labels) else { return nil }
        let namespace = index.namespace(service.namespace ?? "default")
        guard namespace.dataplaneMode == .none || namespace.dataplaneMode == .sidecar, !Self.asksForAmbient(namespace)
        else { return nil }
        let selected = index.workloads(behind: service)
        guard !selected.contains(where: { index.enrollment(of: $0).mode == .ambient }) else { return nil }
        let pods = selected.isEmpty
            ? "" : ", and none of the workloads it selects (\(AuthenticationRemediation.list(selected.map(\.resource.displayName)))) is"
        let message = "\(service.resource.displayName) is labelled \(EnrollmentRemediation.describe(label)) but is not "
            + "in ambient: \(Self.whyNotAmbient(namespace, subject: "namespace \(namespace.name)"))\(pods)." + Self.consequence
        var remediation = "Enrol the Service's namespace in ambient (then restart its workloads):\n"
            + "kubectl label namespace \(namespace.name) \(WellKnown.dataplaneModeLabel)=\(WellKnown.dataplaneModeAmbient)"
            + (namespace.sidecarLabel.map { " \($0.key)-" } ?? "") + "\n"
        if let object = namespace.object {
            remediation += EnrollmentRemediation.namespace(namespace.name, labels: Self.ambientLabels(of: namespace, object: object)) + "\n"
        }
        remediation += "or remove the label from the Service:\n"
            + "kubectl label service \(service.name) -n \(namespace.name) \(WellKnown.useWaypointLabel)-"
        var related = Self.relatedNamespace(namespace)
        related += selected.map { RelatedLocation("\($0.resource.displayName) is not in ambient", in: $0.resource) }
        return finding(message, on: service.resource, at: label.entrySpan, related: related, remediation: remediation)
    }

    // MARK: Pod templates

    private func workloadFinding(_ workload: WorkloadView, index: MeshIndex) -> Finding? {
        guard let label = Self.request(in: workload.podLabels) else { return nil }
        let enrollment = index.enrollment(of: workload)
        guard enrollment.mode == .none || enrollment.mode == .sidecar else { return nil }
        let namespace = index.namespace(workload.namespace ?? "default")
        // Pods whose sidecar overrides an ambient label: conflicting-dataplane-labels reports the cause.
        if enrollment.reason == .sidecarOnPod || enrollment.reason == .sidecarInNamespace,
           Self.asksForAmbient(namespace) || workload.podLabels[WellKnown.dataplaneModeLabel]?.value == WellKnown.dataplaneModeAmbient {
            return nil
        }
        let evidence = enrollment.evidence
        let why: String
        var fix: String
        var related: [RelatedLocation] = []
        switch enrollment.reason {
        case .hostNetwork:
            why = "its pods use the host network (`hostNetwork: true`), which ztunnel never captures"
            fix = "Remove the label: host-network pods cannot be put behind a waypoint:\n"
                + EnrollmentRemediation.podLabels(of: workload, EnrollmentRemediation.labels(workload.podLabels, removing: [label.key]))
            if let hostNetwork = workload.hostNetwork {
                related.append(RelatedLocation("`hostNetwork: true`", in: workload.resource, at: hostNetwork.entrySpan))
            }
        case .sidecarOnPod:
            let sidecar = evidence.map(EnrollmentRemediation.describe) ?? "a sidecar label"
            why = "its pods are labelled \(sidecar) and get a sidecar"
            fix = "Remove the sidecar label so the pods join ambient (or remove `\(WellKnown.useWaypointLabel)`):\n"
                + EnrollmentRemediation.podLabels(
                    of: workload, EnrollmentRemediation.labels(workload.podLabels, removing: Set([evidence?.key].compactMap { $0 })))
            if let evidence {
                related.append(RelatedLocation("\(sidecar) gives the pods a sidecar", in: workload.resource, at: evidence.entrySpan))
            }
        case .podOptOut:
            let optOut = evidence.map(EnrollmentRemediation.describe) ?? "`\(WellKnown.dataplaneModeLabel): none`"
            why = "its pods opt out of ambient with \(optOut)"
            fix = "Remove the opt-out so the pods join ambient (or remove `\(WellKnown.useWaypointLabel)`):\n"
                + EnrollmentRemediation.podLabels(
                    of: workload, EnrollmentRemediation.labels(workload.podLabels, removing: [WellKnown.dataplaneModeLabel]))
            if let evidence {
                related.append(RelatedLocation("\(optOut) takes the pods out of ambient", in: workload.resource, at: evidence.entrySpan))
            }
        case .sidecarInNamespace:
            why = Self.whyNotAmbient(namespace, subject: "namespace \(namespace.name)")
            fix = "Enrol the namespace in ambient (then restart its workloads):\n"
                + "kubectl label namespace \(namespace.name) \(WellKnown.dataplaneModeLabel)=\(WellKnown.dataplaneModeAmbient)"
                + (namespace.sidecarLabel.map { " \($0.key)-" } ?? "")
            related += Self.relatedNamespace(namespace)
        default:
            why = Self.whyNotAmbient(namespace, subject: "namespace \(namespace.name)")
            fix = "Enrol the namespace in ambient (then restart its workloads):\n"
                + "kubectl label namespace \(namespace.name) \(WellKnown.dataplaneModeLabel)=\(WellKnown.dataplaneModeAmbient)\n"
                + "or only these pods:\n"
                + EnrollmentRemediation.podLabels(
                    of: workload,
                    EnrollmentRemediation.labels(
                        workload.podLabels, adding: [(WellKnown.dataplaneModeLabel, WellKnown.dataplaneModeAmbient)]))
            related += Self.relatedNamespace(namespace)
        }
        let message = "\(workload.resource.displayName) labels its pods \(EnrollmentRemediation.describe(label)) but they are "
            + "not in ambient: \(why). ztunnel does not capture them, so sidecar and out-of-mesh callers reach them directly "
            + "and the waypoint's policies and routes are not enforced for their traffic."
        return finding(message, on: workload.resource, at: label.entrySpan, related: related, remediation: fix)
    }
}

import YAMLModel

/// Labels that ask for ambient and for sidecars at once: the sidecar wins and the pods leave ambient.
struct ConflictingDataplaneLabelsRule: BuiltInRule {
    static let description = RuleDescription(
        id: "conflicting-dataplane-labels",
        name: "Conflicting data-plane labels",
        summary: "A namespace or pod template asks for ambient and for sidecar injection at once, so its pods get sidecars and leave ambient.",
        rationale: """
            A pod is in ambient when its namespace (or the pod itself) is labelled \
            `istio.io/dataplane-mode: ambient`, but a sidecar always wins: the injector adds a sidecar to \
            pods of a namespace labelled `istio-injection: enabled` or `istio.io/rev`, and to pods labelled \
            `sidecar.istio.io/inject: "true"` or `istio.io/rev`, and the CNI agent then leaves those pods \
            to their sidecar. They are not captured by ztunnel, so ztunnel-enforced AuthorizationPolicies \
            and PeerAuthentications, and waypoints bound to their pods, no longer apply the way the \
            ambient configuration says. Three cases are reported: a Namespace carrying both the ambient \
            label and a sidecar label (at the sidecar label, as a warning: it is the state istio.io's \
            "Enable ambient mode" step leaves while pods restart, and the message names the step that \
            remains); a pod template forcing injection in an \
            ambient namespace, or beside its own ambient label (at the pod's sidecar label); and a pod \
            template labelled ambient in a namespace that injects sidecars (at the pod's ambient label). \
            `istio-injection: disabled` and `sidecar.istio.io/inject: "false"` (a pod label or annotation) \
            turn injection off and never conflict; a namespace with `istio-injection` of any value or \
            `istio.io/rev` is not selected by the webhook that honours a pod's own \
            `sidecar.istio.io/inject: "true"` (istio/istio pkg/kube/inject, the injector webhooks' selectors).
            """,
        remediation: """
            Keep one data plane. For ambient, remove the sidecar label and restart the pods:
            kubectl label namespace <namespace> istio-injection- istio.io/rev-
            and drop `sidecar.istio.io/inject: "true"` and `istio.io/rev` from pod templates. For sidecars, \
            remove `istio.io/dataplane-mode: ambient` instead.
            """,
        severity: .error,
        area: .enrollment,
        tags: ["enrollment", "ambient", "sidecar"],
        precision: .veryHigh,
        references: [
            "https://istio.io/latest/docs/ambient/usage/add-workloads/",
            "https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/",
            "https://istio.io/latest/docs/ambient/architecture/data-plane/",
            "https://github.com/istio/istio/blob/master/pkg/kube/inject/webhook.go",
            "https://istio.io/latest/docs/ambient/migrate/enable-ambient-mode/",
        ],
        inputs: [.namespace, .deployment, .statefulSet, .daemonSet, .pod, .job, .cronJob],
        triggeringExamples: [
            // Namespace: ambient and istio-injection: enabled.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels:
                    istio.io/dataplane-mode: ambient
                    ↓istio-injection: enabled
                """),
            // Namespace: ambient and a revision label.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {↓istio.io/rev: stable, istio.io/dataplane-mode: ambient}
                """),
            // Pod template of any kind forcing injection in an ambient namespace.
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
                      labels:
                        app: ledger
                        ↓sidecar.istio.io/inject: "true"
                    spec:
                      containers: [{name: ledger, image: ledger:1.0}]
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: reconcile, namespace: payments}
                spec:
                  schedule: "0 * * * *"
                  jobTemplate:
                    spec:
                      template:
                        metadata:
                          labels: {app: reconcile, ↓istio.io/rev: canary}
                        spec:
                          restartPolicy: Never
                          containers: [{name: reconcile, image: reconcile:1.0}]
                """),
            // A pod that asks for both itself.
            Example("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: probe
                  namespace: tools
                  labels:
                    istio.io/dataplane-mode: ambient
                    ↓sidecar.istio.io/inject: "true"
                spec:
                  containers: [{name: probe, image: probe:1.0}]
                """),
            // A pod labelled ambient in a namespace that injects sidecars.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: legacy
                  labels: {istio-injection: enabled}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: cache, namespace: legacy}
                spec:
                  selector: {matchLabels: {app: cache}}
                  serviceName: cache
                  template:
                    metadata:
                      labels: {app: cache, ↓istio.io/dataplane-mode: ambient}
                    spec:
                      containers: [{name: cache, image: cache:1.0}]
                """),
            // A namespace with both labels is reported once, at the Namespace, not again on each pod.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient, ↓istio-injection: enabled}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: probe
                  namespace: payments
                  labels: {sidecar.istio.io/inject: "true"}
                spec:
                  containers: [{name: probe, image: probe:1.0}]
                """),
        ],
        nonTriggeringExamples: [
            // `istio-injection: disabled` beside ambient is fine.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels:
                    istio.io/dataplane-mode: ambient
                    istio-injection: disabled
                """),
            // A sidecar namespace without the ambient label.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/rev: stable}
                """),
            // A pod template that turns injection off in an ambient namespace.
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
                      labels: {app: ledger, sidecar.istio.io/inject: "false"}
                    spec:
                      containers: [{name: ledger, image: ledger:1.0}]
                """),
            // Injection forced on a pod in a namespace that is not in ambient: no conflict.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: tools
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: reconcile, namespace: tools}
                spec:
                  schedule: "0 * * * *"
                  jobTemplate:
                    spec:
                      template:
                        metadata:
                          labels: {app: reconcile, sidecar.istio.io/inject: "true"}
                        spec:
                          restartPolicy: Never
                          containers: [{name: reconcile, image: reconcile:1.0}]
                """),
            // A pod labelled ambient that refuses its sidecar namespace's injection is in ambient.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: legacy
                  labels: {istio-injection: enabled}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: cache, namespace: legacy}
                spec:
                  selector: {matchLabels: {app: cache}}
                  serviceName: cache
                  template:
                    metadata:
                      labels: {app: cache, istio.io/dataplane-mode: ambient, sidecar.istio.io/inject: "false"}
                    spec:
                      containers: [{name: cache, image: cache:1.0}]
                """),
            // A pod's own ambient label alone.
            Example("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: probe
                  namespace: payments
                  labels: {istio.io/dataplane-mode: ambient}
                spec:
                  containers: [{name: probe, image: probe:1.0}]
                """),
            // `istio-injection: disabled` on the namespace beats the pod's `sidecar.istio.io/inject:
            // "true"`: the object webhook selects only namespaces without the label. No sidecar.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {istio.io/dataplane-mode: ambient, istio-injection: disabled}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ledger, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  template:
                    metadata:
                      labels: {app: ledger, sidecar.istio.io/inject: "true"}
                    spec:
                      containers: [{name: ledger, image: ledger:1.0}]
                """),
            // The pod annotation `sidecar.istio.io/inject: "false"` opts a pod labelled ambient out of
            // its sidecar namespace's injection, as the label does.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: legacy
                  labels: {istio-injection: enabled}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: cache, namespace: legacy}
                spec:
                  selector: {matchLabels: {app: cache}}
                  template:
                    metadata:
                      labels: {app: cache, istio.io/dataplane-mode: ambient}
                      annotations: {sidecar.istio.io/inject: "false"}
                    spec:
                      containers: [{name: cache, image: cache:1.0}]
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        for namespace in index.namespaces {
            if let finding = namespaceFinding(namespace) { findings.append(finding) }
        }
        for workload in index.workloads {
            if let finding = workloadFinding(workload, index: index) { findings.append(finding) }
        }
        return findings
    }

    // MARK: Namespace

    private func namespaceFinding(_ namespace: NamespaceFacts) -> Finding? {
        guard let object = namespace.object, let ambient = namespace.dataplaneLabel,
              ambient.value == WellKnown.dataplaneModeAmbient, let sidecar = namespace.sidecarLabel
        else { return nil }
        // Both labels on a namespace is the state istio.io's migration guide prescribes while pods are
        // restarted ("Enable ambient mode", step 2: the sidecar takes precedence for pods that have
        // one): a step to finish, reported as a warning. A pod template that forces both stays an error.
        let message = "Namespace \(namespace.name) is labelled both \(EnrollmentRemediation.describe(ambient)) and "
            + "\(EnrollmentRemediation.describe(sidecar)): it is mid-migration. Pods created with a sidecar keep it, and the sidecar "
            + "takes precedence over ztunnel (ambient policies and waypoints do not apply to them as configured); new pods get "
            + "sidecars too while \(EnrollmentRemediation.describe(sidecar)) stays. Remaining step: remove it and restart the "
            + "namespace's workloads."
        let kept = EnrollmentRemediation.labels(object.labels, removing: [sidecar.key])
        let remediation = """
            Keep the namespace in ambient: remove \(EnrollmentRemediation.describe(sidecar)) and restart its workloads so \
            their pods are re-created without sidecars:
            kubectl label namespace \(namespace.name) \(sidecar.key)-
            \(EnrollmentRemediation.namespace(namespace.name, labels: kept))
            (If sidecars are intended, remove `\(WellKnown.dataplaneModeLabel)` instead.)
            """
        var found = finding(
            message, on: object.resource, at: sidecar.entrySpan,
            related: [RelatedLocation(
                "\(EnrollmentRemediation.describe(ambient)) asks for ambient", in: object.resource, at: ambient.entrySpan)],
            remediation: remediation)
        found.severity = .warning
        return found
    }

    // MARK: Pod templates

    private func workloadFinding(_ workload: WorkloadView, index: MeshIndex) -> Finding? {
        let enrollment = index.enrollment(of: workload)
        let namespace = index.namespace(workload.namespace ?? "default")
        let ownAmbient = workload.podLabels[WellKnown.dataplaneModeLabel].flatMap {
            $0.value == WellKnown.dataplaneModeAmbient ? $0 : nil
        }
        switch enrollment.reason {
        case .sidecarOnPod:
            guard let sidecar = enrollment.evidence else { return nil }
            if let ownAmbient {
                return podSidecarFinding(
                    workload, sidecar: sidecar, why: "its own label \(EnrollmentRemediation.describe(ownAmbient)) asks for ambient",
                    related: RelatedLocation(
                        "\(EnrollmentRemediation.describe(ownAmbient)) asks for ambient", in: workload.resource, at: ownAmbient.entrySpan))
            }
            guard namespace.dataplaneMode == .ambient, let ambient = namespace.dataplaneLabel else { return nil }
            let related = namespace.object.map {
                RelatedLocation(
                    "Namespace \(namespace.name) is labelled \(EnrollmentRemediation.describe(ambient))", in: $0.resource,
                    at: ambient.entrySpan)
            }
            return podSidecarFinding(
                workload, sidecar: sidecar, why: "it is in ambient namespace \(namespace.name)", related: related)
        case .sidecarInNamespace:
            // A namespace that carries the ambient label too is reported once, at the Namespace.
            guard let ownAmbient, namespace.dataplaneLabel?.value != WellKnown.dataplaneModeAmbient,
                  let sidecar = namespace.sidecarLabel
            else { return nil }
            return podAmbientFinding(workload, ambient: ownAmbient, namespace: namespace, sidecar: sidecar)
        default:
            return nil
        }
    }

    private func podSidecarFinding(
        _ workload: WorkloadView, sidecar: Spanned<String>.Entry, why: String, related: RelatedLocation?
    ) -> Finding {
        let name = workload.resource.displayName
        let message = "\(name) labels its pods \(EnrollmentRemediation.describe(sidecar)) although \(why): "
            + "the pods get a sidecar and leave ambient (ztunnel does not capture them, and ambient policies and "
            + "waypoints do not apply to them as configured)."
        let kept = EnrollmentRemediation.labels(workload.podLabels, removing: [sidecar.key])
        let remediation = """
            Keep the pods in ambient: remove \(EnrollmentRemediation.describe(sidecar)) from the pod template:
            \(EnrollmentRemediation.podLabels(of: workload, kept))
            (If this workload needs a sidecar, move it to a namespace that is not in ambient.)
            """
        return finding(message, on: workload.resource, at: sidecar.entrySpan, related: related.map { [$0] } ?? [], remediation: remediation)
    }

    private func podAmbientFinding(
        _ workload: WorkloadView, ambient: Spanned<String>.Entry, namespace: NamespaceFacts, sidecar: Spanned<String>.Entry
    ) -> Finding {
        let name = workload.resource.displayName
        let message = "\(name) labels its pods \(EnrollmentRemediation.describe(ambient)), but namespace \(namespace.name) "
            + "injects sidecars (\(EnrollmentRemediation.describe(sidecar))): the sidecar wins and the pods are not in ambient."
        let fixed = EnrollmentRemediation.labels(
            workload.podLabels, adding: [(WellKnown.sidecarInjectLabel, "false")])
        let remediation = """
            Refuse the namespace's injection in the pod template so the pods join ambient:
            \(EnrollmentRemediation.podLabels(of: workload, fixed))
            (Or move the workload to an ambient namespace; if it should keep its sidecar, remove \
            \(EnrollmentRemediation.describe(ambient)).)
            """
        let related = namespace.object.map {
            [RelatedLocation(
                "Namespace \(namespace.name) is labelled \(EnrollmentRemediation.describe(sidecar))", in: $0.resource,
                at: sidecar.entrySpan)]
        } ?? []
        return finding(message, on: workload.resource, at: ambient.entrySpan, related: related, remediation: remediation)
    }
}

import Testing
@testable import YAMLModel

private let dataplaneMode = WellKnown.dataplaneModeLabel

/// The enrollment of the workload `namespace/name` in `index`.
private func enrollment(_ index: MeshIndex, _ namespace: String, _ name: String) throws -> Enrollment {
    index.enrollment(of: try workload(index, namespace, name))
}

@Suite("MeshIndex: ambient enrollment")
struct MeshIndexEnrollmentTests {
    @Test("a workload in an ambient namespace is ambient because of the namespace label")
    func namespaceAmbient() throws {
        let yaml = documents(
            Fixture.namespace("app", labels: [(dataplaneMode, "ambient")]),
            Fixture.deployment("api", in: "app"))
        let index = meshIndex(yaml)
        let facts = index.namespace("app")
        #expect(facts.dataplaneMode == .ambient)
        #expect(facts.isPresent)
        #expect(facts.object?.name == "app")
        #expect(facts.dataplaneLabel?.value == "ambient")
        #expect(facts.dataplaneLabel?.valueSpan.start.line == 6)
        #expect(facts.sidecarLabel == nil)
        #expect(facts.labels == [dataplaneMode: "ambient"])

        let result = try enrollment(index, "app", "api")
        #expect(result.mode == .ambient)
        #expect(result.reason == .namespaceLabel)
        #expect(result.evidence?.key == dataplaneMode)
        #expect(result.evidence?.valueSpan.start.line == 6)
        #expect(result.evidence?.keySpan.start.column == 5)
    }

    @Test("a pod labelled dataplane-mode none opts out of an ambient namespace")
    func podOptsOut() throws {
        let yaml = documents(
            Fixture.namespace("app", labels: [(dataplaneMode, "ambient")]),
            Fixture.deployment("batch", in: "app", podLabels: [(dataplaneMode, "none")]))
        let index = meshIndex(yaml)
        let result = try enrollment(index, "app", "batch")
        #expect(result.mode == DataplaneMode.none)
        #expect(result.reason == .podOptOut)
        #expect(result.evidence?.value == "none")
        #expect(result.evidence?.valueSpan.start.line == line(of: "istio.io/dataplane-mode: \"none\"", in: yaml))
        #expect(result.evidence?.keySpan.start.column == 9)
    }

    @Test("a pod labelled ambient is ambient in a namespace that is not")
    func podAmbientInPlainNamespace() throws {
        let yaml = documents(
            Fixture.namespace("app"),
            Fixture.deployment("api", in: "app", podLabels: [(dataplaneMode, "ambient")]),
            Fixture.deployment("web", in: "app"))
        let index = meshIndex(yaml)
        #expect(index.namespace("app").dataplaneMode == DataplaneMode.none)
        let api = try enrollment(index, "app", "api")
        #expect(api.mode == .ambient)
        #expect(api.reason == .podLabel)
        #expect(api.evidence?.valueSpan.start.line == line(of: "istio.io/dataplane-mode: \"ambient\"", in: yaml))
        let web = try enrollment(index, "app", "web")
        #expect(web.mode == DataplaneMode.none)
        #expect(web.reason == .namespaceNotEnrolled)
        #expect(web.evidence == nil)
    }

    @Test("a pod labelled ambient is ambient even when its namespace's object is absent")
    func podAmbientInUnknownNamespace() throws {
        let index = meshIndex(Fixture.deployment("api", in: "app", podLabels: [(dataplaneMode, "ambient")]))
        let result = try enrollment(index, "app", "api")
        #expect(result.mode == .ambient)
        #expect(result.reason == .podLabel)
    }

    @Test("istio-injection enabled beside ambient makes the namespace sidecar, and its pods leave ambient")
    func injectionEnabledWins() throws {
        let yaml = documents(
            Fixture.namespace("app", labels: [(dataplaneMode, "ambient"), ("istio-injection", "enabled")]),
            Fixture.deployment("api", in: "app"),
            Fixture.deployment("pinned", in: "app", podLabels: [(dataplaneMode, "ambient")]))
        let index = meshIndex(yaml)
        let facts = index.namespace("app")
        #expect(facts.dataplaneMode == .sidecar)
        #expect(facts.sidecarLabel?.key == "istio-injection")
        #expect(facts.sidecarLabel?.valueSpan.start.line == line(of: "istio-injection: \"enabled\"", in: yaml))
        #expect(facts.dataplaneLabel?.value == "ambient")

        let api = try enrollment(index, "app", "api")
        #expect(api.mode == .sidecar)
        #expect(api.reason == .sidecarInNamespace)
        #expect(api.evidence?.key == "istio-injection")
        #expect(api.evidence?.valueSpan.start.line == 7)
        // A sidecar wins even over the pod's own ambient label.
        let pinned = try enrollment(index, "app", "pinned")
        #expect(pinned.mode == .sidecar)
        #expect(pinned.reason == .sidecarInNamespace)
    }

    @Test("istio.io/rev on a namespace means sidecars")
    func revisionLabelMeansSidecar() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app", labels: [(dataplaneMode, "ambient"), ("istio.io/rev", "1-24")]),
            Fixture.deployment("api", in: "app")))
        #expect(index.namespace("app").dataplaneMode == .sidecar)
        #expect(index.namespace("app").sidecarLabel?.key == "istio.io/rev")
        #expect(try enrollment(index, "app", "api").mode == .sidecar)
    }

    @Test("istio-injection disabled beside ambient is ambient")
    func injectionDisabledIsFine() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app", labels: [(dataplaneMode, "ambient"), ("istio-injection", "disabled")]),
            Fixture.deployment("api", in: "app")))
        #expect(index.namespace("app").dataplaneMode == .ambient)
        #expect(index.namespace("app").sidecarLabel == nil)
        let result = try enrollment(index, "app", "api")
        #expect(result.mode == .ambient)
        #expect(result.reason == .namespaceLabel)
    }

    @Test("a pod that refuses injection in an ambient namespace with injection enabled gets no sidecar and stays ambient")
    func podRefusesInjectionInSidecarAmbientNamespace() throws {
        // istio-cni redirects a pod when the namespace (or pod) says ambient and the pod has no sidecar.
        let index = meshIndex(documents(
            Fixture.namespace("app", labels: [(dataplaneMode, "ambient"), ("istio-injection", "enabled")]),
            Fixture.namespace("legacy", labels: [("istio-injection", "enabled")]),
            Fixture.deployment("api", in: "app", podLabels: [("sidecar.istio.io/inject", "false")]),
            Fixture.deployment("api", in: "legacy", podLabels: [("sidecar.istio.io/inject", "false")])))
        let api = try enrollment(index, "app", "api")
        #expect(api.mode == .ambient)
        #expect(api.reason == .namespaceLabel)
        #expect(api.evidence?.key == dataplaneMode)
        // Without an ambient label the pod is simply outside the mesh.
        let legacy = try enrollment(index, "legacy", "api")
        #expect(legacy.mode == DataplaneMode.none)
        #expect(legacy.reason == .namespaceNotEnrolled)
    }

    @Test("a pod labelled sidecar.istio.io/inject true gets a sidecar")
    func podInjectTrue() throws {
        let yaml = documents(
            Fixture.namespace("app", labels: [(dataplaneMode, "ambient")]),
            Fixture.deployment("api", in: "app", podLabels: [("sidecar.istio.io/inject", "true")]))
        let index = meshIndex(yaml)
        let result = try enrollment(index, "app", "api")
        #expect(result.mode == .sidecar)
        #expect(result.reason == .sidecarOnPod)
        #expect(result.evidence?.key == "sidecar.istio.io/inject")
        #expect(result.evidence?.valueSpan.start.line == line(of: "sidecar.istio.io/inject", in: yaml))
    }

    @Test("a pod labelled istio.io/rev gets a sidecar")
    func podRevision() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app", labels: [(dataplaneMode, "ambient")]),
            Fixture.deployment("api", in: "app", podLabels: [("istio.io/rev", "canary")])))
        let result = try enrollment(index, "app", "api")
        #expect(result.mode == .sidecar)
        #expect(result.reason == .sidecarOnPod)
        #expect(result.evidence?.value == "canary")
    }

    @Test("host-network pods are never captured")
    func hostNetwork() throws {
        let yaml = documents(
            Fixture.namespace("app", labels: [(dataplaneMode, "ambient")]),
            Fixture.deployment("agent", in: "app", podLabels: [(dataplaneMode, "ambient")], hostNetwork: true),
            Fixture.deployment("api", in: "app", hostNetwork: false))
        let index = meshIndex(yaml)
        let agent = try workload(index, "app", "agent")
        #expect(agent.hostNetwork?.value == true)
        #expect(agent.hostNetwork?.span.start.line == line(of: "hostNetwork: true", in: yaml))
        let result = index.enrollment(of: agent)
        #expect(result.mode == DataplaneMode.none)
        #expect(result.reason == .hostNetwork)
        let api = try enrollment(index, "app", "api")
        #expect(api.mode == .ambient)
        #expect(api.reason == .namespaceLabel)
    }

    @Test("a namespace whose object is absent is unknown, yet present when a resource lives there")
    func namespaceObjectAbsent() throws {
        let index = meshIndex(Fixture.deployment("api", in: "app"))
        let facts = index.namespace("app")
        #expect(facts.isPresent)
        #expect(facts.object == nil)
        #expect(facts.labels == nil)
        #expect(facts.dataplaneMode == .unknown)
        #expect(facts.dataplaneLabel == nil)
        let result = try enrollment(index, "app", "api")
        #expect(result.mode == .unknown)
        #expect(result.reason == .namespaceUnknown)
        #expect(result.evidence == nil)
    }

    @Test("a namespace the input says nothing about is neither present nor known")
    func namespaceNotInInput() {
        let index = meshIndex(Fixture.namespace("app"))
        let facts = index.namespace("elsewhere")
        #expect(facts.name == "elsewhere")
        #expect(!facts.isPresent)
        #expect(facts.object == nil)
        #expect(facts.dataplaneMode == .unknown)
    }

    @Test("a declared namespace without labels is not in the mesh")
    func plainNamespace() throws {
        let index = meshIndex(documents(Fixture.namespace("app"), Fixture.deployment("api", in: "app")))
        #expect(index.namespace("app").dataplaneMode == DataplaneMode.none)
        #expect(index.namespace("app").labels == [:])
        let result = try enrollment(index, "app", "api")
        #expect(result.mode == DataplaneMode.none)
        #expect(result.reason == .namespaceNotEnrolled)
    }

    @Test("a resource without metadata.namespace lives in default")
    func defaultNamespace() throws {
        let index = meshIndex("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: solo
              labels:
                istio.io/dataplane-mode: ambient
            spec:
              containers:
              - name: main
                image: example/solo:1
            """)
        #expect(index.namespace("default").isPresent)
        let pod = try workload(index, "default", "solo")
        #expect(pod.resource.namespaceIsExplicit == false)
        let result = index.enrollment(of: pod)
        #expect(result.mode == .ambient)
        #expect(result.reason == .podLabel)
        #expect(result.evidence?.valueSpan.start.line == 6)
    }

    @Test("namespaces lists declared and implied namespaces, sorted, without cluster-scoped objects")
    func namespacesListed() {
        let index = meshIndex(documents(
            Fixture.namespace("zeta"),
            Fixture.deployment("api", in: "beta"),
            Fixture.gatewayClass("istio-waypoint"),
            Fixture.namespace("alpha", labels: [(dataplaneMode, "ambient")])))
        #expect(index.namespaces.map(\.name) == ["alpha", "beta", "zeta"])
        #expect(index.namespaces.map(\.dataplaneMode) == [.ambient, .unknown, DataplaneMode.none])
        #expect(index.namespaces.map(\.isPresent) == [true, true, true])
    }

    @Test("copies of a Namespace that disagree on enrollment leave it unknown, in either order")
    func duplicateNamespaceObject() {
        let ambient = Fixture.namespace("app", labels: [(dataplaneMode, "ambient")])
        for yaml in [documents(ambient, Fixture.namespace("app")), documents(Fixture.namespace("app"), ambient)] {
            let index = meshIndex(yaml)
            #expect(index.namespaceObjects.count == 2)
            #expect(index.namespace("app").dataplaneMode == .unknown)
            #expect(index.namespace("app").disputedLabels == [dataplaneMode])
            #expect(index.duplicates.map(\.copies.count) == [2])
        }
        let agreeing = meshIndex(documents(ambient, ambient))
        #expect(agreeing.namespace("app").dataplaneMode == .ambient)
        #expect(agreeing.duplicates.first?.differences == [])
    }

    @Test("enrollment reads kind: List items and every workload kind", arguments: [
        "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob",
    ])
    func everyWorkloadKind(kind: String) throws {
        let template = """
                metadata:
                  labels:
                    istio.io/dataplane-mode: none
                spec:
                  containers:
                  - name: main
                    image: example/x:1
            """
        let body: String
        switch kind {
        case "Pod":
            body = """
                  metadata:
                    name: w
                    namespace: app
                    labels:
                      istio.io/dataplane-mode: none
                  spec:
                    containers:
                    - name: main
                      image: example/x:1
                """
        case "CronJob":
            body = """
                  metadata:
                    name: w
                    namespace: app
                  spec:
                    schedule: "@daily"
                    jobTemplate:
                      spec:
                        template:
                """ + "\n" + template.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n")
        default:
            body = """
                  metadata:
                    name: w
                    namespace: app
                  spec:
                    template:
                """ + "\n" + template.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        }
        let apiVersion = switch kind {
        case "Pod": "v1"
        case "Job", "CronJob": "batch/v1"
        default: "apps/v1"
        }
        let yaml = documents(
            Fixture.namespace("app", labels: [(dataplaneMode, "ambient")]),
            """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: \(apiVersion)
              kind: \(kind)
            """ + "\n" + body)
        let index = meshIndex(yaml)
        let found = try workload(index, "app", "w")
        #expect(found.resource.kind == kind)
        #expect(found.resource.origin.listItem == 0)
        let result = index.enrollment(of: found)
        #expect(result.mode == DataplaneMode.none)
        #expect(result.reason == .podOptOut)
        #expect(result.evidence?.valueSpan.start.line == line(of: "istio.io/dataplane-mode: none", in: yaml))
    }
}

/// Sidecar injection decided as istio/istio's injector does (pkg/kube/inject/webhook.go and the
/// selectors of its four webhooks).
@Suite("MeshIndex: injection precedence")
struct InjectionPrecedenceTests {
    static func pod(_ name: String, in namespace: String, labels: String = "", annotations: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
          template:
            metadata:
              labels: {app: \(name)\(labels.isEmpty ? "" : ", " + labels)}
              annotations: {\(annotations)}
        """
    }

    func mode(_ namespaceLabels: String?, labels: String = "", annotations: String = "") throws -> (DataplaneMode, Enrollment.Reason) {
        let namespace = namespaceLabels.map { "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {\($0)}\n---\n" } ?? ""
        let index = meshIndex(namespace + Self.pod("api", in: "shop", labels: labels, annotations: annotations))
        let result = index.enrollment(of: try workload(index, "shop", "api"))
        return (result.mode, result.reason)
    }

    @Test("istio-injection: disabled beats the pod's sidecar.istio.io/inject: \"true\" label")
    func disabledNamespaceBeatsThePodLabel() throws {
        #expect(try mode("istio.io/dataplane-mode: ambient, istio-injection: disabled", labels: "sidecar.istio.io/inject: \"true\"") == (.ambient, .namespaceLabel))
        // A revision label on the namespace selects it for the namespace webhooks, not the object one.
        #expect(try mode("istio.io/rev: canary", labels: "sidecar.istio.io/inject: \"true\"") == (.sidecar, .sidecarInNamespace))
        // Neither label: the object webhook injects the pod that asks.
        #expect(try mode("team: shop", labels: "sidecar.istio.io/inject: \"true\"") == (.sidecar, .sidecarOnPod))
        #expect(try mode("team: shop", labels: "istio.io/rev: canary") == (.sidecar, .sidecarOnPod))
        // The namespace's labels unknown: the pod's own request is taken.
        #expect(try mode(nil, labels: "sidecar.istio.io/inject: \"true\"") == (.sidecar, .sidecarOnPod))
    }

    @Test("the pod annotation sidecar.istio.io/inject: \"false\" opts out as the label does; the label wins over it")
    func annotationOptOut() throws {
        #expect(try mode("istio-injection: enabled, istio.io/dataplane-mode: ambient", annotations: "sidecar.istio.io/inject: \"false\"")
            == (.ambient, .namespaceLabel))
        #expect(try mode("istio-injection: enabled", annotations: "sidecar.istio.io/inject: \"false\"") == (DataplaneMode.none, .namespaceNotEnrolled))
        #expect(try mode("istio-injection: enabled", labels: "sidecar.istio.io/inject: \"true\"", annotations: "sidecar.istio.io/inject: \"false\"")
            == (.sidecar, .sidecarInNamespace))
        // An annotation asking for a sidecar never reaches the object webhook, which selects on labels.
        #expect(try mode("team: shop", annotations: "sidecar.istio.io/inject: \"true\"") == (DataplaneMode.none, .namespaceNotEnrolled))
        // Only the exact text counts.
        #expect(try mode("istio-injection: enabled", labels: "sidecar.istio.io/inject: \"False\"") == (.sidecar, .sidecarInNamespace))
    }
}

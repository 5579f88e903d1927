import Testing
@testable import YAMLModel

// MARK: - Shared helpers for the MeshIndex tests

/// Loads `yaml` as one file and indexes it, failing the test when the YAML itself has problems.
func meshIndex(
    _ yaml: String, root: String = "istio-system", complete: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
) -> MeshIndex {
    let file = ManifestLoader.load(path: "test.yaml", bytes: Array(yaml.utf8))
    #expect(file.problems.isEmpty, "fixture YAML has problems: \(file.problems)", sourceLocation: sourceLocation)
    return MeshIndex(resources: file.resources, options: MeshIndexOptions(rootNamespace: root, completeNamespaces: complete))
}

/// The 1-based line of the `occurrence`-th line of `yaml` that contains `needle` (0 when none does).
func line(of needle: String, in yaml: String, occurrence: Int = 1) -> Int {
    var seen = 0
    for (offset, text) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    where text.contains(needle) {
        seen += 1
        if seen == occurrence { return offset + 1 }
    }
    return 0
}

/// Joins YAML documents into one multi-document stream.
func documents(_ parts: String...) -> String {
    parts.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined(separator: "---\n")
}

/// Indented `key: "value"` lines for a labels or annotations block (empty when there are none).
private func mapBlock(_ key: String, _ entries: [(String, String)], indent: String) -> String {
    guard !entries.isEmpty else { return "" }
    return "\(indent)\(key):\n" + entries.map { "\(indent)  \($0.0): \"\($0.1)\"\n" }.joined()
}

enum Fixture {
    static func namespace(_ name: String, labels: [(String, String)] = []) -> String {
        """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: \(name)

        """ + mapBlock("labels", labels, indent: "  ")
    }

    static func service(_ name: String, in namespace: String, labels: [(String, String)] = []) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: \(name)
          namespace: \(namespace)

        """ + mapBlock("labels", labels, indent: "  ") + """
        spec:
          selector:
            app: \(name)
          ports:
          - port: 80

        """
    }

    /// The HBONE listener a waypoint needs, with an optional `allowedRoutes.namespaces` block.
    static func hboneListener(from: String? = nil, selector: [(String, String)] = []) -> String {
        var text = """
          - name: mesh
            port: 15008
            protocol: HBONE

        """
        if from != nil || !selector.isEmpty {
            text += "    allowedRoutes:\n      namespaces:\n"
            if let from { text += "        from: \(from)\n" }
            if !selector.isEmpty {
                text += "        selector:\n          matchLabels:\n"
                text += selector.map { "            \($0.0): \"\($0.1)\"\n" }.joined()
            }
        }
        return text
    }

    static func gateway(
        _ name: String, in namespace: String, className: String = "istio-waypoint",
        labels: [(String, String)] = [], annotations: [(String, String)] = [], listeners: String = hboneListener()
    ) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: \(name)
          namespace: \(namespace)

        """ + mapBlock("labels", labels, indent: "  ") + mapBlock("annotations", annotations, indent: "  ") + """
        spec:
          gatewayClassName: \(className)
          listeners:

        """ + listeners
    }

    static func gatewayClass(_ name: String, controller: String = "istio.io/mesh-controller", labels: [(String, String)] = []) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: \(name)

        """ + mapBlock("labels", labels, indent: "  ") + """
        spec:
          controllerName: \(controller)

        """
    }

    static func deployment(
        _ name: String, in namespace: String, podLabels: [(String, String)] = [], hostNetwork: Bool? = nil
    ) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          selector:
            matchLabels:
              app: \(name)
          template:
            metadata:
              labels:
                app: \(name)

        """ + podLabels.map { "        \($0.0): \"\($0.1)\"\n" }.joined() + """
            spec:
              serviceAccountName: \(name)

        """ + (hostNetwork.map { "      hostNetwork: \($0)\n" } ?? "") + """
              containers:
              - name: main
                image: example/\(name):1

        """
    }
}

/// A comparable one-line reading of a binding status.
func summary(_ status: WaypointBinding.Status) -> String {
    switch status {
    case .notRequested: "notRequested"
    case .optedOut: "optedOut"
    case .bound(let waypoint): "bound(\(waypoint.key))"
    case .waypointNotFound: "waypointNotFound"
    case .unresolved: "unresolved"
    case .waypointNotInInput: "waypointNotInInput"
    case .trafficTypeNotAccepted(let waypoint): "trafficTypeNotAccepted(\(waypoint.key))"
    case .namespaceNotAllowed(let waypoint): "namespaceNotAllowed(\(waypoint.key))"
    }
}

func serviceBinding(_ index: MeshIndex, _ namespace: String, _ name: String) throws -> WaypointBinding {
    let service = try #require(index.service(ObjectKey(namespace: namespace, name: name)))
    return index.binding(of: service.resource)
}

func workload(_ index: MeshIndex, _ namespace: String, _ name: String) throws -> WorkloadView {
    try #require(index.workloads.first { $0.namespace == namespace && $0.name == name })
}

let useWaypoint = WellKnown.useWaypointLabel
let useWaypointNamespace = WellKnown.useWaypointNamespaceLabel
let waypointFor = WellKnown.waypointForLabel

// MARK: - Binding

@Suite("MeshIndex: waypoint binding")
struct MeshIndexBindingTests {
    @Test("a Service's own use-waypoint label binds it to the waypoint in its namespace")
    func ownLabelBinds() throws {
        let yaml = documents(
            Fixture.namespace("app"),
            Fixture.gateway("wp", in: "app"),
            Fixture.service("api", in: "app", labels: [(useWaypoint, "wp")]))
        let index = meshIndex(yaml)
        let binding = try serviceBinding(index, "app", "api")
        #expect(summary(binding.status) == "bound(app/wp)")
        #expect(binding.isBound == true)
        #expect(binding.waypoint?.name == "wp")
        #expect(binding.waypoint?.namespace == "app")
        let request = try #require(binding.request)
        #expect(request.source == .ownLabel)
        #expect(request.waypointKey == ObjectKey(namespace: "app", name: "wp"))
        #expect(request.label.value == "wp")
        #expect(request.namespaceLabel == nil)
        // The label's spans point at the Service's own label line (document 3).
        let labelLine = line(of: "istio.io/use-waypoint: \"wp\"", in: yaml)
        #expect(labelLine > 0)
        #expect(request.label.keySpan.start.line == labelLine)
        #expect(request.label.valueSpan.start.line == labelLine)
        #expect(request.label.keySpan.start.column == 5)
        #expect(request.label.valueSpan.start.column == 28)
    }

    @Test("a Service without a label inherits the namespace's use-waypoint label")
    func namespaceLabelInherited() throws {
        let yaml = documents(
            Fixture.namespace("app", labels: [(useWaypoint, "wp")]),
            Fixture.gateway("wp", in: "app"),
            Fixture.service("api", in: "app"))
        let index = meshIndex(yaml)
        let binding = try serviceBinding(index, "app", "api")
        #expect(summary(binding.status) == "bound(app/wp)")
        let request = try #require(binding.request)
        #expect(request.source == .namespaceLabel)
        #expect(request.waypointKey == ObjectKey(namespace: "app", name: "wp"))
        // The evidence is the Namespace's label, in the first document.
        #expect(request.label.valueSpan.start.line == 6)
        #expect(request.label.valueSpan.start.line == line(of: "istio.io/use-waypoint", in: yaml))
    }

    @Test("a namespace's use-waypoint label binds its workloads too")
    func namespaceLabelBindsWorkloads() throws {
        let yaml = documents(
            Fixture.namespace("app", labels: [(useWaypoint, "wp")]),
            Fixture.gateway("wp", in: "app", labels: [(waypointFor, "all")]),
            Fixture.deployment("api", in: "app"))
        let index = meshIndex(yaml)
        let binding = index.binding(of: try workload(index, "app", "api").resource)
        #expect(summary(binding.status) == "bound(app/wp)")
        #expect(binding.request?.source == .namespaceLabel)
    }

    @Test("the object's own label beats the namespace's")
    func ownLabelBeatsNamespaceLabel() throws {
        let yaml = documents(
            Fixture.namespace("app", labels: [(useWaypoint, "ns-wp")]),
            Fixture.gateway("ns-wp", in: "app"),
            Fixture.gateway("own-wp", in: "app"),
            Fixture.service("api", in: "app", labels: [(useWaypoint, "own-wp")]),
            Fixture.service("other", in: "app"))
        let index = meshIndex(yaml)
        let api = try serviceBinding(index, "app", "api")
        #expect(summary(api.status) == "bound(app/own-wp)")
        #expect(api.request?.source == .ownLabel)
        #expect(api.request?.label.valueSpan.start.line == line(of: "\"own-wp\"", in: yaml))
        let other = try serviceBinding(index, "app", "other")
        #expect(summary(other.status) == "bound(app/ns-wp)")
        #expect(other.request?.source == .namespaceLabel)
    }

    @Test("an own label `none` opts out even when the namespace names a waypoint")
    func ownNoneOptsOut() throws {
        let yaml = documents(
            Fixture.namespace("app", labels: [(useWaypoint, "wp")]),
            Fixture.gateway("wp", in: "app"),
            Fixture.service("api", in: "app", labels: [(useWaypoint, "none")]))
        let index = meshIndex(yaml)
        let binding = try serviceBinding(index, "app", "api")
        #expect(summary(binding.status) == "optedOut")
        #expect(binding.isBound == false)
        #expect(binding.waypoint == nil)
        #expect(binding.request?.source == .ownLabel)
        #expect(binding.request?.label.valueSpan.start.line == line(of: "\"none\"", in: yaml))
    }

    @Test("a namespace label `none` opts its Services out")
    func namespaceNoneOptsOut() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app", labels: [(useWaypoint, "none")]),
            Fixture.service("api", in: "app")))
        let binding = try serviceBinding(index, "app", "api")
        #expect(summary(binding.status) == "optedOut")
        #expect(binding.request?.source == .namespaceLabel)
    }

    @Test("no label anywhere: not requested")
    func noLabelNotRequested() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app"),
            Fixture.gateway("wp", in: "app"),
            Fixture.service("api", in: "app")))
        let binding = try serviceBinding(index, "app", "api")
        #expect(summary(binding.status) == "notRequested")
        #expect(binding.request == nil)
        #expect(binding.isBound == false)
    }

    @Test("no own label and no Namespace object in the input: the binding cannot be judged")
    func namespaceObjectAbsentIsUnresolved() throws {
        let index = meshIndex(documents(Fixture.gateway("wp", in: "app"), Fixture.service("api", in: "app")))
        let binding = try serviceBinding(index, "app", "api")
        #expect(summary(binding.status) == "unresolved")
        #expect(binding.request == nil)
        #expect(binding.isBound == nil)
    }

    @Test("an own label naming a missing waypoint does not fall back to the namespace's")
    func ownLabelMissingWaypointNoFallback() throws {
        let yaml = documents(
            Fixture.namespace("app", labels: [(useWaypoint, "wp")]),
            Fixture.gateway("wp", in: "app"),
            Fixture.service("api", in: "app", labels: [(useWaypoint, "missing")]))
        let index = meshIndex(yaml)
        let binding = try serviceBinding(index, "app", "api")
        // Only part of `app` may be in the input: `missing` may be defined elsewhere.
        #expect(summary(binding.status) == "waypointNotInInput")
        #expect(binding.isBound == nil)
        #expect(binding.waypoint == nil)
        #expect(binding.request?.source == .ownLabel)
        #expect(binding.request?.waypointKey == ObjectKey(namespace: "app", name: "missing"))
        #expect(binding.request?.label.valueSpan.start.line == line(of: "\"missing\"", in: yaml))
    }

    @Test("a missing waypoint in a present namespace is not in the input, unless the namespace is complete or it is a typo")
    func missingWaypointInPresentNamespaceWithoutObject() throws {
        // No Namespace object, but the Service itself puts `app` in the input.
        let yaml = Fixture.service("api", in: "app", labels: [(useWaypoint, "wp")])
        #expect(summary(try serviceBinding(meshIndex(yaml), "app", "api").status) == "waypointNotInInput")
        let complete = MeshIndex(
            resources: ManifestLoader.load(path: "x.yaml", bytes: Array(yaml.utf8)).resources,
            options: MeshIndexOptions(completeNamespaces: ["app"]))
        let binding = try serviceBinding(complete, "app", "api")
        #expect(summary(binding.status) == "waypointNotFound")
        #expect(binding.isBound == false)
        let typo = meshIndex(documents(Fixture.gateway("waypoint", in: "app"), Fixture.service("api", in: "app", labels: [(useWaypoint, "waypont")])))
        #expect(summary(try serviceBinding(typo, "app", "api").status) == "waypointNotFound")
    }

    @Test("the waypoint's namespace not in the input: unresolved")
    func waypointNamespaceAbsent() throws {
        let yaml = documents(
            Fixture.namespace("app"),
            Fixture.service("api", in: "app", labels: [(useWaypoint, "wp"), (useWaypointNamespace, "elsewhere")]))
        let index = meshIndex(yaml)
        let binding = try serviceBinding(index, "app", "api")
        #expect(summary(binding.status) == "unresolved")
        #expect(binding.isBound == nil)
        #expect(binding.request?.waypointKey == ObjectKey(namespace: "elsewhere", name: "wp"))
        #expect(binding.request?.namespaceLabel?.value == "elsewhere")
        #expect(binding.request?.namespaceLabel?.valueSpan.start.line == line(of: "\"elsewhere\"", in: yaml))
    }

    // MARK: Across namespaces

    /// A client namespace `app` (labelled `team: a` when it is declared), a Service in it using the
    /// waypoint `mesh/wp`, and that waypoint with the given listener.
    private func crossNamespace(listener: String, clientNamespaceDeclared: Bool = true) -> String {
        var parts: [String] = [Fixture.namespace("mesh"), Fixture.gateway("wp", in: "mesh", listeners: listener)]
        if clientNamespaceDeclared { parts.append(Fixture.namespace("app", labels: [("team", "a")])) }
        parts.append(Fixture.service("api", in: "app", labels: [(useWaypoint, "wp"), (useWaypointNamespace, "mesh")]))
        return parts.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined(separator: "---\n")
    }

    @Test("across namespaces, a listener allowing All binds")
    func crossNamespaceAll() throws {
        let index = meshIndex(crossNamespace(listener: Fixture.hboneListener(from: "All")))
        let binding = try serviceBinding(index, "app", "api")
        #expect(summary(binding.status) == "bound(mesh/wp)")
        #expect(binding.request?.waypointKey == ObjectKey(namespace: "mesh", name: "wp"))
        #expect(binding.request?.namespaceLabel?.value == "mesh")
        #expect(binding.waypoint?.identity == "cluster.local/ns/mesh/sa/wp")
    }

    @Test("across namespaces, a Selector matching the client namespace's labels binds")
    func crossNamespaceSelectorMatches() throws {
        let index = meshIndex(crossNamespace(listener: Fixture.hboneListener(from: "Selector", selector: [("team", "a")])))
        #expect(summary(try serviceBinding(index, "app", "api").status) == "bound(mesh/wp)")
    }

    @Test("across namespaces, a Selector not matching the client namespace refuses it")
    func crossNamespaceSelectorMismatch() throws {
        let index = meshIndex(crossNamespace(listener: Fixture.hboneListener(from: "Selector", selector: [("team", "b")])))
        let binding = try serviceBinding(index, "app", "api")
        #expect(summary(binding.status) == "namespaceNotAllowed(mesh/wp)")
        #expect(binding.isBound == false)
    }

    @Test("across namespaces, a Selector on the automatic kubernetes.io/metadata.name label matches")
    func crossNamespaceSelectorOnMetadataName() throws {
        // Kubernetes labels every Namespace with `kubernetes.io/metadata.name: <name>`; manifests never write it.
        let matching = meshIndex(crossNamespace(
            listener: Fixture.hboneListener(from: "Selector", selector: [("kubernetes.io/metadata.name", "app")])))
        #expect(summary(try serviceBinding(matching, "app", "api").status) == "bound(mesh/wp)")
        let other = meshIndex(crossNamespace(
            listener: Fixture.hboneListener(from: "Selector", selector: [("kubernetes.io/metadata.name", "web")])))
        #expect(summary(try serviceBinding(other, "app", "api").status) == "namespaceNotAllowed(mesh/wp)")
    }

    @Test("across namespaces, `Same` (explicit or defaulted) refuses the client namespace", arguments: [
        Fixture.hboneListener(), Fixture.hboneListener(from: "Same"),
    ])
    func crossNamespaceSame(listener: String) throws {
        let index = meshIndex(crossNamespace(listener: listener))
        #expect(summary(try serviceBinding(index, "app", "api").status) == "namespaceNotAllowed(mesh/wp)")
    }

    @Test("across namespaces, a waypoint without an HBONE listener refuses the client namespace")
    func crossNamespaceNoHBONEListener() throws {
        let listener = """
          - name: http
            port: 80
            protocol: HTTP
            allowedRoutes:
              namespaces:
                from: All

        """
        let index = meshIndex(crossNamespace(listener: listener))
        let waypoint = try #require(index.waypoint(ObjectKey(namespace: "mesh", name: "wp")))
        #expect(waypoint.hboneListener == nil)
        #expect(summary(try serviceBinding(index, "app", "api").status) == "namespaceNotAllowed(mesh/wp)")
    }

    @Test("across namespaces, a Selector with the client Namespace object absent is unresolved")
    func crossNamespaceSelectorClientUnknown() throws {
        let index = meshIndex(crossNamespace(
            listener: Fixture.hboneListener(from: "Selector", selector: [("team", "a")]), clientNamespaceDeclared: false))
        let binding = try serviceBinding(index, "app", "api")
        #expect(summary(binding.status) == "unresolved")
        #expect(binding.isBound == nil)
    }

    @Test("across namespaces through the namespace's labels")
    func crossNamespaceFromNamespaceLabels() throws {
        let yaml = documents(
            Fixture.namespace("mesh"),
            Fixture.gateway("wp", in: "mesh", listeners: Fixture.hboneListener(from: "All")),
            Fixture.namespace("app", labels: [(useWaypoint, "wp"), (useWaypointNamespace, "mesh")]),
            Fixture.service("api", in: "app"))
        let index = meshIndex(yaml)
        let binding = try serviceBinding(index, "app", "api")
        #expect(summary(binding.status) == "bound(mesh/wp)")
        #expect(binding.request?.source == .namespaceLabel)
        #expect(binding.request?.namespaceLabel?.valueSpan.start.line == line(of: "istio.io/use-waypoint-namespace", in: yaml))
    }

    @Test("use-waypoint-namespace naming the object's own namespace needs no allowedRoutes")
    func useWaypointNamespaceSameNamespace() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app"),
            Fixture.gateway("wp", in: "app"),
            Fixture.service("api", in: "app", labels: [(useWaypoint, "wp"), (useWaypointNamespace, "app")])))
        #expect(summary(try serviceBinding(index, "app", "api").status) == "bound(app/wp)")
    }

    // MARK: What the label names

    @Test("a Gateway of another class that a label names is the waypoint: istiod does not check the class")
    func gatewayOfAnotherClass() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app"),
            Fixture.gateway("ingress", in: "app", className: "istio"),
            Fixture.gateway("other", in: "app", className: "istio"),
            Fixture.service("api", in: "app", labels: [(useWaypoint, "ingress")])))
        let binding = try serviceBinding(index, "app", "api")
        #expect(summary(binding.status) == "bound(app/ingress)")
        #expect(binding.isBound == true)
        #expect(index.waypoint(ObjectKey(namespace: "app", name: "ingress"))?.implementation == .unknownClass("istio"))
        #expect(index.gateway(ObjectKey(namespace: "app", name: "ingress"))?.isWaypoint == false)
        // A Gateway of another class that nothing names and nothing declares is not a waypoint.
        #expect(index.waypoints.map(\.name) == ["ingress"])
    }

    @Test("a `workload` waypoint refuses a Service and takes a Pod")
    func workloadWaypointRefusesService() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app"),
            Fixture.gateway("wp", in: "app", labels: [(waypointFor, "workload")]),
            Fixture.service("api", in: "app", labels: [(useWaypoint, "wp")]),
            Fixture.deployment("api", in: "app", podLabels: [(useWaypoint, "wp")])))
        let waypoint = try #require(index.waypoint(ObjectKey(namespace: "app", name: "wp")))
        #expect(waypoint.trafficType == .workload)
        guard case .gatewayLabel(let label) = waypoint.trafficTypeSource else {
            Issue.record("expected the Gateway's own waypoint-for label, got \(waypoint.trafficTypeSource)")
            return
        }
        #expect(label.value == "workload")
        let service = try serviceBinding(index, "app", "api")
        #expect(summary(service.status) == "trafficTypeNotAccepted(app/wp)")
        #expect(service.isBound == false)
        let pods = index.binding(of: try workload(index, "app", "api").resource)
        #expect(summary(pods.status) == "bound(app/wp)")
    }

    @Test("waypoint-for comes from the GatewayClass when the Gateway has none")
    func waypointForFromGatewayClass() throws {
        let yaml = documents(
            Fixture.gatewayClass("istio-waypoint", labels: [(waypointFor, "workload")]),
            Fixture.namespace("app"),
            Fixture.gateway("wp", in: "app"),
            Fixture.gateway("svc-wp", in: "app", labels: [(waypointFor, "service")]),
            Fixture.service("api", in: "app", labels: [(useWaypoint, "wp")]),
            Fixture.service("web", in: "app", labels: [(useWaypoint, "svc-wp")]))
        let index = meshIndex(yaml)
        let waypoint = try #require(index.waypoint(ObjectKey(namespace: "app", name: "wp")))
        #expect(waypoint.trafficType == .workload)
        guard case .gatewayClassLabel(let label) = waypoint.trafficTypeSource else {
            Issue.record("expected the GatewayClass's label, got \(waypoint.trafficTypeSource)")
            return
        }
        #expect(label.valueSpan.start.line == line(of: "istio.io/waypoint-for: \"workload\"", in: yaml))
        #expect(summary(try serviceBinding(index, "app", "api").status) == "trafficTypeNotAccepted(app/wp)")
        // The Gateway's own label beats the class's.
        let serviceWaypoint = try #require(index.waypoint(ObjectKey(namespace: "app", name: "svc-wp")))
        #expect(serviceWaypoint.trafficType == .service)
        #expect(summary(try serviceBinding(index, "app", "web").status) == "bound(app/svc-wp)")
    }

    @Test("waypoint-for defaults to service")
    func waypointForDefault() throws {
        let index = meshIndex(documents(Fixture.namespace("app"), Fixture.gateway("wp", in: "app")))
        let waypoint = try #require(index.waypoint(ObjectKey(namespace: "app", name: "wp")))
        #expect(waypoint.trafficType == .service)
        #expect(waypoint.trafficTypeSource == .defaulted)
    }

    @Test("an unknown waypoint-for value binds nothing")
    func waypointForUnknownValue() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app"),
            Fixture.gateway("wp", in: "app", labels: [(waypointFor, "everything")]),
            Fixture.service("api", in: "app", labels: [(useWaypoint, "wp")])))
        #expect(index.waypoint(ObjectKey(namespace: "app", name: "wp"))?.trafficType == nil)
        #expect(summary(try serviceBinding(index, "app", "api").status) == "trafficTypeNotAccepted(app/wp)")
    }

    @Test("waypoint-for `none` accepts neither Services nor workloads")
    func waypointForNone() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app"),
            Fixture.gateway("wp", in: "app", labels: [(waypointFor, "none")]),
            Fixture.service("api", in: "app", labels: [(useWaypoint, "wp")]),
            Fixture.deployment("api", in: "app", podLabels: [(useWaypoint, "wp")])))
        #expect(index.waypoint(ObjectKey(namespace: "app", name: "wp"))?.trafficType == WaypointTrafficType.none)
        #expect(summary(try serviceBinding(index, "app", "api").status) == "trafficTypeNotAccepted(app/wp)")
        let pods = index.binding(of: try workload(index, "app", "api").resource)
        #expect(summary(pods.status) == "trafficTypeNotAccepted(app/wp)")
    }

    @Test("a Deployment's pod-template label to a `service` waypoint is not accepted; to an `all` one it is")
    func podTemplateTrafficType() throws {
        let yaml = documents(
            Fixture.namespace("app"),
            Fixture.gateway("svc-wp", in: "app"),
            Fixture.gateway("all-wp", in: "app", labels: [(waypointFor, "all")]),
            Fixture.deployment("api", in: "app", podLabels: [(useWaypoint, "svc-wp")]),
            Fixture.deployment("web", in: "app", podLabels: [(useWaypoint, "all-wp")]),
            Fixture.service("web", in: "app", labels: [(useWaypoint, "all-wp")]))
        let index = meshIndex(yaml)
        let api = index.binding(of: try workload(index, "app", "api").resource)
        #expect(summary(api.status) == "trafficTypeNotAccepted(app/svc-wp)")
        #expect(api.request?.source == .ownLabel)
        // The evidence is the label inside the pod template, not the Deployment's own metadata.
        #expect(api.request?.label.valueSpan.start.line == line(of: "istio.io/use-waypoint: \"svc-wp\"", in: yaml))
        #expect(api.request?.label.keySpan.start.column == 9)
        let web = index.binding(of: try workload(index, "app", "web").resource)
        #expect(summary(web.status) == "bound(app/all-wp)")
        #expect(summary(try serviceBinding(index, "app", "web").status) == "bound(app/all-wp)")
    }

    @Test("a CronJob's pod template labels bind through jobTemplate")
    func cronJobPodTemplate() throws {
        let yaml = documents(
            Fixture.namespace("app"),
            Fixture.gateway("wp", in: "app", labels: [(waypointFor, "workload")]),
            """
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: nightly
              namespace: app
            spec:
              schedule: "0 0 * * *"
              jobTemplate:
                spec:
                  template:
                    metadata:
                      labels:
                        istio.io/use-waypoint: wp
                    spec:
                      restartPolicy: Never
                      containers:
                      - name: main
                        image: example/nightly:1
            """)
        let index = meshIndex(yaml)
        let binding = index.binding(of: try workload(index, "app", "nightly").resource)
        #expect(summary(binding.status) == "bound(app/wp)")
        #expect(binding.request?.label.valueSpan.start.line == line(of: "istio.io/use-waypoint: wp", in: yaml))
    }

    @Test("a ServiceEntry's use-waypoint label binds it")
    func serviceEntryBinds() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app"),
            Fixture.gateway("egress-wp", in: "app"),
            """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: external
              namespace: app
              labels:
                istio.io/use-waypoint: egress-wp
            spec:
              hosts:
              - api.example.com
              resolution: DNS
              ports:
              - number: 443
                name: https
                protocol: TLS
            """))
        let entry = try #require(index.serviceEntry(ObjectKey(namespace: "app", name: "external")))
        #expect(summary(index.binding(of: entry.resource).status) == "bound(app/egress-wp)")
    }

    @Test("a resource that carries no binding reads as not requested")
    func bindingOfUnrelatedResource() throws {
        let index = meshIndex(documents(Fixture.namespace("app", labels: [(useWaypoint, "wp")])))
        let namespaceObject = try #require(index.namespace("app").object)
        let binding = index.binding(of: namespaceObject.resource)
        #expect(summary(binding.status) == "notRequested")
        #expect(binding.request == nil)
    }

    // MARK: The waypoint itself

    @Test("a waypoint's identity is its namespace and ServiceAccount (its name unless annotated)")
    func waypointIdentity() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app"),
            Fixture.gateway("wp", in: "app"),
            Fixture.gateway("custom", in: "app", annotations: [("gateway.istio.io/service-account", "waypoint-sa")])))
        let waypoint = try #require(index.waypoint(ObjectKey(namespace: "app", name: "wp")))
        #expect(waypoint.serviceAccountName == "wp")
        #expect(waypoint.identity == "cluster.local/ns/app/sa/wp")
        let custom = try #require(index.waypoint(ObjectKey(namespace: "app", name: "custom")))
        #expect(custom.identity == "cluster.local/ns/app/sa/waypoint-sa")
    }

    @Test("waypoints are listed sorted by namespace and name, and only Gateways of class istio-waypoint")
    func waypointsSorted() throws {
        let index = meshIndex(documents(
            Fixture.gateway("zeta", in: "b"),
            Fixture.gateway("alpha", in: "b"),
            Fixture.gateway("ingress", in: "a", className: "istio"),
            Fixture.gateway("wp", in: "a")))
        #expect(index.waypoints.map(\.key.description) == ["a/wp", "b/alpha", "b/zeta"])
        #expect(index.gateways.count == 4)
        let waypoint = try #require(index.waypoint(ObjectKey(namespace: "a", name: "wp")))
        let listener = try #require(waypoint.hboneListener)
        #expect(listener.port?.value == 15008)
        #expect(listener.protocol?.value == "HBONE")
        #expect(listener.allowedRoutesFrom == nil)
    }
}

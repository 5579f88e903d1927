import Testing
@testable import YAMLModel

// MARK: - Helpers

/// An AuthorizationPolicy document; `spec` is the indented body under `spec:` (or `spec: {}` when nil).
private func authorizationPolicy(
    _ name: String, in namespace: String, annotations: [(String, String)] = [], spec: String? = nil
) -> String {
    var text = """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: \(name)
          namespace: \(namespace)

        """
    if !annotations.isEmpty {
        text += "  annotations:\n" + annotations.map { "    \($0.0): \"\($0.1)\"\n" }.joined()
    }
    if let spec {
        text += "spec:\n" + spec + (spec.hasSuffix("\n") ? "" : "\n")
    } else {
        text += "spec: {}\n"
    }
    return text
}

/// A `targetRefs` body with one entry.
private func targetRefs(kind: String, name: String, group: String? = nil, namespace: String? = nil) -> String {
    var text = "  targetRefs:\n  - kind: \(kind)\n    name: \(name)\n"
    if let group { text += "    group: \"\(group)\"\n" }
    if let namespace { text += "    namespace: \(namespace)\n" }
    return text
}

private func policy(_ index: MeshIndex, _ namespace: String, _ name: String) throws -> AuthorizationPolicyView {
    try #require(index.authorizationPolicies(in: namespace).first { $0.name == name })
}

private func attachment(_ index: MeshIndex, _ namespace: String, _ name: String) throws -> PolicyAttachment {
    index.attachment(of: try policy(index, namespace, name))
}

/// A comparable one-line reading of a target outcome.
private func summary(_ outcome: ResolvedTarget.Outcome) -> String {
    switch outcome {
    case .waypoint(let waypoint): "waypoint(\(waypoint.key))"
    case .allWaypoints: "allWaypoints"
    case .gateway(let gateway): "gateway(\(gateway.key))"
    case .serviceWithoutWaypoint(let resource, let binding): "serviceWithoutWaypoint(\(resource.displayName), \(summary(binding.status)))"
    case .notFound: "notFound"
    case .unresolved: "unresolved"
    case .invalid: "invalid"
    }
}

private func invalidReason(_ outcome: ResolvedTarget.Outcome) -> String? {
    if case .invalid(let reason) = outcome { return reason }
    return nil
}

/// The one target of a one-ref policy.
private func onlyTarget(_ attachment: PolicyAttachment) throws -> ResolvedTarget {
    #expect(attachment.scope == .targetRefs)
    try #require(attachment.targets.count == 1)
    return attachment.targets[0]
}

/// Namespace `app` with waypoint `wp`, Service `bound` using it and Service `plain` using none.
private let appWithWaypoint = documents(
    Fixture.namespace("app"),
    Fixture.gateway("wp", in: "app"),
    Fixture.gateway("ingress", in: "app", className: "istio"),
    Fixture.service("bound", in: "app", labels: [(WellKnown.useWaypointLabel, "wp")]),
    Fixture.service("plain", in: "app"))

// MARK: - Attachment

@Suite("MeshIndex: where policies are enforced")
struct MeshIndexPolicyAttachmentTests {
    @Test("a selector makes a policy ztunnel's, for the selected workloads")
    func selector() throws {
        let yaml = authorizationPolicy("p", in: "app", spec: """
              selector:
                matchLabels:
                  app: api
              action: ALLOW
            """)
        let index = meshIndex(yaml)
        let policy = try policy(index, "app", "p")
        let result = index.attachment(of: policy)
        #expect(result.scope == .workloadSelector)
        #expect(result.isEnforcedByZtunnel)
        #expect(!result.isEnforcedNowhere)
        #expect(result.targets.isEmpty)
        #expect(result.waypoints.isEmpty)
        #expect(policy.selectorSpan?.start.line == line(of: "selector:", in: yaml))
        #expect(policy.selector?.matchLabels.first?.value == "api")
    }

    @Test("neither selector nor targetRefs: namespace-wide")
    func namespaceWide() throws {
        let index = meshIndex(authorizationPolicy("p", in: "app"))
        let result = try attachment(index, "app", "p")
        #expect(result.scope == .namespace)
        #expect(result.isEnforcedByZtunnel)
        #expect(!result.isEnforcedNowhere)
    }

    @Test("an empty targetRefs list is the same as none")
    func emptyTargetRefs() throws {
        let index = meshIndex(authorizationPolicy("p", in: "app", spec: "  targetRefs: []\n"))
        #expect(try attachment(index, "app", "p").scope == .namespace)
    }

    @Test("neither selector nor targetRefs in the root namespace: mesh-wide")
    func meshWide() throws {
        let index = meshIndex(authorizationPolicy("p", in: "istio-system"))
        let result = try attachment(index, "istio-system", "p")
        #expect(result.scope == .mesh)
        #expect(result.isEnforcedByZtunnel)
        #expect(index.rootNamespace == "istio-system")
    }

    @Test("a custom root namespace moves mesh-wide scope")
    func customRootNamespace() throws {
        let index = meshIndex(documents(
            authorizationPolicy("p", in: "mesh-root"),
            authorizationPolicy("q", in: "istio-system")), root: "mesh-root")
        #expect(index.rootNamespace == "mesh-root")
        #expect(try attachment(index, "mesh-root", "p").scope == .mesh)
        #expect(try attachment(index, "istio-system", "q").scope == .namespace)
    }

    @Test("selector and targetRefs together: rejected, enforced nowhere")
    func selectorAndTargetRefs() throws {
        let yaml = documents(appWithWaypoint, authorizationPolicy("p", in: "app", spec: """
              selector:
                matchLabels:
                  app: api
            """ + "\n" + targetRefs(kind: "Gateway", name: "wp", group: "gateway.networking.k8s.io")))
        let index = meshIndex(yaml)
        let result = try attachment(index, "app", "p")
        #expect(result.scope == .selectorAndTargetRefs)
        #expect(result.targets.isEmpty)
        #expect(result.isEnforcedNowhere)
        #expect(!result.isEnforcedByZtunnel)
        #expect(try policy(index, "app", "p").targetRefsKeySpan?.start.line == line(of: "targetRefs:", in: yaml))
    }

    @Test("a targetRef to a waypoint-bound Service reaches that waypoint")
    func serviceBound() throws {
        let yaml = documents(appWithWaypoint, authorizationPolicy("p", in: "app", spec: targetRefs(kind: "Service", name: "bound", group: "")))
        let index = meshIndex(yaml)
        let result = try attachment(index, "app", "p")
        let target = try onlyTarget(result)
        #expect(summary(target.outcome) == "waypoint(app/wp)")
        #expect(target.ref.display == "Service/bound")
        #expect(target.ref.span.start.line == line(of: "- kind: Service", in: yaml))
        #expect(result.waypoints.map(\.key.description) == ["app/wp"])
        #expect(!result.isEnforcedByZtunnel)
        #expect(!result.isEnforcedNowhere)
    }

    @Test("a targetRef to a Service bound through its namespace's label reaches the waypoint")
    func serviceBoundByNamespace() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app", labels: [(WellKnown.useWaypointLabel, "wp")]),
            Fixture.gateway("wp", in: "app"),
            Fixture.service("api", in: "app"),
            authorizationPolicy("p", in: "app", spec: targetRefs(kind: "Service", name: "api"))))
        #expect(summary(try onlyTarget(try attachment(index, "app", "p")).outcome) == "waypoint(app/wp)")
    }

    @Test("group core names the core group")
    func coreGroup() throws {
        let index = meshIndex(documents(appWithWaypoint, authorizationPolicy("p", in: "app", spec: targetRefs(kind: "Service", name: "bound", group: "core"))))
        let target = try onlyTarget(try attachment(index, "app", "p"))
        #expect(target.ref.groupKind == .service)
        #expect(summary(target.outcome) == "waypoint(app/wp)")
    }

    @Test("a targetRef to a Service no waypoint serves is enforced nowhere")
    func serviceUnbound() throws {
        let index = meshIndex(documents(appWithWaypoint, authorizationPolicy("p", in: "app", spec: targetRefs(kind: "Service", name: "plain"))))
        let result = try attachment(index, "app", "p")
        let target = try onlyTarget(result)
        #expect(summary(target.outcome) == "serviceWithoutWaypoint(Service app/plain, notRequested)")
        #expect(target.outcome.reachesNothing)
        #expect(result.isEnforcedNowhere)
        #expect(result.waypoints.isEmpty)
    }

    @Test("a targetRef to a Service opted out of waypoints is enforced nowhere")
    func serviceOptedOut() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app"),
            Fixture.service("api", in: "app", labels: [(WellKnown.useWaypointLabel, "none")]),
            authorizationPolicy("p", in: "app", spec: targetRefs(kind: "Service", name: "api"))))
        let result = try attachment(index, "app", "p")
        #expect(summary(try onlyTarget(result).outcome) == "serviceWithoutWaypoint(Service app/api, optedOut)")
        #expect(result.isEnforcedNowhere)
    }

    @Test("a targetRef to a Service whose waypoint's namespace is not in the input is unresolved")
    func serviceUnresolved() throws {
        let index = meshIndex(documents(
            Fixture.namespace("app"),
            Fixture.service("api", in: "app", labels: [
                (WellKnown.useWaypointLabel, "wp"), (WellKnown.useWaypointNamespaceLabel, "shared"),
            ]),
            authorizationPolicy("p", in: "app", spec: targetRefs(kind: "Service", name: "api"))))
        let result = try attachment(index, "app", "p")
        let target = try onlyTarget(result)
        #expect(summary(target.outcome) == "unresolved")
        #expect(!target.outcome.reachesNothing)
        #expect(!result.isEnforcedNowhere)
    }

    @Test("a targetRef to a missing Service: not found, and enforced nowhere only where that is proven")
    func serviceMissing() throws {
        let yaml = documents(appWithWaypoint, authorizationPolicy("p", in: "app", spec: targetRefs(kind: "Service", name: "ghost")))
        let result = try attachment(meshIndex(yaml), "app", "p")
        #expect(summary(try onlyTarget(result).outcome) == "notFound")
        // `ghost` may be defined outside the input: what enforces the policy is unknown.
        #expect(!result.isEnforcedNowhere)
        #expect(try attachment(meshIndex(yaml, complete: ["app"]), "app", "p").isEnforcedNowhere)
    }

    @Test("a targetRef resolves in the policy's own namespace only")
    func serviceInOtherNamespace() throws {
        let index = meshIndex(documents(appWithWaypoint, authorizationPolicy("p", in: "other", spec: targetRefs(kind: "Service", name: "bound"))))
        #expect(summary(try onlyTarget(try attachment(index, "other", "p")).outcome) == "notFound")
    }

    @Test("a targetRef to a waypoint Gateway reaches it")
    func gatewayWaypoint() throws {
        let index = meshIndex(documents(appWithWaypoint, authorizationPolicy("p", in: "app", spec: targetRefs(kind: "Gateway", name: "wp", group: "gateway.networking.k8s.io"))))
        let result = try attachment(index, "app", "p")
        #expect(summary(try onlyTarget(result).outcome) == "waypoint(app/wp)")
        #expect(result.waypoints.map(\.identity) == ["cluster.local/ns/app/sa/wp"])
    }

    @Test("a targetRef to a Gateway of another class: that gateway enforces it")
    func gatewayNotWaypoint() throws {
        let index = meshIndex(documents(appWithWaypoint, authorizationPolicy("p", in: "app", spec: targetRefs(kind: "Gateway", name: "ingress", group: "gateway.networking.k8s.io"))))
        let result = try attachment(index, "app", "p")
        #expect(summary(try onlyTarget(result).outcome) == "gateway(app/ingress)")
        #expect(!result.isEnforcedNowhere)
        #expect(result.waypoints.isEmpty)
    }

    @Test("a targetRef to a missing Gateway: not found")
    func gatewayMissing() throws {
        let index = meshIndex(documents(appWithWaypoint, authorizationPolicy("p", in: "app", spec: targetRefs(kind: "Gateway", name: "ghost", group: "gateway.networking.k8s.io"))))
        #expect(summary(try onlyTarget(try attachment(index, "app", "p")).outcome) == "notFound")
    }

    @Test("GatewayClass istio-waypoint from the root namespace reaches every waypoint")
    func gatewayClassFromRoot() throws {
        let index = meshIndex(authorizationPolicy("p", in: "istio-system", spec: targetRefs(kind: "GatewayClass", name: "istio-waypoint", group: "gateway.networking.k8s.io")))
        let result = try attachment(index, "istio-system", "p")
        #expect(summary(try onlyTarget(result).outcome) == "allWaypoints")
        #expect(!result.isEnforcedNowhere)
        #expect(!result.isEnforcedByZtunnel)
    }

    @Test("GatewayClass istio-waypoint from another namespace is invalid")
    func gatewayClassFromNonRoot() throws {
        let index = meshIndex(authorizationPolicy("p", in: "app", spec: targetRefs(kind: "GatewayClass", name: "istio-waypoint", group: "gateway.networking.k8s.io")))
        let result = try attachment(index, "app", "p")
        let target = try onlyTarget(result)
        #expect(summary(target.outcome) == "invalid")
        #expect(invalidReason(target.outcome)?.contains("root namespace") == true)
        #expect(result.isEnforcedNowhere)
    }

    @Test("a GatewayClass ref reaches every waypoint by the class's name alone, as istiod attaches it")
    func gatewayClassByController() throws {
        let index = meshIndex(documents(
            Fixture.gatewayClass("custom-waypoint"),
            Fixture.gatewayClass("istio-waypoint", controller: "example.com/other"),
            authorizationPolicy("custom", in: "istio-system", spec: targetRefs(kind: "GatewayClass", name: "custom-waypoint", group: "gateway.networking.k8s.io")),
            authorizationPolicy("renamed", in: "istio-system", spec: targetRefs(kind: "GatewayClass", name: "istio-waypoint", group: "gateway.networking.k8s.io")),
            authorizationPolicy("absent", in: "istio-system", spec: targetRefs(kind: "GatewayClass", name: "istio", group: "gateway.networking.k8s.io"))))
        #expect(summary(try onlyTarget(try attachment(index, "istio-system", "custom")).outcome) == "invalid")
        #expect(summary(try onlyTarget(try attachment(index, "istio-system", "renamed")).outcome) == "allWaypoints")
        let absent = try onlyTarget(try attachment(index, "istio-system", "absent"))
        #expect(invalidReason(absent.outcome)?.contains("not the waypoint class") == true)
    }

    @Test("GatewayClass from a custom root namespace")
    func gatewayClassCustomRoot() throws {
        let yaml = documents(
            authorizationPolicy("p", in: "mesh-root", spec: targetRefs(kind: "GatewayClass", name: "istio-waypoint", group: "gateway.networking.k8s.io")),
            authorizationPolicy("q", in: "istio-system", spec: targetRefs(kind: "GatewayClass", name: "istio-waypoint", group: "gateway.networking.k8s.io")))
        let index = meshIndex(yaml, root: "mesh-root")
        #expect(summary(try onlyTarget(try attachment(index, "mesh-root", "p")).outcome) == "allWaypoints")
        #expect(summary(try onlyTarget(try attachment(index, "istio-system", "q")).outcome) == "invalid")
    }

    @Test("a targetRef with a namespace is invalid, even when it names the policy's own")
    func targetRefNamespace() throws {
        let yaml = documents(appWithWaypoint, authorizationPolicy("p", in: "app", spec: targetRefs(kind: "Gateway", name: "wp", group: "gateway.networking.k8s.io", namespace: "app")))
        let index = meshIndex(yaml)
        let result = try attachment(index, "app", "p")
        let target = try onlyTarget(result)
        #expect(summary(target.outcome) == "invalid")
        #expect(invalidReason(target.outcome)?.contains("namespace must be empty") == true)
        #expect(target.ref.namespace?.value == "app")
        #expect(target.ref.namespace?.span.start.line == line(of: "    namespace: app", in: yaml))
        #expect(result.isEnforcedNowhere)
    }

    @Test("a targetRef with an empty namespace is fine")
    func targetRefEmptyNamespace() throws {
        let index = meshIndex(documents(appWithWaypoint, authorizationPolicy("p", in: "app", spec: targetRefs(kind: "Gateway", name: "wp", group: "gateway.networking.k8s.io", namespace: "\"\""))))
        #expect(summary(try onlyTarget(try attachment(index, "app", "p")).outcome) == "waypoint(app/wp)")
    }

    @Test("unsupported kinds and groups are invalid", arguments: [
        ("Deployment", "apps"), ("Gateway", ""), ("Service", "networking.istio.io"), ("HTTPRoute", "gateway.networking.k8s.io"),
    ])
    func unsupportedKind(kind: String, group: String) throws {
        let index = meshIndex(documents(appWithWaypoint, authorizationPolicy("p", in: "app", spec: targetRefs(kind: kind, name: "wp", group: group))))
        let result = try attachment(index, "app", "p")
        let target = try onlyTarget(result)
        #expect(summary(target.outcome) == "invalid")
        #expect(invalidReason(target.outcome)?.contains("not supported") == true)
        #expect(result.isEnforcedNowhere)
    }

    @Test("the legacy single targetRef is read like targetRefs")
    func legacyTargetRef() throws {
        let yaml = documents(appWithWaypoint, authorizationPolicy("p", in: "app", spec: """
              targetRef:
                kind: Gateway
                group: gateway.networking.k8s.io
                name: wp
            """))
        let index = meshIndex(yaml)
        let policy = try policy(index, "app", "p")
        let result = index.attachment(of: policy)
        #expect(summary(try onlyTarget(result).outcome) == "waypoint(app/wp)")
        #expect(policy.targetRefsKeySpan?.start.line == line(of: "targetRef:", in: yaml))
    }

    @Test("a targetRef to a waypoint-bound ServiceEntry reaches the waypoint; to a missing one, nothing")
    func serviceEntryTarget() throws {
        let yaml = documents(
            Fixture.namespace("app"),
            Fixture.gateway("egress", in: "app"),
            """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: external
              namespace: app
              labels:
                istio.io/use-waypoint: egress
            spec:
              hosts:
              - api.example.com
            """,
            authorizationPolicy("p", in: "app", spec: targetRefs(kind: "ServiceEntry", name: "external", group: "networking.istio.io")),
            authorizationPolicy("q", in: "app", spec: targetRefs(kind: "ServiceEntry", name: "ghost", group: "networking.istio.io")))
        let index = meshIndex(yaml)
        #expect(summary(try onlyTarget(try attachment(index, "app", "p")).outcome) == "waypoint(app/egress)")
        #expect(summary(try onlyTarget(try attachment(index, "app", "q")).outcome) == "notFound")
    }

    @Test("several refs: enforced somewhere when one reaches something; waypoints without repeats, in order")
    func severalRefs() throws {
        let yaml = documents(
            appWithWaypoint,
            Fixture.gateway("wp2", in: "app"),
            authorizationPolicy("p", in: "app", spec: """
                  targetRefs:
                  - kind: Service
                    name: ghost
                  - kind: Gateway
                    group: gateway.networking.k8s.io
                    name: wp2
                  - kind: Service
                    name: bound
                  - kind: Gateway
                    group: gateway.networking.k8s.io
                    name: wp
                """),
            authorizationPolicy("q", in: "app", spec: """
                  targetRefs:
                  - kind: Service
                    name: ghost
                  - kind: Service
                    name: plain
                """))
        let index = meshIndex(yaml, complete: ["app"])
        let p = try attachment(index, "app", "p")
        #expect(p.targets.map { summary($0.outcome) } == ["notFound", "waypoint(app/wp2)", "waypoint(app/wp)", "waypoint(app/wp)"])
        #expect(p.waypoints.map(\.name) == ["wp2", "wp"])
        #expect(!p.isEnforcedNowhere)
        let q = try attachment(index, "app", "q")
        #expect(q.targets.count == 2)
        #expect(q.isEnforcedNowhere)
    }

    @Test("RequestAuthentication attachments resolve the same way")
    func requestAuthentication() throws {
        let yaml = documents(appWithWaypoint, """
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata:
              name: jwt
              namespace: app
            spec:
              targetRefs:
              - kind: Service
                name: plain
              jwtRules:
              - issuer: https://issuer.example.com
            ---
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata:
              name: jwt-waypoint
              namespace: app
            spec:
              targetRefs:
              - kind: Gateway
                group: gateway.networking.k8s.io
                name: wp
              jwtRules:
              - issuer: https://issuer.example.com
            ---
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata:
              name: jwt-selector
              namespace: app
            spec:
              selector:
                matchLabels:
                  app: api
            """)
        let index = meshIndex(yaml)
        #expect(index.requestAuthentications.count == 3)
        let byName = Dictionary(uniqueKeysWithValues: index.requestAuthentications.map { ($0.name, index.attachment(of: $0)) })
        let unbound = try #require(byName["jwt"])
        #expect(summary(try onlyTarget(unbound).outcome) == "serviceWithoutWaypoint(Service app/plain, notRequested)")
        #expect(unbound.isEnforcedNowhere)
        let waypoint = try #require(byName["jwt-waypoint"])
        #expect(summary(try onlyTarget(waypoint).outcome) == "waypoint(app/wp)")
        #expect(byName["jwt-selector"]?.scope == .workloadSelector)
    }
}

// MARK: - Default deny

@Suite("MeshIndex: default deny")
struct MeshIndexDefaultDenyTests {
    @Test("`spec: {}` in the namespace denies by default")
    func emptySpecHolds() throws {
        let yaml = documents(Fixture.namespace("app"), authorizationPolicy("deny-all", in: "app"))
        let index = meshIndex(yaml)
        let result = index.defaultDeny(in: "app")
        #expect(result.namespace == "app")
        #expect(result.holds)
        #expect(result.policy?.name == "deny-all")
        #expect(result.scope == .namespace)
        #expect(result.nearMisses.isEmpty)
        #expect(result.policy?.resource.nameSpan.start.line == line(of: "name: deny-all", in: yaml))
    }

    @Test("an ALLOW without a spec at all also denies by default")
    func missingSpecHolds() {
        let index = meshIndex("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata:
              name: deny-all
              namespace: app
            """)
        #expect(index.defaultDeny(in: "app").holds)
    }

    @Test("an explicit ALLOW with an empty rules list denies by default")
    func explicitAllowNoRules() {
        let index = meshIndex(authorizationPolicy("deny-all", in: "app", spec: "  action: ALLOW\n  rules: []\n"))
        let result = index.defaultDeny(in: "app")
        #expect(result.holds)
        #expect(result.scope == .namespace)
    }

    @Test("`rules: [{}]` allows everything: a near miss")
    func emptyRuleAllowsEverything() throws {
        let index = meshIndex(authorizationPolicy("allow-all", in: "app", spec: "  rules:\n  - {}\n"))
        let result = index.defaultDeny(in: "app")
        #expect(!result.holds)
        #expect(result.policy == nil)
        #expect(result.scope == nil)
        #expect(result.nearMisses.map(\.policy.name) == ["allow-all"])
        #expect(result.nearMisses.map(\.reason) == [.allowsEverything])
    }

    @Test("a namespace-wide ALLOW list denies what it does not list")
    func namespaceAllowList() {
        let index = meshIndex(authorizationPolicy("allow-frontend", in: "app", spec: """
              rules:
              - from:
                - source:
                    principals: ["cluster.local/ns/app/sa/frontend"]
            """))
        let result = index.defaultDeny(in: "app")
        #expect(result.holds)
        #expect(result.policy?.name == "allow-frontend")
    }

    @Test("a root-namespace `spec: {}` makes every namespace deny by default, with mesh scope")
    func rootNamespaceHolds() {
        let index = meshIndex(documents(
            Fixture.namespace("app"),
            authorizationPolicy("mesh-deny", in: "istio-system")))
        let app = index.defaultDeny(in: "app")
        #expect(app.holds)
        #expect(app.policy?.name == "mesh-deny")
        #expect(app.policy?.namespace == "istio-system")
        #expect(app.scope == .mesh)
        let root = index.defaultDeny(in: "istio-system")
        #expect(root.holds)
        #expect(root.scope == .mesh)
    }

    @Test("with a custom root namespace, only its policies are mesh-wide")
    func customRootNamespace() {
        let index = meshIndex(documents(
            authorizationPolicy("mesh-deny", in: "mesh-root"),
            authorizationPolicy("local-deny", in: "istio-system")), root: "mesh-root")
        let app = index.defaultDeny(in: "app")
        #expect(app.holds)
        #expect(app.policy?.name == "mesh-deny")
        #expect(app.scope == .mesh)
        let istioSystem = index.defaultDeny(in: "istio-system")
        #expect(istioSystem.policy?.name == "local-deny")
        #expect(istioSystem.scope == .namespace)
    }

    @Test("a namespace's own default deny is preferred over the root's")
    func localBeforeRoot() {
        let index = meshIndex(documents(
            authorizationPolicy("mesh-deny", in: "istio-system"),
            authorizationPolicy("deny-all", in: "app")))
        let result = index.defaultDeny(in: "app")
        #expect(result.policy?.name == "deny-all")
        #expect(result.scope == .namespace)
    }

    @Test("a selector-only ALLOW covers the selected workloads only: a near miss")
    func selectorOnly() {
        let index = meshIndex(authorizationPolicy("api-only", in: "app", spec: """
              selector:
                matchLabels:
                  app: api
            """))
        let result = index.defaultDeny(in: "app")
        #expect(!result.holds)
        #expect(result.nearMisses.map(\.reason) == [.selectsWorkloads])
        #expect(result.nearMisses.first?.policy.name == "api-only")
    }

    @Test("a targetRefs ALLOW is the waypoint's: a near miss")
    func targetRefsOnly() {
        let index = meshIndex(documents(appWithWaypoint, authorizationPolicy("wp-deny", in: "app", spec: targetRefs(kind: "Gateway", name: "wp", group: "gateway.networking.k8s.io"))))
        let result = index.defaultDeny(in: "app")
        #expect(!result.holds)
        #expect(result.nearMisses.map(\.reason) == [.targetsWaypoint])
    }

    @Test("a dry-run ALLOW is not enforced: a near miss", arguments: ["true", "True"])
    func dryRun(value: String) {
        let index = meshIndex(authorizationPolicy("deny-all", in: "app", annotations: [("istio.io/dry-run", value)]))
        let result = index.defaultDeny(in: "app")
        #expect(!result.holds)
        #expect(result.nearMisses.map(\.reason) == [.dryRun])
    }

    @Test("a dry-run root policy is a near miss for every namespace")
    func dryRunRoot() {
        let index = meshIndex(authorizationPolicy("mesh-deny", in: "istio-system", annotations: [("istio.io/dry-run", "true")]))
        let result = index.defaultDeny(in: "app")
        #expect(!result.holds)
        #expect(result.nearMisses.map(\.policy.name) == ["mesh-deny"])
        #expect(result.nearMisses.map(\.reason) == [.dryRun])
    }

    @Test("a dry-run annotation set to false does not matter")
    func dryRunFalse() {
        let index = meshIndex(authorizationPolicy("deny-all", in: "app", annotations: [("istio.io/dry-run", "false")]))
        #expect(index.defaultDeny(in: "app").holds)
    }

    @Test("root-namespace selector and targetRefs policies are not near misses elsewhere")
    func rootScopedPoliciesIgnored() {
        let index = meshIndex(documents(
            authorizationPolicy("sel", in: "istio-system", spec: "  selector:\n    matchLabels:\n      app: istiod\n"),
            authorizationPolicy("wp", in: "istio-system", spec: targetRefs(kind: "GatewayClass", name: "istio-waypoint", group: "gateway.networking.k8s.io"))))
        let result = index.defaultDeny(in: "app")
        #expect(!result.holds)
        #expect(result.nearMisses.isEmpty)
    }

    @Test("DENY, AUDIT and CUSTOM policies do not make a default deny", arguments: ["DENY", "AUDIT", "CUSTOM"])
    func otherActions(action: String) {
        let index = meshIndex(authorizationPolicy("p", in: "app", spec: "  action: \(action)\n"))
        let result = index.defaultDeny(in: "app")
        #expect(!result.holds)
        #expect(result.nearMisses.isEmpty)
    }

    @Test("a namespace without policies does not deny by default")
    func noPolicies() {
        let index = meshIndex(Fixture.namespace("app"))
        let result = index.defaultDeny(in: "app")
        #expect(!result.holds)
        #expect(result.policy == nil)
        #expect(result.nearMisses.isEmpty)
        #expect(index.authorizationPolicies(in: "app").isEmpty)
    }

    @Test("near misses come before the policy that holds, and do not stop it")
    func nearMissesBesideHolding() {
        let index = meshIndex(documents(
            authorizationPolicy("allow-all", in: "app", spec: "  rules:\n  - {}\n"),
            authorizationPolicy("deny-all", in: "app")))
        let result = index.defaultDeny(in: "app")
        #expect(result.holds)
        #expect(result.policy?.name == "deny-all")
        #expect(result.nearMisses.map(\.reason) == [.allowsEverything])
    }
}

import Testing
@testable import Migration
import YAMLModel

/// How each kind of sidecar-era policy is carried into ambient (the review of issue 21's migrate).
@Suite("Policy conversion")
struct ConversionTests {
    /// Namespace `shop` (sidecars) with Deployment and Service `api`, a caller namespace `web`
    /// (ambient) with `frontend` and `other`, the waypoint `waypoint` in `shop`, and `policy`.
    static func shop(_ policy: String) -> MeshIndex {
        meshIndex("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {istio-injection: enabled}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: web, labels: {istio.io/dataplane-mode: ambient}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec:
              template:
                metadata: {labels: {app: api}}
                spec: {serviceAccountName: api, containers: [{name: api, ports: [{containerPort: 8080}]}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: shop}
            spec: {selector: {app: api}, ports: [{name: http, port: 8080}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: frontend, namespace: web}
            spec:
              template:
                metadata: {labels: {app: frontend}}
                spec: {serviceAccountName: frontend}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: other, namespace: web}
            spec:
              template:
                metadata: {labels: {app: other}}
                spec: {serviceAccountName: other}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: waypoint, namespace: shop}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            ---
            \(policy)
            """)
    }

    @Test("a DENY whose notPrincipals would match the waypoint leaves ztunnel: it moves to the waypoint, and access is kept")
    func denyMatchingTheWaypointMoves() throws {
        let report = try Migration.plan(index: Self.shop("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: only-frontend, namespace: shop}
            spec:
              selector: {matchLabels: {app: api}}
              action: DENY
              rules:
              - from: [{source: {notPrincipals: [cluster.local/ns/web/sa/frontend]}}]
            """), namespace: "shop", waypoint: nil)
        let change = try #require(report.policies.first)
        #expect(change.kind == .identityMovesToWaypoint)
        #expect(change.deleteAfterMove)
        #expect(change.conversions == ["only-frontend-waypoint", "only-frontend-ztunnel"])
        // At ztunnel the rule stays for direct connections, and never matches the waypoint.
        let yaml = try #require(report.patch.first { $0.name == "only-frontend-ztunnel" }?.yaml)
        let copy = try #require(readBack(yaml)
            .authorizationPolicies(in: "shop").first)
        #expect(copy.rules.first?.sources.first?.field("notPrincipals")?.values.map(\.value)
            == ["cluster.local/ns/web/sa/frontend", "cluster.local/ns/shop/sa/waypoint"])
        #expect(report.keepsAccess, "\(report.patchedChanges.map { "\($0.caller) \($0.request)" })")
        #expect(!report.rawChanges.isEmpty)
    }

    @Test("a DENY naming other callers only stays at ztunnel, and is copied to the waypoint")
    func denyNamingOthersStays() throws {
        let report = try Migration.plan(index: Self.shop("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: not-other, namespace: shop}
            spec:
              selector: {matchLabels: {app: api}}
              action: DENY
              rules:
              - from: [{source: {principals: [cluster.local/ns/web/sa/other]}}]
            """), namespace: "shop", waypoint: nil)
        let change = try #require(report.policies.first)
        #expect(!change.deleteAfterMove)
        #expect(change.conversions == ["not-other-waypoint"])
        #expect(report.keepsAccess)
    }

    @Test("CUSTOM needs the waypoint: istiod refuses it for ztunnel")
    func customMovesToTheWaypoint() throws {
        let report = try Migration.plan(index: Self.shop("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ext-authz, namespace: shop}
            spec:
              selector: {matchLabels: {app: api}}
              action: CUSTOM
              provider: {name: opa}
              rules:
              - to: [{operation: {ports: ["8080"]}}]
            """), namespace: "shop", waypoint: nil)
        let change = try #require(report.policies.first)
        #expect(change.kind == .actionNeedsWaypoint)
        #expect(change.conversions == ["ext-authz-waypoint"])
        let yaml = try #require(report.patch.first { $0.name == "ext-authz-waypoint" }?.yaml)
        #expect(yaml.contains("provider:\n    name: \"opa\""))
    }

    @Test("an allow-nothing with `selector: {}` and no waypoint becomes a namespace-wide allow-nothing")
    func allowNothingIsKept() throws {
        let index = meshIndex("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {istio-injection: enabled}}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: deny-all, namespace: shop}
            spec:
              selector: {}
            """)
        let report = try Migration.plan(index: index, namespace: "shop", waypoint: nil)
        #expect(report.move.waypoint == nil)
        let object = try #require(report.patch.first)
        #expect(object.name == "deny-all-ztunnel")
        let policy = try #require(readBack(object.yaml)
            .authorizationPolicies(in: "shop").first)
        #expect(policy.selector == nil && policy.hasNoRules && policy.action == .allow)
    }

    @Test("an ALLOW by IP block moves: ztunnel sees the waypoint's address on Service traffic")
    func ipBlocksMove() throws {
        let report = try Migration.plan(index: Self.shop("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: office, namespace: shop}
            spec:
              selector: {matchLabels: {app: api}}
              rules:
              - from: [{source: {ipBlocks: [10.0.0.0/8]}}]
            """), namespace: "shop", waypoint: nil)
        #expect(report.policies.first?.kind == .identityMovesToWaypoint)
        #expect(report.policies.first?.conversions == ["office-waypoint", "office-ztunnel"])
    }

    @Test("the Service also fronts pods the selector leaves out: said, since the waypoint applies the rules to them too")
    func widerServiceIsNoted() throws {
        let report = try Migration.plan(index: Self.shop("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api-v2, namespace: shop}
            spec:
              template:
                metadata: {labels: {app: api, version: v2}}
                spec: {serviceAccountName: api}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: v2-get, namespace: shop}
            spec:
              selector: {matchLabels: {version: v2}}
              rules:
              - to: [{operation: {methods: [GET]}}]
            """), namespace: "shop", waypoint: nil)
        #expect(report.inexpressible.contains { $0.hasPrefix("Service shop/api also fronts Deployment shop/api, which AuthorizationPolicy shop/v2-get does not select") })
    }

    @Test("root-namespace policies that bind the pods are shown for review, and a mesh-wide RequestAuthentication is flagged")
    func rootNamespaceIsReviewed() throws {
        let report = try Migration.plan(index: Self.shop("""
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: mesh-jwt, namespace: istio-system}
            spec:
              jwtRules: [{issuer: "https://issuer.example.com"}]
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: need-token, namespace: shop}
            spec:
              selector: {matchLabels: {app: api}}
              rules:
              - from: [{source: {requestPrincipals: ["*"]}}]
            """), namespace: "shop", waypoint: nil)
        #expect(report.policies.contains { $0.policy == "RequestAuthentication istio-system/mesh-jwt" && $0.kind == .rootNamespace })
        #expect(report.inexpressible.contains { $0.contains("targetRefs to GatewayClass istio-waypoint") })
    }

    @Test("a DENY whose HTTP fields ztunnel drops denies its whole port until it is deleted: the window is compared")
    func windowBeforeDeletion() throws {
        let report = try Migration.plan(index: Self.shop("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: no-delete, namespace: shop}
            spec:
              selector: {matchLabels: {app: api}}
              action: DENY
              rules:
              - to: [{operation: {ports: ["8080"], methods: [DELETE]}}]
            """), namespace: "shop", waypoint: nil)
        #expect(report.windowChanges.contains { $0.caller == "web/frontend" && $0.request == "GET /" && !$0.isNewlyAllowed })
        // Plaintext clients never pass the waypoint: the DELETE rule no longer applies to them, and the report says what to do.
        #expect(report.patchedChanges.map(\.caller) == ["anonymous"])
        #expect(report.inexpressible.contains { $0.hasPrefix("Clients outside the mesh (plaintext) never pass a waypoint") })
        #expect(report.steps.last?.summary.contains("outcomes differ from today's") == true)
    }

    @Test("the YAML writer keeps empty collections, nulls, numbers and booleans as they are")
    func writerKeepsTypes() throws {
        let node = try #require(ManifestLoader.load(path: "a.yaml", bytes: Array("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            data: {rules: [], selector: {}, empty: ~, port: 8080, flag: true, text: "yes"}
            """.utf8)).resources.first?.node["data"])
        let lines = YAMLWriter.lines(of: node, indent: 0)
        #expect(lines == ["rules: []", "selector: {}", "empty: null", "port: 8080", "flag: true", "text: \"yes\""])
    }

    @Test("a policy with thousands of rules is compared on a bounded set of requests")
    func requestsAreBounded() throws {
        let rules = (0..<2_000).map { "  - to: [{operation: {paths: [\"/p\($0)\"]}}]" }.joined(separator: "\n")
        let index = Self.shop("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: many, namespace: shop}
            spec:
              selector: {matchLabels: {app: api}}
              rules:
            \(rules)
            """)
        let service = try #require(index.services.first { $0.name == "api" })
        let probes = AccessComparison.probes(for: service, states: [index], audiences: .init())
        #expect(probes.count <= AccessComparison.maxRequestShapes)
        #expect(probes.count == AccessComparison.maxRequestShapes)
    }
}

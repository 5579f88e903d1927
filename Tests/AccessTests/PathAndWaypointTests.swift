import Testing
@testable import Access
import YAMLModel

@Suite("The path and the waypoint")
struct PathAndWaypointTests {
    /// At the waypoint: only `web` may GET `/api/{*}/items/{**}` on Service api.
    private let getItemsOnly = Fixture.authorizationPolicy("api-items", in: "shop", spec: """
        \(Fixture.targetingService("api"))
        rules:
          - from:
              - source:
                  principals: ["cluster.local/ns/shop/sa/web"]
            to:
              - operation:
                  methods: ["GET"]
                  paths: ["/api/{*}/items/{**}"]
        """)

    @Test func pathTemplatesAtTheWaypoint() throws {
        let index = shop(getItemsOnly)
        let hit = try evaluate(index, AccessRequest(
            caller: identity("shop/web"), destination: service("shop", "api", port: 80), method: "GET", path: "/api/v2/items/7/parts"))
        #expect(hit.decision == .allow)
        #expect(hit.hasStep("ALLOW shop/api-items: rule 0 matches", .matched))
        #expect(hit.hasStep("the request reaches waypoint shop/shop-waypoint", .info))

        let miss = try evaluate(index, AccessRequest(
            caller: identity("shop/web"), destination: service("shop", "api", port: 80), method: "GET", path: "/api/v2/v3/items"))
        #expect(miss.decision == .deny)
        #expect(miss.trace.hops.count == 1)
        #expect(miss.hasStep("to[0].operation.paths [/api/{*}/items/{**}] does not match path /api/v2/v3/items", .notMatched))
        #expect(miss.hasStep("the waypoint answers 403", .denied))
    }

    /// Gateways skip the waypoint (and its policies) unless the Service opts in.
    @Test func ingressSkipsTheWaypointUnlessTheServiceOptsIn() throws {
        let gateway = Fixture.ingressGateway("public", in: "edge")
        let request = AccessRequest(
            caller: .ingress(ObjectKey(namespace: "edge", name: "public")), destination: service("shop", "api", port: 80),
            method: "GET", path: "/api/v2/items/7")

        let skipped = try evaluate(shop(getItemsOnly, gateway), request)
        #expect(skipped.decision == .allow)
        #expect(skipped.trace.hops.map(\.place) == [
            .gateway(ObjectKey(namespace: "edge", name: "public")), .ztunnel(workload: ObjectKey(namespace: "shop", name: "api"), namespace: "shop"),
        ])
        #expect(skipped.hasStep("the ingress gateway skips waypoint shop/shop-waypoint", .info))
        #expect(skipped.hasStep("caller ingress Gateway edge/public, running as cluster.local/ns/edge/sa/public-istio", .info))

        let optedIn = meshIndex(
            Fixture.namespace("shop", labels: ["istio.io/use-waypoint": "shop-waypoint"]),
            Fixture.waypoint("shop-waypoint", in: "shop"),
            Fixture.deployment("api", in: "shop"),
            Fixture.service("api", in: "shop", labels: ["istio.io/ingress-use-waypoint": "true"]),
            getItemsOnly, gateway)
        let through = try evaluate(optedIn, request)
        #expect(through.decision == .deny)
        #expect(through.hasStep("the ingress gateway sends the request through waypoint shop/shop-waypoint", .info))
        #expect(through.hasStep("does not match cluster.local/ns/edge/sa/public-istio", .notMatched))
    }

    /// Pod-IP traffic is routed by the pod's own binding: a `service` waypoint never sees it.
    @Test func podIPTrafficSkipsAServiceWaypoint() throws {
        let index = shop(getItemsOnly)
        let pod = AccessRequest(
            caller: identity("shop/web"), destination: .workload(ObjectKey(namespace: "shop", name: "api"), port: 8080), method: "DELETE")
        let direct = try evaluate(index, pod)
        #expect(direct.decision == .allow)
        #expect(direct.trace.hops.map(\.place) == [.ztunnel(workload: ObjectKey(namespace: "shop", name: "api"), namespace: "shop")])
        #expect(direct.hasStep("pod-IP traffic skips waypoint shop/shop-waypoint of Service shop/api", .info))
        #expect(direct.hasStep("source identity: the caller's, cluster.local/ns/shop/sa/web", .info))

        var viaService = pod
        viaService.destination = service("shop", "api", port: 80)
        #expect(try evaluate(index, viaService).decision == .deny)
    }

    /// A workload bound to a `workload` waypoint sends its pod-IP traffic there.
    @Test func podIPTrafficUsesTheWorkloadsOwnWaypoint() throws {
        let index = meshIndex(
            Fixture.namespace("shop"),
            Fixture.waypoint("pods", in: "shop", for: "workload"),
            Fixture.deployment("api", in: "shop", podLabels: ["istio.io/use-waypoint": "pods"]),
            Fixture.authorizationPolicy("pods-deny", in: "shop", spec: """
                targetRefs:
                  - kind: Gateway
                    group: gateway.networking.k8s.io
                    name: pods
                action: DENY
                rules:
                  - to:
                      - operation:
                          methods: ["DELETE"]
                """))
        let result = try evaluate(index, AccessRequest(
            caller: identity("shop/web"), destination: .workload(ObjectKey(namespace: "shop", name: "api"), port: 8080), method: "DELETE"))
        #expect(result.decision == .deny)
        #expect(result.trace.hops.first?.place == .waypoint(ObjectKey(namespace: "shop", name: "pods")))
        #expect(result.hasStep("DENY shop/pods-deny: rule 0 matches: denied", .matched))
    }

    /// Out-of-mesh clients have no ztunnel to take them to the waypoint.
    @Test func anonymousCallersReachThePodsDirectly() throws {
        let result = try evaluate(shop(getItemsOnly), AccessRequest(caller: .anonymous, destination: service("shop", "api", port: 80)))
        #expect(result.decision == .allow)
        #expect(result.trace.hops.count == 1)
        #expect(result.hasStep("a client outside the mesh has no ztunnel to send it to waypoint shop/shop-waypoint", .info))
    }

    /// Headers (names case-insensitive), `notValues`, and an absent attribute.
    @Test func headersAndNotValues() throws {
        let tenants = Fixture.authorizationPolicy("tenants", in: "shop", spec: """
            \(Fixture.targetingService("api"))
            rules:
              - when:
                  - key: request.headers[X-Tenant]
                    values: ["acme", "globex*"]
                  - key: request.headers[x-debug]
                    notValues: ["*"]
            """)
        let index = shop(tenants)
        func run(_ headers: [String: String]) throws -> AccessResult {
            try evaluate(index, AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80), headers: headers))
        }
        #expect(try run(["x-tenant": "acme"]).decision == .allow)
        #expect(try run(["X-TENANT": "globex-eu"]).decision == .allow)
        let debug = try run(["x-tenant": "acme", "X-Debug": "1"])
        #expect(debug.decision == .deny)
        #expect(debug.hasStep("when request.headers[x-debug] excludes *, which matches header x-debug: 1", .notMatched))
        let missing = try run([:])
        #expect(missing.decision == .deny)
        #expect(missing.hasStep("does not match no X-Tenant header", .notMatched))
    }

    /// CUSTOM cannot be decided from manifests: the result is allow, marked uncertain.
    @Test func customActionIsUncertain() throws {
        let custom = Fixture.authorizationPolicy("ext-authz", in: "shop", spec: """
            \(Fixture.targetingService("api"))
            action: CUSTOM
            provider:
              name: opa
            rules:
              - to:
                  - operation:
                      paths: ["/admin/*"]
            """)
        let result = try evaluate(shop(custom), AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80), path: "/admin/users"))
        #expect(result.decision == .allow)
        #expect(result.isUncertain)
        #expect(result.hasStep("the external authorizer opa decides", .uncertain))

        let other = try evaluate(shop(custom), AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80), path: "/public"))
        #expect(!other.isUncertain)
        #expect(other.hasStep("the external authorizer is not asked", .notMatched))
    }

    /// Dry-run and rejected policies enforce nothing.
    @Test func dryRunAndRejectedPoliciesAreSkipped() throws {
        let dryRun = Fixture.authorizationPolicy("deny-all-dry", in: "shop", annotations: ["istio.io/dry-run": "true"], spec: """
            \(Fixture.targetingService("api"))
            action: DENY
            rules:
              - {}
            """)
        let rejected = Fixture.authorizationPolicy("deny-nothing", in: "shop", spec: """
            \(Fixture.targetingService("api"))
            action: DENY
            """)
        let result = try evaluate(shop(dryRun, rejected), AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80)))
        #expect(result.decision == .allow)
        #expect(result.hasStep("DENY shop/deny-all-dry is a dry run: logged, not enforced", .skipped))
        #expect(result.hasStep("DENY shop/deny-nothing is rejected", .skipped))
    }

    /// Without the Service's pods in the input, only namespace-wide and mesh-wide ztunnel policies are known.
    @Test func serviceWithoutWorkloadsUsesNamespaceWidePolicies() throws {
        let index = meshIndex(
            Fixture.namespace("shop"),
            Fixture.service("api", in: "shop"),
            Fixture.authorizationPolicy("default-deny", in: "shop", spec: "{}"),
            Fixture.authorizationPolicy("api-open", in: "shop", spec: """
                selector:
                  matchLabels:
                    app: api
                rules:
                  - {}
                """))
        let result = try evaluate(index, AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80)))
        #expect(result.decision == .deny)
        #expect(result.isUncertain)
        #expect(result.trace.hops.map(\.place) == [.ztunnel(workload: nil, namespace: "shop")])
        #expect(result.hasStep("only namespace-wide and mesh-wide policies are evaluated", .assumption))
        #expect(!result.hasStep("api-open"))
    }

    /// A namespace whose labels are not in the input is assumed to be in ambient, and said to be.
    @Test func unknownEnrollmentIsAnAssumption() throws {
        let index = meshIndex(Fixture.deployment("api", in: "shop"), Fixture.service("api", in: "shop"))
        let result = try evaluate(index, AccessRequest(caller: .anonymous, destination: service("shop", "api", port: 80)))
        #expect(result.decision == .allow)
        #expect(result.isUncertain)
        #expect(result.hasStep("are assumed to be in ambient", .assumption))
        #expect(result.hasStep("no PeerAuthentication sets a mode: ambient's default PERMISSIVE accepts plaintext", .info))
    }

    /// A workload outside the mesh calls as an anonymous plaintext client; one in ambient as its identity.
    @Test func callersOfWorkloads() throws {
        let index = meshIndex(
            Fixture.namespace("shop"), Fixture.namespace("legacy", ambient: false),
            Fixture.deployment("web", in: "shop", account: "frontend"), Fixture.deployment("batch", in: "legacy"))
        let evaluator = AccessEvaluator(index: index)
        let web = try #require(evaluator.workload(ObjectKey(namespace: "shop", name: "web")))
        let batch = try #require(evaluator.workload(ObjectKey(namespace: "legacy", name: "batch")))
        #expect(evaluator.caller(for: web) == .identity(MeshIdentity(namespace: "shop", serviceAccount: "frontend")))
        #expect(evaluator.caller(for: batch) == .anonymous)
    }

    @Test func unknownDestinationsAreErrors() {
        let index = shop()
        #expect(throws: AccessError.unknownService(ObjectKey(namespace: "shop", name: "nope"))) {
            try AccessEvaluator(index: index).evaluate(AccessRequest(caller: .anonymous, destination: service("shop", "nope", port: 80)))
        }
        #expect(throws: AccessError.unknownPort(ObjectKey(namespace: "shop", name: "api"), port: 8080, available: [80])) {
            try AccessEvaluator(index: index).evaluate(AccessRequest(caller: .anonymous, destination: service("shop", "api", port: 8080)))
        }
    }
}

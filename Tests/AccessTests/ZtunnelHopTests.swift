import Testing
@testable import Access
import YAMLModel

@Suite("At the destination's ztunnel")
struct ZtunnelHopTests {
    /// A ztunnel ALLOW on `api` admitting the given principal on the pod port 8080.
    private func allowAPI(from principal: String) -> String {
        Fixture.authorizationPolicy("api-allow", in: "shop", spec: """
            selector:
              matchLabels:
                app: api
            action: ALLOW
            rules:
              - from:
                  - source:
                      principals: ["\(principal)"]
                to:
                  - operation:
                      ports: ["8080"]
            """)
    }

    /// Traffic through the waypoint reaches ztunnel as the waypoint: an ALLOW admitting only the
    /// caller denies it, one admitting the waypoint allows it.
    @Test func theWaypointsIdentityIsTheSourceAtTheDestination() throws {
        let request = AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80))

        let callerOnly = try evaluate(shop(allowAPI(from: "cluster.local/ns/shop/sa/web")), request)
        #expect(callerOnly.decision == .deny)
        #expect(callerOnly.trace.hops.map(\.place) == [
            .waypoint(ObjectKey(namespace: "shop", name: "shop-waypoint")),
            .ztunnel(workload: ObjectKey(namespace: "shop", name: "api"), namespace: "shop"),
        ])
        #expect(callerOnly.hasStep("source identity: the waypoint's, cluster.local/ns/shop/sa/shop-waypoint", .info))
        let miss = try #require(callerOnly.step("does not match cluster.local/ns/shop/sa/shop-waypoint", .notMatched))
        #expect(miss.file == "mesh.yaml")
        #expect(miss.span != nil)

        let waypointAdmitted = try evaluate(shop(allowAPI(from: "cluster.local/ns/shop/sa/shop-waypoint")), request)
        #expect(waypointAdmitted.decision == .allow)
        #expect(waypointAdmitted.hasStep("ALLOW shop/api-allow: rule 0 matches", .matched))
    }

    /// `selector: {}` attaches to no ambient workload (istiod: workload-selector scope, attached only
    /// by a non-empty selector): ztunnel ignores the deny-all, and the trace says so.
    @Test func anEmptySelectorAttachesToNoAmbientWorkload() throws {
        let denyAll = Fixture.authorizationPolicy("deny-all", in: "shop", spec: "selector: {}")
        let result = try evaluate(directShop(denyAll), AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80)))
        #expect(result.decision == .allow)
        #expect(result.hasStep("ALLOW shop/deny-all has `selector: {}`: ztunnel ignores it", .info))
        // The same policy without the selector is namespace-wide: ztunnel enforces it.
        let namespaceWide = Fixture.authorizationPolicy("deny-all", in: "shop", spec: "{}")
        #expect(try evaluate(directShop(namespaceWide), AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80))).decision == .deny)
    }

    /// The pod port, not the Service port, is what ztunnel's `ports` see.
    @Test func ztunnelSeesTheTargetPort() throws {
        let index = directShop(allowAPI(from: "cluster.local/ns/shop/sa/web"))
        let result = try evaluate(index, AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80)))
        #expect(result.decision == .allow)
        #expect(result.hasStep("ztunnel delivers the connection on port 8080", .allowed))

        // A named targetPort is looked up among the pod template's container ports.
        let named = meshIndex(
            Fixture.namespace("shop"), Fixture.deployment("api", in: "shop"), Fixture.service("api", in: "shop", targetPort: "http"),
            allowAPI(from: "cluster.local/ns/shop/sa/web"))
        let viaName = try evaluate(named, AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80)))
        #expect(viaName.decision == .allow)
        #expect(viaName.hasStep("ztunnel delivers the connection on port 8080", .allowed))
    }

    /// An ALLOW rule with an HTTP attribute is left out of ztunnel's policy: it allows nothing.
    @Test func allowWithL7AttributesFailsClosedAtZtunnel() throws {
        let text = directShopDocuments([Fixture.authorizationPolicy("api-get", in: "shop", spec: """
            selector:
              matchLabels:
                app: api
            rules:
              - from:
                  - source:
                      principals: ["cluster.local/ns/shop/sa/web"]
                to:
                  - operation:
                      methods: ["GET"]
            """)])
        let index = meshIndex(text)
        let result = try evaluate(index, AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80), method: "GET"))
        #expect(result.decision == .deny)
        let dropped = try #require(result.step("holds L7 attributes [methods]", .notMatched))
        #expect(dropped.message.contains("fails closed"))
        #expect(line(try #require(dropped.span).start.line, of: text).contains("methods:"))
    }

    /// "Require a JWT" at ztunnel: `notRequestPrincipals` is L7, the DENY never matches (fail-open).
    @Test func denyNotRequestPrincipalsFailsOpenAtZtunnel() throws {
        let index = directShop(Fixture.authorizationPolicy("require-jwt", in: "shop", spec: """
            selector:
              matchLabels:
                app: api
            action: DENY
            rules:
              - from:
                  - source:
                      notRequestPrincipals: ["*"]
            """))
        let result = try evaluate(index, AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80)))
        #expect(result.decision == .allow)
        #expect(result.hasStep("only L7 fields [notRequestPrincipals]", .notMatched))
        #expect(result.hasStep("this DENY rule never matches, it fails open", .notMatched))
    }

    /// A DENY entry mixing L4 and L7 keeps its L4 part at ztunnel and denies more than written.
    @Test func mixedDenyBroadensAtZtunnel() throws {
        let index = directShop(Fixture.authorizationPolicy("no-delete", in: "shop", spec: """
            selector:
              matchLabels:
                app: api
            action: DENY
            rules:
              - to:
                  - operation:
                      methods: ["DELETE"]
                      ports: ["8080"]
            """))
        let result = try evaluate(index, AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80), method: "GET"))
        #expect(result.decision == .deny)
        #expect(result.hasStep("matches on its L4 part only", .matched))
    }

    /// STRICT refuses a plaintext client; a PERMISSIVE port-level exception lets it in.
    @Test func strictMTLSRefusesAnonymousPlaintext() throws {
        let strict = Fixture.peerAuthentication("default", in: "shop", spec: "mtls:\n  mode: STRICT")
        let refused = try evaluate(directShop(strict), AccessRequest(caller: .anonymous, destination: service("shop", "api", port: 80)))
        #expect(refused.decision == .refused)
        let evidence = try #require(refused.step("sets STRICT mTLS", .matched))
        #expect(evidence.file == "mesh.yaml")

        // An identity is never refused for mTLS reasons.
        let mesh = try evaluate(directShop(strict), AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80)))
        #expect(mesh.decision == .allow)

        let exception = Fixture.peerAuthentication("api-open", in: "shop", spec: """
            selector:
              matchLabels:
                app: api
            mtls:
              mode: STRICT
            portLevelMtls:
              8080:
                mode: PERMISSIVE
            """)
        let open = try evaluate(directShop(strict, exception), AccessRequest(caller: .anonymous, destination: service("shop", "api", port: 80)))
        #expect(open.decision == .allow)
        #expect(open.hasStep("sets port 8080 to PERMISSIVE", .info))
    }

    /// An anonymous client has no identity: `principals` fail, `notPrincipals` pass (ztunnel's rbac).
    @Test func anonymousCallersPassNotPrincipalsAndFailPrincipals() throws {
        let denyOthers = Fixture.authorizationPolicy("deny-others", in: "shop", spec: """
            selector:
              matchLabels:
                app: api
            action: DENY
            rules:
              - from:
                  - source:
                      notPrincipals: ["cluster.local/ns/shop/sa/web"]
            """)
        let denied = try evaluate(directShop(denyOthers), AccessRequest(caller: .anonymous, destination: service("shop", "api", port: 80)))
        #expect(denied.decision == .deny)
        #expect(denied.hasStep("no source identity: a plaintext connection", .info))

        let allowAny = Fixture.authorizationPolicy("allow-mesh", in: "shop", spec: """
            selector:
              matchLabels:
                app: api
            rules:
              - from:
                  - source:
                      principals: ["*"]
            """)
        let notAdmitted = try evaluate(directShop(allowAny), AccessRequest(caller: .anonymous, destination: service("shop", "api", port: 80)))
        #expect(notAdmitted.decision == .deny)
        #expect(notAdmitted.hasStep("does not match no peer identity (plaintext)", .notMatched))
    }

    /// A namespace-wide `spec: {}` denies everything no other ALLOW admits; `source.namespace` and
    /// `destination.port` conditions are L4 and work at ztunnel.
    @Test func defaultDenyAndL4Conditions() throws {
        let defaultDeny = Fixture.authorizationPolicy("default-deny", in: "shop", spec: "{}")
        let byNamespace = Fixture.authorizationPolicy("same-namespace", in: "shop", spec: """
            rules:
              - when:
                  - key: source.namespace
                    values: ["shop"]
                  - key: destination.port
                    notValues: ["9090"]
            """)
        let denied = try evaluate(directShop(defaultDeny), AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80)))
        #expect(denied.decision == .deny)
        #expect(denied.hasStep("ALLOW shop/default-deny has no rules: it allows nothing", .notMatched))

        let allowed = try evaluate(directShop(defaultDeny, byNamespace), AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80)))
        #expect(allowed.decision == .allow)
        let other = try evaluate(directShop(defaultDeny, byNamespace), AccessRequest(caller: identity("other/web"), destination: service("shop", "api", port: 80)))
        #expect(other.decision == .deny)
        #expect(other.hasStep("when source.namespace [shop] does not match namespace other", .notMatched))
    }

    /// Unknown source IPs: positive `ipBlocks` are assumed not to match, and the decision says it is uncertain.
    @Test func unknownSourceIPsAreAssumptions() throws {
        let index = directShop(Fixture.authorizationPolicy("office", in: "shop", spec: """
            selector:
              matchLabels:
                app: api
            rules:
              - from:
                  - source:
                      ipBlocks: ["10.0.0.0/8"]
            """))
        let result = try evaluate(index, AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80)))
        #expect(result.decision == .deny)
        #expect(result.isUncertain)
        #expect(result.hasStep("the source IP is not in the manifests", .assumption))
    }
}

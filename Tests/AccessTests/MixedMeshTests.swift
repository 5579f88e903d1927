import Testing
@testable import Access
import YAMLModel

/// A mesh mid-migration: sidecar and ambient pods side by side, each enforcement point evaluated as
/// istiod programs it (issue 21, divergences 3, 4, 5, 8 and 10).
@Suite("Sidecars and ambient side by side")
struct MixedMeshTests {
    static let issuer = "https://login.microsoftonline.com/tenant/v2.0"

    /// A sidecar namespace `ledger`: Deployment and Service `ledger`, an L7 ALLOW by selector for
    /// POST /ledger/v1/debit from `payments/accounts`, and `extra` documents.
    static func sidecarLedger(_ extra: String...) -> [String] {
        [
            Fixture.namespace("ledger", ambient: false, labels: ["istio-injection": "enabled"]),
            Fixture.deployment("ledger", in: "ledger"),
            Fixture.service("ledger", in: "ledger", port: 8080),
            Fixture.authorizationPolicy("debit-only", in: "ledger", spec: """
                selector:
                  matchLabels:
                    app: ledger
                action: ALLOW
                rules:
                  - from:
                      - source:
                          principals: ["cluster.local/ns/payments/sa/accounts"]
                    to:
                      - operation:
                          methods: ["POST"]
                          paths: ["/ledger/v1/debit"]
                """),
        ] + extra
    }

    static let ambientPayments = [
        Fixture.namespace("payments"),
        Fixture.deployment("accounts", in: "payments", account: "accounts"),
    ]

    private func ledger(_ index: MeshIndex, method: String = "POST", path: String = "/ledger/v1/debit", token: JWTClaims? = nil) throws -> AccessResult {
        try evaluate(index, AccessRequest(
            caller: identity("payments/accounts"), destination: service("ledger", "ledger", port: 8080),
            method: method, path: path, token: token))
    }

    // MARK: Divergence 3: a sidecar destination enforces its own policies, L7 included

    /// Source: istio/istio `pilot/pkg/model/policyattachment.go` `ShouldAttachPolicy` (selector,
    /// namespace-wide and root policies bind a sidecar).
    @Test func aSidecarDestinationEnforcesItsSelectorPolicyWithHTTPAttributes() throws {
        let index = meshIndex(Self.sidecarLedger() + Self.ambientPayments)
        let allowed = try ledger(index)
        #expect(allowed.decision == .allow)
        #expect(!allowed.isUncertain)
        #expect(allowed.trace.hops.map(\.place) == [.sidecar(workload: ObjectKey(namespace: "ledger", name: "ledger"), namespace: "ledger")])
        #expect(allowed.hasStep("run a sidecar (namespace ledger injects sidecars)", .info))
        #expect(allowed.hasStep("ALLOW ledger/debit-only: rule 0 matches", .matched))

        let refused = try ledger(index, method: "GET")
        #expect(refused.decision == .deny)
        #expect(refused.hasStep("methods [POST] does not match method GET", .notMatched))
        #expect(refused.hasStep("the sidecar answers 403", .denied))
    }

    /// A `selector: {}` binds every sidecar pod (`labels.Instance.SubsetOf` of an empty set), and a
    /// policy with targetRefs binds no sidecar.
    @Test func anEmptySelectorBindsEverySidecarAndTargetRefsBindNone() throws {
        let index = meshIndex(Self.sidecarLedger(
            Fixture.authorizationPolicy("deny-debit", in: "ledger", spec: """
                selector: {}
                action: DENY
                rules:
                  - to:
                      - operation:
                          paths: ["/ledger/v1/debit"]
                """),
            Fixture.authorizationPolicy("waypoint-only", in: "ledger", spec: """
                \(Fixture.targetingService("ledger"))
                action: DENY
                rules:
                  - {}
                """)) + Self.ambientPayments)
        let result = try ledger(index)
        #expect(result.decision == .deny)
        #expect(result.hasStep("DENY ledger/deny-debit: rule 0 matches", .matched))
        #expect(!result.hasStep("waypoint-only"))
    }

    /// A RequestAuthentication by selector validates tokens at the sidecar: a wrong audience is 403.
    @Test func aSidecarValidatesTokensItsRequestAuthenticationSelects() throws {
        let index = meshIndex(Self.sidecarLedger(Fixture.requestAuthentication("ledger-jwt", in: "ledger", spec: """
            selector:
              matchLabels:
                app: ledger
            jwtRules:
              - issuer: \(Self.issuer)
                audiences: ["api://ledger"]
            """)) + Self.ambientPayments)
        let wrongAudience: JWTClaims = ["iss": .string(Self.issuer), "aud": "api://other", "sub": "svc"]
        let result = try ledger(index, token: wrongAudience)
        #expect(result.decision == .forbidden)
        #expect(result.hasStep("is not among the audiences [api://ledger]", .forbidden))
    }

    /// Plaintext into a sidecar under STRICT is refused by the sidecar.
    @Test func aSidecarRefusesPlaintextUnderStrict() throws {
        let index = meshIndex(Self.sidecarLedger(Fixture.peerAuthentication("strict", in: "ledger", spec: "mtls: {mode: STRICT}")))
        let result = try evaluate(index, AccessRequest(caller: .anonymous, destination: service("ledger", "ledger", port: 8080)))
        #expect(result.decision == .refused)
        #expect(result.hasStep("the sidecar refuses the plaintext connection", .refused))
    }

    // MARK: Divergence 4: sidecar callers skip the destination's waypoint

    /// Source: istio/istio `pilot/pkg/xds/endpoints/endpoint_builder.go` `findServiceWaypoint`: only
    /// ingress and east-west gateways are sent to a Service's waypoint.
    @Test func aSidecarCallerSkipsTheWaypointAndItsL7Policy() throws {
        let index = meshIndex(
            Fixture.namespace("ledger", labels: ["istio.io/use-waypoint": "waypoint"]),
            Fixture.waypoint("waypoint", in: "ledger"),
            Fixture.deployment("ledger", in: "ledger"),
            Fixture.service("ledger", in: "ledger", port: 8080),
            Fixture.authorizationPolicy("debit-at-waypoint", in: "ledger", spec: """
                \(Fixture.targetingService("ledger"))
                action: DENY
                rules:
                  - to:
                      - operation:
                          methods: ["DELETE"]
                """),
            Fixture.namespace("legacy", ambient: false, labels: ["istio-injection": "enabled"]),
            Fixture.deployment("batch", in: "legacy", account: "batch"),
            Fixture.namespace("payments"),
            Fixture.deployment("accounts", in: "payments", account: "accounts"))
        let request = { (caller: String) in
            AccessRequest(caller: identity(caller), destination: service("ledger", "ledger", port: 8080), method: "DELETE", path: "/ledger/v1/debit")
        }
        let ambient = try evaluate(index, request("payments/accounts"))
        #expect(ambient.decision == .deny)
        #expect(ambient.trace.hops.first?.place == .waypoint(ObjectKey(namespace: "ledger", name: "waypoint")))

        let sidecar = try evaluate(index, request("legacy/batch"))
        #expect(sidecar.decision == .allow)
        #expect(sidecar.trace.hops.map(\.place) == [.ztunnel(workload: ObjectKey(namespace: "ledger", name: "ledger"), namespace: "ledger")])
        #expect(sidecar.hasStep("the caller's pods run a sidecar, which sends Service traffic straight to the pods", .info))
        #expect(sidecar.hasStep("source identity: the caller's, cluster.local/ns/legacy/sa/batch", .info))
    }

    // MARK: Divergence 5: a TCP port behind a waypoint

    /// Source: istio/istio `pilot/pkg/security/authz/model/model.go` `rule.checkError` and
    /// `builder.go` `build` ("skipped rule on TCP filter chain"); istio.io "Authorization for TCP traffic".
    @Test func aTCPPortDropsHTTPOnlyAttributes() throws {
        func index(port name: String, _ policy: String) -> MeshIndex {
            meshIndex(
                Fixture.namespace("db", labels: ["istio.io/use-waypoint": "waypoint"]),
                Fixture.waypoint("waypoint", in: "db"),
                Fixture.deployment("store", in: "db"),
                """
                apiVersion: v1
                kind: Service
                metadata: {name: store, namespace: db}
                spec:
                  selector: {app: store}
                  ports: [{name: \(name), port: 5432, targetPort: 8080}]
                """,
                Fixture.authorizationPolicy("policy", in: "db", spec: """
                    \(Fixture.targetingService("store"))
                    \(policy)
                    """),
                Fixture.namespace("app"),
                Fixture.deployment("client", in: "app", account: "client"))
        }
        let denyMethods = """
            action: DENY
            rules:
              - to:
                  - operation:
                      methods: ["DELETE"]
            """
        let request = AccessRequest(caller: identity("app/client"), destination: service("db", "store", port: 5432), method: "GET", path: "/")

        // On the TCP chain the DENY loses `methods` and denies every connection.
        let tcpDeny = try evaluate(index(port: "tcp-postgres", denyMethods), request)
        #expect(tcpDeny.decision == .deny)
        #expect(tcpDeny.hasStep("port 5432 declares tcp: the waypoint takes it on its TCP filter chain", .info))
        #expect(tcpDeny.hasStep("rule 0 matches on the TCP filter chain, which drops its HTTP-only [methods]: the DENY is broader than written", .matched))
        #expect(tcpDeny.hasStep("the waypoint closes the connection", .denied))

        // A sniffed (unnamed-protocol) port keeps HTTP semantics: GET is not DELETE.
        let sniffed = try evaluate(index(port: "postgres", denyMethods), request)
        #expect(sniffed.decision == .allow)

        // An ALLOW rule with only HTTP attributes is left out: it matches nothing.
        let allowMethods = """
            action: ALLOW
            rules:
              - to:
                  - operation:
                      methods: ["GET"]
            """
        let tcpAllow = try evaluate(index(port: "tcp-postgres", allowMethods), request)
        #expect(tcpAllow.decision == .deny)
        #expect(tcpAllow.hasStep("on the TCP filter chain istiod leaves this ALLOW rule out, so it never matches", .notMatched))
        let httpAllow = try evaluate(index(port: "http-api", allowMethods), request)
        #expect(httpAllow.decision == .allow)
    }

    // MARK: Divergence 8: policies at the ingress gateway's own proxy

    static let edge = [
        Fixture.namespace("edge"),
        Fixture.ingressGateway("public", in: "edge"),
        Fixture.namespace("shop"),
        Fixture.deployment("api", in: "shop"),
        Fixture.service("api", in: "shop"),
    ]

    /// Source: `policyattachment.go` `ShouldAttachPolicy`: targetRefs to the Gateway from its own
    /// namespace, selectors on its pods' `gateway.networking.k8s.io/gateway-name` label.
    @Test func policiesTargetingTheGatewayAreEvaluatedFirst() throws {
        let byTarget = Fixture.authorizationPolicy("no-admin", in: "edge", spec: """
            targetRefs:
              - kind: Gateway
                group: gateway.networking.k8s.io
                name: public
            action: DENY
            rules:
              - to:
                  - operation:
                      paths: ["/admin/*"]
            """)
        let bySelector = Fixture.authorizationPolicy("no-admin", in: "edge", spec: """
            selector:
              matchLabels:
                gateway.networking.k8s.io/gateway-name: public
            action: DENY
            rules:
              - to:
                  - operation:
                      paths: ["/admin/*"]
            """)
        for policy in [byTarget, bySelector] {
            let index = meshIndex(Self.edge + [policy])
            let admin = try evaluate(index, AccessRequest(
                caller: .ingress(ObjectKey(namespace: "edge", name: "public")), destination: service("shop", "api", port: 80),
                method: "GET", path: "/admin/keys"))
            #expect(admin.decision == .deny)
            #expect(admin.trace.hops.map(\.place) == [.gateway(ObjectKey(namespace: "edge", name: "public"))])
            #expect(admin.hasStep("DENY edge/no-admin: rule 0 matches", .matched))
            #expect(admin.hasStep("the gateway answers 403", .denied))

            let shop = try evaluate(index, AccessRequest(
                caller: .ingress(ObjectKey(namespace: "edge", name: "public")), destination: service("shop", "api", port: 80),
                method: "GET", path: "/items"))
            #expect(shop.decision == .allow)
            #expect(shop.trace.hops.count == 2)
        }

        // A targetRef from another namespace does not bind the gateway.
        let elsewhere = byTarget.replacingOccurrences(of: "namespace: edge", with: "namespace: shop")
        let index = meshIndex(Self.edge + [elsewhere])
        let admin = try evaluate(index, AccessRequest(
            caller: .ingress(ObjectKey(namespace: "edge", name: "public")), destination: service("shop", "api", port: 80),
            method: "GET", path: "/admin/keys"))
        #expect(admin.decision == .allow)
    }

    /// A token the gateway validates is removed unless its jwtRule sets `forwardOriginalToken`
    /// (istio/istio `pilot/pkg/security/authn/policy_applier.go`: Envoy's `forward`).
    @Test func aTokenValidatedAtTheGatewayIsNotForwardedByDefault() throws {
        func index(forward: Bool) -> MeshIndex {
            meshIndex(Self.edge.filter { !$0.contains("name: shop\n") } + [
                Fixture.requestAuthentication("edge-jwt", in: "edge", spec: """
                    targetRefs:
                      - kind: Gateway
                        group: gateway.networking.k8s.io
                        name: public
                    jwtRules:
                      - issuer: \(Self.issuer)
                        forwardOriginalToken: \(forward)
                    """),
                Fixture.namespace("shop", labels: ["istio.io/use-waypoint": "waypoint", "istio.io/ingress-use-waypoint": "true"]),
                Fixture.waypoint("waypoint", in: "shop"),
                Fixture.requestAuthentication("shop-jwt", in: "shop", spec: """
                    \(Fixture.targetingService("api"))
                    jwtRules:
                      - issuer: \(Self.issuer)
                    """),
                Fixture.authorizationPolicy("need-token", in: "shop", spec: """
                    \(Fixture.targetingService("api"))
                    action: ALLOW
                    rules:
                      - from:
                          - source:
                              requestPrincipals: ["*"]
                    """),
            ])
        }
        let token: JWTClaims = ["iss": .string(Self.issuer), "aud": "api://shop", "sub": "user"]
        let request = AccessRequest(
            caller: .ingress(ObjectKey(namespace: "edge", name: "public")), destination: service("shop", "api", port: 80),
            method: "GET", path: "/items", token: token)
        let stripped = try evaluate(index(forward: false), request)
        #expect(stripped.decision == .deny)
        #expect(stripped.hasStep("Envoy removes the validated token, so the next proxy sees none", .info))
        let forwarded = try evaluate(index(forward: true), request)
        #expect(forwarded.decision == .allow)
    }

    // MARK: Divergence 10: behaviour by the declared Istio version

    static func istiod(_ version: String) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: istiod, namespace: argocd}
        spec:
          source:
            repoURL: https://istio-release.storage.googleapis.com/charts
            chart: istiod
            targetRevision: "\(version)"
          destination: {namespace: istio-system}
        """
    }

    /// istiod before 1.25.2 sends dry-run policies to ztunnel as real ones (istio/istio commit
    /// 649cf33, `ambient/policies.go`, backported to 1.25.2).
    @Test func ztunnelEnforcesDryRunPoliciesBefore1_25_2() throws {
        func result(_ version: String?) throws -> AccessResult {
            let index = meshIndex(([
                Fixture.namespace("shop"),
                Fixture.deployment("api", in: "shop"),
                Fixture.service("api", in: "shop"),
                Fixture.authorizationPolicy("deny-all", in: "shop", annotations: ["istio.io/dry-run": "true"], spec: """
                    action: DENY
                    rules:
                      - {}
                    """),
            ] + (version.map { [Self.istiod($0)] } ?? [])).joined(separator: "\n---\n"))
            return try evaluate(index, AccessRequest(caller: identity("shop/web"), destination: service("shop", "api", port: 80)))
        }
        let old = try result("1.24.3")
        #expect(old.decision == .deny)
        #expect(old.hasStep("is marked dry run, but istiod 1.24.3 sends it to ztunnel as a real policy", .info))
        #expect(try result("1.26.1").decision == .allow)
        #expect(try result(nil).decision == .allow)
        let line = try result("1.25.x")
        #expect(line.decision == .allow)
        #expect(line.isUncertain)
    }

    /// `istio.io/ingress-use-waypoint` on a Namespace is read from 1.25.0 on.
    @Test func namespaceIngressUseWaypointNeedsIstio1_25() throws {
        func result(_ version: String) throws -> AccessResult {
            let index = meshIndex(
                Fixture.namespace("edge"), Fixture.ingressGateway("public", in: "edge"),
                Fixture.namespace("shop", labels: ["istio.io/use-waypoint": "waypoint", "istio.io/ingress-use-waypoint": "true"]),
                Fixture.waypoint("waypoint", in: "shop"),
                Fixture.deployment("api", in: "shop"), Fixture.service("api", in: "shop"), Self.istiod(version))
            return try evaluate(index, AccessRequest(caller: .ingress(ObjectKey(namespace: "edge", name: "public")), destination: service("shop", "api", port: 80)))
        }
        let old = try result("1.24.2")
        #expect(!old.trace.hops.contains { $0.place == .waypoint(ObjectKey(namespace: "shop", name: "waypoint")) })
        #expect(old.hasStep("which Istio 1.24 does not read", .info))
        let new = try result("1.25.0")
        #expect(new.trace.hops.contains { $0.place == .waypoint(ObjectKey(namespace: "shop", name: "waypoint")) })
    }
}

private func meshIndex(_ documents: [String]) -> MeshIndex {
    meshIndex(documents.joined(separator: "\n---\n"))
}

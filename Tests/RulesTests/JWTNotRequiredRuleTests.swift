import Rules
import Testing
import YAMLModel

@Suite("jwt-not-required")
struct JWTNotRequiredRuleTests {
    static let id = "jwt-not-required"
    static func input(_ rootNamespace: String = "istio-system") -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: waypoint, namespace: shop}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: waypoint, namespace: billing}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: cart
          namespace: shop
          labels: {istio.io/use-waypoint: waypoint}
        spec: {selector: {app: cart}}
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: billing-require-jwt, namespace: billing}
        spec:
          targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
          action: DENY
          rules: [{from: [{source: {notRequestPrincipals: ["*"]}}]}]
        ---
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: mesh-jwt, namespace: \(rootNamespace)}
        spec:
          targetRefs: [{kind: GatewayClass, group: gateway.networking.k8s.io, name: istio-waypoint}]
          jwtRules: [{issuer: "https://issuer.example.com"}]
        """
    }

    @Test func oneFindingPerTargetNamingOnlyTheOpenWaypoints() throws {
        let (found, _, _) = findings(of: Self.id, in: Example(Self.input()))
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.severity == .error)
        #expect(finding.message.contains("requests without a token are accepted as anonymous"))
        #expect(finding.message.contains("Gateway shop/waypoint"))
        #expect(!finding.message.contains("Gateway billing/waypoint"))
        #expect(finding.message.contains("for Service shop/cart"))
        #expect(finding.related.map(\.resource?.display) == ["Gateway shop/waypoint", "Service shop/cart"])
    }

    @Test func theFixSilencesTheRule() throws {
        let (found, _, _) = findings(of: Self.id, in: Example(Self.input()))
        let fix = remediationManifest(in: try #require(found.first).remediation)
        #expect(fix.contains("namespace: istio-system"))
        #expect(fix.contains("kind: GatewayClass"))
        let (after, _, problems) = findings(of: Self.id, in: Example(Self.input() + "\n---\n" + fix))
        #expect(problems.isEmpty)
        #expect(after.isEmpty)
    }

    @Test func aServiceScopedFixSilencesTheRule() throws {
        let yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: waypoint, namespace: shop}
            spec: {gatewayClassName: istio-waypoint}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: cart, namespace: shop, labels: {istio.io/use-waypoint: waypoint}}
            ---
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: cart-jwt, namespace: shop}
            spec:
              targetRef: {kind: Service, group: core, name: cart}
              jwtRules: [{issuer: "https://issuer.example.com"}]
            """
        let (found, _, _) = findings(of: Self.id, in: Example(yaml))
        let fix = remediationManifest(in: try #require(found.first).remediation)
        #expect(fix.contains("kind: Service\n    group: \"\"\n    name: cart"))
        let (after, _, problems) = findings(of: Self.id, in: Example(yaml + "\n---\n" + fix))
        #expect(problems.isEmpty)
        #expect(after.isEmpty)
    }
}

import Rules
import Testing
import YAMLModel

@Suite("request-authentication-without-waypoint")
struct RequestAuthenticationWithoutWaypointRuleTests {
    static let id = "request-authentication-without-waypoint"
    static let mesh = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: shop-waypoint, namespace: shop}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: cart, namespace: shop, labels: {istio.io/use-waypoint: shop-waypoint}}
        spec: {selector: {app: cart}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: cart, namespace: shop}
        spec:
          selector: {matchLabels: {app: cart}}
          template:
            metadata: {labels: {app: cart}}
            spec: {containers: [{name: cart, image: cart:1}]}
        ---

        """
    static let selectorPolicy = """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: cart-jwt, namespace: shop}
        spec:
          selector: {matchLabels: {app: cart}}
          jwtRules: [{issuer: "https://issuer.example.com", audiences: [cart]}]
        """

    @Test func aSelectorPolicyIsMovedToTheBoundServiceInFrontOfItsPods() throws {
        let (found, _, _) = findings(of: Self.id, in: Example(Self.mesh + Self.selectorPolicy))
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.message.contains("it validates nothing"))
        #expect(finding.message.contains("Deployment shop/cart"))
        #expect(finding.related.map(\.resource?.display)
                == ["Namespace shop", "Deployment shop/cart", "Gateway shop/shop-waypoint"])
        let fix = remediationManifest(in: finding.remediation)
        #expect(fix.contains("kind: Service\n    group: \"\"\n    name: cart"))
        // Replacing the policy with the fix leaves nothing for this rule, nor for the waypoint rule.
        let (after, _, problems) = findings(of: Self.id, in: Example(Self.mesh + fix))
        #expect(problems.isEmpty)
        #expect(after.isEmpty)
        #expect(findings(of: "waypoint-without-request-authentication", in: Example(Self.mesh + fix)).findings.isEmpty)
    }

    @Test func anUnboundServiceNamesTheWaypointToUse() throws {
        let yaml = Self.mesh + """
            apiVersion: v1
            kind: Service
            metadata: {name: orders, namespace: shop}
            ---
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: orders-jwt, namespace: shop}
            spec:
              targetRefs: [{kind: Service, group: "", name: orders}]
              jwtRules: [{issuer: "https://issuer.example.com"}]
            """
        let (found, _, _) = findings(of: Self.id, in: Example(yaml))
        let finding = try #require(found.first)
        #expect(finding.message.contains("targets Service shop/orders, which has no waypoint"))
        #expect(finding.remediation.contains("istio.io/use-waypoint: shop-waypoint"))
        #expect(finding.remediation.contains("kubectl label service orders -n shop istio.io/use-waypoint=shop-waypoint"))
        #expect(!finding.remediation.contains("not in the input"))
        // Labelling the Service as the fix says binds it to the waypoint.
        let labelled = yaml.replacing(
            "metadata: {name: orders, namespace: shop}",
            with: "metadata: {name: orders, namespace: shop, labels: {istio.io/use-waypoint: shop-waypoint}}")
        #expect(findings(of: Self.id, in: Example(labelled)).findings.isEmpty)
    }

    @Test func aNamespaceLabelThatOptsOutIsPointedAt() throws {
        let yaml = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: none}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: orders, namespace: shop}
            ---
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: orders-jwt, namespace: shop}
            spec:
              targetRefs: [{kind: Service, group: "", name: orders}]
            """
        let (found, _, _) = findings(of: Self.id, in: Example(yaml))
        let finding = try #require(found.first)
        #expect(finding.message.contains("Namespace shop's label istio.io/use-waypoint: none opts it out"))
        #expect(finding.related.map(\.span.start) == [Mark(line: 9, column: 18), Mark(line: 5, column: 46)])
        #expect(finding.remediation.contains("not in the input: deploy it"))
    }
}

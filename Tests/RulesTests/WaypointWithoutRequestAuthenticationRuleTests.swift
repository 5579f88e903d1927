import Rules
import Testing
import YAMLModel

/// The YAML part of a finding's remediation: everything from its first `apiVersion:` line.
func remediationManifest(in remediation: String) -> String {
    guard let start = remediation.firstRange(of: "apiVersion:") else { return "" }
    return String(remediation[start.lowerBound...])
}

@Suite("waypoint-without-request-authentication")
struct WaypointWithoutRequestAuthenticationRuleTests {
    static let id = "waypoint-without-request-authentication"
    static let input = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: edge-waypoint, namespace: shop}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: cart
          namespace: shop
          labels: {istio.io/use-waypoint: edge-waypoint}
        spec: {selector: {app: cart}, ports: [{port: 8080}]}
        ---
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: cart-jwt, namespace: shop}
        spec:
          selector: {matchLabels: {app: cart}}
          jwtRules:
          - issuer: "https://issuer.example.com"
            audiences: [cart]
            forwardOriginalToken: true
        """

    @Test func namesTheIgnoredPolicyAndTheBoundService() throws {
        let (found, _, _) = findings(of: Self.id, in: Example(Self.input))
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.severity == .warning)
        #expect(finding.resource?.display == "Gateway shop/edge-waypoint")
        #expect(finding.message.contains("Service shop/cart"))
        #expect(finding.message.contains("RequestAuthentication shop/cart-jwt does not count: it uses a selector"))
        #expect(finding.related.map(\.resource?.display) == ["Service shop/cart", "RequestAuthentication shop/cart-jwt"])
        // The Service's own label, then the ignored policy's selector.
        #expect(finding.related.map(\.span.start) == [Mark(line: 13, column: 12), Mark(line: 20, column: 3)])
    }

    @Test func theFixKeepsTheJWTRulesAndSilencesTheRule() throws {
        let (found, _, _) = findings(of: Self.id, in: Example(Self.input))
        let fix = try #require(found.first).remediation
        #expect(fix.contains("name: cart-jwt\n  namespace: shop"))
        #expect(fix.contains("name: edge-waypoint"))
        #expect(fix.contains("audiences: [cart]"))
        #expect(fix.contains("# and keep: forwardOriginalToken"))
        // The original with its selector replaced by the fix: the waypoint now validates tokens.
        let fixed = String(Self.input[..<Self.input.firstRange(of: "apiVersion: security.istio.io/v1")!.lowerBound]) + remediationManifest(in: fix)
        let (after, _, problems) = findings(of: Self.id, in: Example(fixed))
        #expect(problems.isEmpty)
        #expect(after.isEmpty)
    }

    @Test func listsAtMostThreeBoundResources() throws {
        let services = (1...5).map { number in
            """
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: svc\(number)
              namespace: shop
              labels: {istio.io/use-waypoint: edge-waypoint}
            spec: {selector: {app: svc\(number)}}

            """
        }.joined()
        let yaml = String(Self.input[..<Self.input.firstRange(of: "---\napiVersion: security")!.lowerBound]) + "\n" + services
        let (found, _, _) = findings(of: Self.id, in: Example(yaml, configuration: "identity: {requireJWT: true}\n"))
        let finding = try #require(found.first)
        #expect(finding.related.count == 3)
        #expect(finding.message.contains("and 3 more"))
    }
}

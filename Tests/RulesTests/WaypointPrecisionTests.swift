import Rules
import Testing
import YAMLModel

/// Waypoints as real repositories have them: other implementations' classes, waypoints nothing
/// binds yet, and meshes that carry no JWTs (issue 18, causes 4, 5 and 13).
@Suite("waypoint precision")
struct WaypointPrecisionTests {
    /// An agentgateway-style egress waypoint: its own class, declared a waypoint on the GatewayClass.
    static let thirdPartyWaypoint = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: enterprise-agentgateway-waypoint
          annotations: {ambient.istio.io/waypoint-inbound-binding: PROXY/15088}
        spec: {controllerName: solo.io/enterprise-agentgateway}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: egress-gateway, namespace: common-infrastructure}
        spec:
          gatewayClassName: enterprise-agentgateway-waypoint
          listeners: [{name: proxy, port: 15088, protocol: istio.io/PROXY}]
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: httpbin
          namespace: common-infrastructure
          labels: {istio.io/use-waypoint: egress-gateway}
        spec:
          hosts: [httpbin.org]
          ports: [{number: 443, name: https, protocol: TLS}]
          resolution: DNS
        """

    @Test func aGatewayOfAnotherDeclaredClassIsAWaypoint() throws {
        let file = ManifestLoader.load(path: "egress.yaml", bytes: Array(Self.thirdPartyWaypoint.utf8))
        let index = MeshIndex(resources: file.resources)
        let entry = try #require(index.serviceEntries.first)
        let waypoint = try #require(index.binding(of: entry.resource).waypoint)
        #expect(waypoint.name == "egress-gateway")
        #expect(!waypoint.isDeployedByIstio)
        for rule in ["unknown-waypoint", "waypoint-listener-invalid", "singleton-waypoint"] {
            #expect(findings(of: rule, in: Example(Self.thirdPartyWaypoint)).findings.isEmpty, "\(rule)")
        }
    }

    @Test func aGatewayOfAnUnknownClassIsBoundWithANote() throws {
        let yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: edge, namespace: payments}
            spec:
              gatewayClassName: acme-mesh-proxy
              listeners: [{name: http, port: 80, protocol: HTTP}]
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: ledger
              namespace: payments
              labels: {istio.io/use-waypoint: edge}
            spec: {selector: {app: ledger}, ports: [{port: 8080}]}
            """
        let found = findings(of: "unknown-waypoint", in: Example(yaml)).findings
        #expect(found.map(\.severity) == [.note])
        #expect(found.first?.message.contains("istiod takes any Gateway as a waypoint") == true)
        let index = MeshIndex(resources: ManifestLoader.load(path: "x.yaml", bytes: Array(yaml.utf8)).resources)
        let service = try #require(index.services.first)
        #expect(index.binding(of: service.resource).waypoint?.name == "edge")
    }

    /// A waypoint bound to a Service, in a mesh whose input shows no JWT use.
    static func waypointServing(portName: String) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: waypoint, namespace: shop}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: db
          namespace: shop
          labels: {istio.io/use-waypoint: waypoint}
        spec: {selector: {app: db}, ports: [{name: \(portName), port: 5432}]}

        """
    }

    static let requestAuthentication = """
        ---
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: jwt, namespace: istio-system}
        spec:
          jwtRules: [{issuer: "https://issuer.example", audiences: [shop]}]
        """

    @Test func withoutJWTIntentNoWarning() {
        let rule = "waypoint-without-request-authentication"
        #expect(findings(of: rule, in: Example(Self.waypointServing(portName: "tcp-postgres"))).findings.isEmpty)
        let http = findings(of: rule, in: Example(Self.waypointServing(portName: "http"))).findings
        #expect(http.map(\.severity) == [.note])
        #expect(http.first?.message.contains("nothing in the input uses JWTs") == true)
    }

    @Test func jwtIntentOrConfigurationMakesItAWarning() {
        let rule = "waypoint-without-request-authentication"
        let intent = findings(of: rule, in: Example(Self.waypointServing(portName: "grpc") + Self.requestAuthentication))
        #expect(intent.findings.map(\.severity) == [.warning])
        #expect(intent.findings.first?.related.contains { $0.message.contains("the mesh uses JWTs") } == true)
        let principals = Self.waypointServing(portName: "web") + """
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: users, namespace: shop}
            spec:
              rules: [{when: [{key: "request.auth.claims[groups]", values: [admins]}]}]
            """
        #expect(findings(of: rule, in: Example(principals)).findings.map(\.severity) == [.warning])
        let required = Example(Self.waypointServing(portName: "web"), configuration: "identity: {requireJWT: true}\n")
        #expect(findings(of: rule, in: required).findings.map(\.severity) == [.warning])
        let tcpRequired = Example(Self.waypointServing(portName: "tcp"), configuration: "identity: {requireJWT: true}\n")
        #expect(findings(of: rule, in: tcpRequired).findings.isEmpty)
    }

    @Test func aWaypointNothingBindsIsANoteForSingleton() throws {
        let yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: waypoint, namespace: woof}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            """
        let found = findings(of: "singleton-waypoint", in: Example(yaml)).findings
        #expect(found.map(\.severity) == [.note])
        #expect(found.first?.message.contains("nothing in the input binds") == true)
        let bound = yaml + """

            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: woof, labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}}
            """
        let boundFound = findings(of: "singleton-waypoint", in: Example(bound)).findings
        #expect(boundFound.map(\.severity) == [.warning])
        #expect(boundFound.first?.message.contains("services of namespace woof") == true)
    }
}

import MeshLintConfig
import Rules
import Testing
import YAMLModel

/// The namespace checks run for every namespace whose pods are in ambient, however the input says
/// so, and a namespace they could not judge is a note (issue 18, cause 2).
@Suite("namespace checks")
struct NamespaceChecksTests {
    static let workload = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: cart, namespace: shop}
        spec:
          template:
            metadata: {labels: {app: cart}}
        """

    static let assumeAmbient = """
        assume:
          namespaces:
            shop:
              labels: {istio.io/dataplane-mode: ambient}
        """

    @Test func withoutLabelsTheChecksDoNotRunAndANoteSaysSo() throws {
        for rule in ["ambient-namespace-without-default-deny", "peer-authentication-not-strict"] {
            #expect(findings(of: rule, in: Example(Self.workload)).findings.isEmpty)
        }
        let note = try #require(findings(of: "namespace-not-in-input", in: Example(Self.workload)).findings.first)
        #expect(note.severity == .note)
        #expect(note.message.contains("ambient-namespace-without-default-deny and peer-authentication-not-strict did not run"))
        #expect(note.span.start == Mark(line: 3, column: 24))
    }

    @Test func anAssumedNamespaceGetsTheChecksAtItsFirstResource() throws {
        let example = Example(Self.workload, configuration: Self.assumeAmbient)
        let deny = try #require(findings(of: "ambient-namespace-without-default-deny", in: example).findings.first)
        #expect(deny.message.hasPrefix("Namespace shop is in ambient (assumed in .meshlint.yaml) but has no default-deny"))
        #expect(deny.file == "example.yaml")
        #expect(deny.span.start == Mark(line: 3, column: 24))
        #expect(findings(of: "peer-authentication-not-strict", in: example).findings.count == 1)
        #expect(findings(of: "namespace-not-in-input", in: example).findings.isEmpty)
    }

    @Test func podsEnrolledOneByOneGetTheChecks() throws {
        let yaml = Self.workload.replacingOccurrences(of: "{app: cart}", with: "{app: cart, istio.io/dataplane-mode: ambient}")
        let deny = try #require(findings(of: "ambient-namespace-without-default-deny", in: Example(yaml)).findings.first)
        #expect(deny.message.hasPrefix("Namespace shop has pods in ambient (Deployment shop/cart enrols its pods one by one)"))
        #expect(deny.span.start.line == 6)
        #expect(findings(of: "namespace-not-in-input", in: Example(yaml)).findings.isEmpty)
    }

    @Test func assumedLabelsLieOverANamespaceObject() throws {
        let yaml = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---

            """ + Self.workload
        #expect(findings(of: "ambient-namespace-without-default-deny", in: Example(yaml)).findings.isEmpty)
        let example = Example(yaml, configuration: Self.assumeAmbient)
        let deny = try #require(findings(of: "ambient-namespace-without-default-deny", in: example).findings.first)
        // Reported on the Namespace object, at its name: the label itself is in the configuration.
        #expect(deny.resource?.display == "Namespace shop")
        #expect(deny.span.start == Mark(line: 3, column: 18))
    }

    static let ambientNamespace = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: mesh-infra, labels: {istio.io/dataplane-mode: ambient}}
        ---

        """

    static let waypoint = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: shared-waypoint, namespace: mesh-infra}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        """

    static let ingressGateway = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: istio-ingressgateway, namespace: mesh-infra}
        spec:
          template:
            metadata:
              labels: {app: istio-ingressgateway, istio: ingressgateway}
              annotations: {inject.istio.io/templates: gateway}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: istio-ingressgateway, namespace: mesh-infra}
        spec:
          type: LoadBalancer
          selector: {istio: ingressgateway}
          ports: [{name: http2, port: 80}]
        """

    @Test(arguments: [waypoint, ingressGateway])
    func aNamespaceOfGatewaysNeedsNoNamespaceChecks(_ gateways: String) {
        for rule in ["ambient-namespace-without-default-deny", "peer-authentication-not-strict"] {
            #expect(findings(of: rule, in: Example(Self.ambientNamespace + gateways)).findings.isEmpty, "\(rule)")
        }
    }

    @Test func aGatewayBesideApplicationPodsDoesNotExemptTheNamespace() {
        let yaml = Self.ambientNamespace + Self.waypoint + """

            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: ledger, namespace: mesh-infra}
            spec:
              template:
                metadata: {labels: {app: ledger}}
            """
        for rule in ["ambient-namespace-without-default-deny", "peer-authentication-not-strict"] {
            #expect(findings(of: rule, in: Example(yaml)).findings.count == 1, "\(rule)")
        }
    }
}

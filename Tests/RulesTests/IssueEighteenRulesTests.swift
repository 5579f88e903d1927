import Rules
import Testing
import YAMLModel

/// False negatives and messages that were wrong in context on real repositories (issue 18,
/// causes 11, 12 and 13).
@Suite("issue 18: rules in context")
struct IssueEighteenRulesTests {
    static let waypointNamespace = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: waypoint, namespace: shop}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: allow-nothing, namespace: shop}
        spec: {}
        ---

        """

    @Test func anAllowThatOnlyExcludesPathsAdmitsEveryoneElsewhere() throws {
        let yaml = Self.waypointNamespace + """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: all-but-admin, namespace: shop}
            spec:
              targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
              rules:
              - to: [{operation: {notPaths: ["/admin*"]}}]
            """
        let finding = try #require(findings(of: "overly-broad-allow", in: Example(yaml)).findings.first)
        #expect(finding.message.contains("its to only excludes (notPaths [/admin*])"))
        // With a caller named, it is not everyone.
        let named = yaml.replacingOccurrences(
            of: "  - to: [{operation: {notPaths: [\"/admin*\"]}}]",
            with: "  - from: [{source: {namespaces: [web]}}]\n    to: [{operation: {notPaths: [\"/admin*\"]}}]")
        #expect(findings(of: "overly-broad-allow", in: Example(named)).findings.isEmpty)
    }

    @Test func aSelectorOnWaypointPodsIsEnforcedNowhere() throws {
        let yaml = Self.waypointNamespace + """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: waypoint-pods, namespace: shop}
            spec:
              selector: {matchLabels: {gateway.networking.k8s.io/gateway-name: waypoint}}
              rules: [{to: [{operation: {methods: [GET]}}]}]
            """
        let found = findings(of: "l7-policy-without-waypoint", in: Example(yaml)).findings
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.message.contains("selects the pods of waypoint shop/waypoint, so it is enforced nowhere"))
        #expect(!finding.message.contains("enforced by ztunnel"))
        #expect(finding.remediation.contains("name: waypoint"))
    }

    @Test func aSelectorMatchingNothingIsANoteUnlessTheInputHoldsTheWhole() throws {
        let yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: cart, namespace: shop}
            spec:
              template:
                metadata: {labels: {app: cart}}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: orders, namespace: shop}
            spec:
              selector: {matchLabels: {app: orders}}
              rules: [{from: [{source: {namespaces: [shop]}}]}]
            """
        #expect(findings(of: "selector-matches-no-workload", in: Example(yaml)).findings.map(\.severity) == [.note])
        let complete = Example(yaml, configuration: "complete: [shop]\n")
        #expect(findings(of: "selector-matches-no-workload", in: complete).findings.map(\.severity) == [.warning])
        // From the root namespace the selector reaches every namespace: only a whole mesh proves it.
        let root = yaml.replacingOccurrences(of: "metadata: {name: orders, namespace: shop}", with: "metadata: {name: orders, namespace: istio-system}")
        let rootNote = try #require(findings(of: "selector-matches-no-workload", in: Example(root)).findings.first)
        #expect(rootNote.severity == .note)
        #expect(rootNote.message.contains("`complete: [\"*\"]`"))
        #expect(findings(of: "selector-matches-no-workload", in: Example(root, configuration: "complete: [\"*\"]\n")).findings.map(\.severity) == [.warning])
    }

    @Test func plainHTTPKeysInsideTheClusterAreAWarningNotAnError() throws {
        func authentication(_ jwks: String) -> String {
            """
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: m2m, namespace: istio-system}
            spec:
              jwtRules:
              - issuer: https://kubernetes.default.svc.cluster.local
                jwksUri: \(jwks)
                audiences: [kubeflow]
            """
        }
        let local = try #require(findings(of: "jwt-issuer-jwks-mismatch", in: Example(authentication("http://jwks-proxy.istio-system.svc.cluster.local/openid/v1/jwks"))).findings.first)
        #expect(local.severity == .warning)
        #expect(local.message.contains("from a Service inside the cluster"))
        let remote = try #require(findings(of: "jwt-issuer-jwks-mismatch", in: Example(authentication("http://auth.example.com/jwks"))).findings.first)
        #expect(remote.severity == .error)
        #expect(remote.message.contains("anyone on the network path"))
    }

    static let operatorTrustDomain = """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        metadata: {name: control-plane, namespace: istio-system}
        spec:
          meshConfig: {trustDomain: corp.example}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: payments}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: ledger, namespace: payments}
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: ledger, namespace: payments}
        spec:
          rules: [{from: [{source: {principals: [corp.example/ns/payments/sa/ledger]}}]}]
        """

    @Test func theTrustDomainTheInputDeclaresIsTheMeshs() throws {
        #expect(findings(of: "unknown-principal", in: Example(Self.operatorTrustDomain)).findings.isEmpty)
        #expect(findings(of: "mesh-settings-conflict", in: Example(Self.operatorTrustDomain)).findings.isEmpty)
        // The configuration wins, and the conflict is reported at the declaration.
        let configured = Example(Self.operatorTrustDomain, configuration: "trustDomain: cluster.local\n")
        #expect(findings(of: "unknown-principal", in: configured).findings.count == 1)
        let conflict = try #require(findings(of: "mesh-settings-conflict", in: configured).findings.first)
        #expect(conflict.message.contains("declares spec.meshConfig.trustDomain: corp.example"))
        #expect(conflict.span.start.line == 5)
    }

    @Test(arguments: [
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: istio, namespace: istio-system}
        data:
          mesh: |-
            rootNamespace: mesh-root
            trustDomain: corp.example
        """,
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: istiod, namespace: argocd}
        spec:
          source:
            chart: istiod
            repoURL: https://istio-release.storage.googleapis.com/charts
            targetRevision: 1.28.0
            helm:
              values: |
                meshConfig:
                  rootNamespace: mesh-root
                  trustDomain: corp.example
        """,
        """
        apiVersion: sailoperator.io/v1
        kind: Istio
        metadata: {name: default}
        spec:
          values:
            meshConfig: {rootNamespace: mesh-root, trustDomain: corp.example}
        """,
    ])
    func meshSettingsAreReadFromEachPlaceIstioTakesThem(_ yaml: String) {
        let index = MeshIndex(resources: ManifestLoader.load(path: "mesh.yaml", bytes: Array(yaml.utf8)).resources)
        #expect(index.trustDomain == "corp.example")
        #expect(index.rootNamespace == "mesh-root")
        let configured = MeshIndex(
            resources: ManifestLoader.load(path: "mesh.yaml", bytes: Array(yaml.utf8)).resources,
            options: MeshIndexOptions(rootNamespace: "istio-system", trustDomain: "cluster.local"))
        #expect(configured.trustDomain == "cluster.local")
        #expect(configured.rootNamespace == "istio-system")
    }
}

/// What a review of the first version found (issue 18).
@Suite("issue 18: review")
struct IssueEighteenReviewTests {
    @Test func siblingsAndShortNamesAreNotTypos() {
        #expect(NameSimilarity.closest(to: "app", among: ["api"]).isEmpty)
        #expect(NameSimilarity.closest(to: "worker-2", among: ["worker-1"]).isEmpty)
        #expect(NameSimilarity.closest(to: "egde", among: ["edge"]) == ["edge"])
        #expect(NameSimilarity.closest(to: "ledgr-api", among: ["ledger-api"]) == ["ledger-api"])
        #expect(NameSimilarity.editDistance("kitten", "sitting", limit: 1) > 1)
    }

    @Test func aNamespaceBoundToItsWaypointStillGetsItsChecks() {
        let yaml = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint}}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: waypoint, namespace: payments}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            """
        #expect(findings(of: "ambient-namespace-without-default-deny", in: Example(yaml)).findings.count == 1)
        #expect(findings(of: "peer-authentication-not-strict", in: Example(yaml)).findings.count == 1)
    }

    @Test func assumedLabelsAreReportedInTheManifestsFile() throws {
        let yaml = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: payments
              labels: {istio.io/dataplane-mode: ambient}
            """
        let example = Example(yaml, configuration: "assume:\n  namespaces:\n    payments:\n      labels: {istio-injection: enabled}\n")
        let found = findings(of: "conflicting-dataplane-labels", in: example).findings
        #expect(found.count == 1)
        for finding in found {
            // Every position is one of the manifest's five lines.
            #expect(finding.span.start.line <= 5)
            #expect(finding.related.allSatisfy { $0.span.start.line <= 5 })
        }
    }

    @Test func peerAuthenticationCopiesThatDisagreeDecideNothing() {
        func peer(_ mode: String) -> String {
            "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: istio-system}\nspec: {mtls: {mode: \(mode)}}\n"
        }
        let namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}\n"
        for (first, second) in [("STRICT", "PERMISSIVE"), ("PERMISSIVE", "STRICT")] {
            let yaml = [namespace, peer(first), peer(second)].joined(separator: "---\n")
            #expect(findings(of: "peer-authentication-not-strict", in: Example(yaml)).findings.isEmpty)
        }
    }

    @Test func gatewayCopiesDifferingOnlyInAnnotationsKeepTheirWaypoint() throws {
        func gateway(_ wave: String) -> String {
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: waypoint, namespace: shop, annotations: {argocd.argoproj.io/sync-wave: "\(wave)"}}
            spec:
              gatewayClassName: istio-waypoint
              listeners: [{name: mesh, port: 15008, protocol: HBONE}]
            """
        }
        let service = "apiVersion: v1\nkind: Service\nmetadata: {name: cart, namespace: shop, labels: {istio.io/use-waypoint: waypoint}}\nspec: {ports: [{port: 80}]}\n"
        let yaml = [gateway("1"), gateway("2"), service].joined(separator: "\n---\n")
        #expect(findings(of: "unknown-waypoint", in: Example(yaml)).findings.isEmpty)
        #expect(findings(of: "singleton-waypoint", in: Example(yaml)).findings.count == 1)
    }

    @Test func theDuplicateNoteNamesAFewCopies() throws {
        let copies = (0..<20).map { _ in "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n" }.joined(separator: "---\n")
        let found = findings(of: "duplicate-resource", in: Example(copies)).findings
        #expect(found.count == 20)
        #expect(found.allSatisfy { $0.related.count == 5 && $0.message.contains("and 15 more") })
    }

    @Test func aQuotedControlActionIsData() {
        let yaml = """
            apiVersion: monitoring.coreos.com/v1
            kind: PrometheusRule
            metadata: {name: alerts, namespace: monitoring}
            spec:
              groups:
              - rules:
                - alert: Down
                  annotations: {summary: "{{ if $labels.job }}{{ $labels.job }}{{ end }} is down"}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: allow-nothing, namespace: istio-system}
            spec: {}
            """
        let file = ManifestLoader.load(path: "x.yaml", bytes: Array(yaml.utf8))
        #expect(file.problems.isEmpty)
        #expect(file.resources.count == 2)
    }

    @Test func aHeaderRuleThatNamesItsCallersIsNotReported() {
        let yaml = ExampleFixtures.paymentsWithWaypoint + """
            apiVersion: v1
            kind: Service
            metadata: {name: ledger, namespace: payments}
            spec: {selector: {app: ledger}, ports: [{name: http, port: 8080}]}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: frontend, namespace: payments}
            spec:
              targetRefs: [{kind: Service, group: "", name: ledger}]
              rules:
              - from: [{source: {principals: [cluster.local/ns/web/sa/frontend]}}]
                when: [{key: "request.headers[authorization]", values: ["*"]}]
            """
        #expect(findings(of: "authorization-header-not-validated", in: Example(yaml)).findings.isEmpty)
    }

    @Test func aTCPWaypointNeedsNoTokensWhateverTheIntent() {
        let yaml = WaypointPrecisionTests.waypointServing(portName: "tcp-postgres") + WaypointPrecisionTests.requestAuthentication
        #expect(findings(of: "waypoint-without-request-authentication", in: Example(yaml)).findings.isEmpty)
    }
}

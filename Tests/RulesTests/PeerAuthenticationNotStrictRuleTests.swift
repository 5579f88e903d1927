import Rules
import Testing
import YAMLModel

@Suite("peer-authentication-not-strict")
struct PeerAuthenticationNotStrictRuleTests {
    private static let namespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: payments
          labels: {istio.io/dataplane-mode: ambient}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ledger, namespace: payments}
        spec:
          selector: {matchLabels: {app: ledger}}
          template:
            metadata: {labels: {app: ledger, tier: back}}
            spec: {containers: [{name: ledger, image: ledger:1.0}]}
        ---

        """

    private func index(_ yaml: String, rootNamespace: String = "istio-system") -> MeshIndex {
        let file = ManifestLoader.load(path: "example.yaml", bytes: Array(yaml.utf8))
        return MeshIndex(resources: file.resources, options: MeshIndexOptions(rootNamespace: rootNamespace))
    }

    @Test func effectiveModeFollowsNamespaceThenMeshThenDefault() {
        let none = index(Self.namespace)
        #expect(none.mtls(in: "payments").mode == .permissive)
        #expect(none.mtls(in: "payments").source == .ambientDefault)

        let mesh = index(Self.namespace + """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: default, namespace: istio-system}
            spec: {mtls: {mode: STRICT}}
            ---
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: default, namespace: payments}
            spec: {mtls: {mode: UNSET}}
            """)
        #expect(mesh.mtls(in: "payments").isStrict)
        #expect(mesh.mtls(in: "payments").source == .meshPolicy)
        #expect(mesh.mtls(in: "payments").namespacePolicy?.name == "default")

        let local = index(Self.namespace + """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: default, namespace: istio-system}
            spec: {mtls: {mode: STRICT}}
            ---
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: relaxed, namespace: payments}
            spec: {mtls: {mode: DISABLE}}
            """)
        #expect(local.mtls(in: "payments").mode == .disable)
        #expect(!local.mtls(in: "payments").isStrict)
    }

    @Test func oldestNamespacePolicyWinsAndTheOthersAreShadowed() {
        let mesh = index(Self.namespace + """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: a-permissive, namespace: payments, creationTimestamp: "2026-03-01T00:00:00Z"}
            spec: {mtls: {mode: PERMISSIVE}}
            ---
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: b-strict, namespace: payments, creationTimestamp: "2025-01-01T00:00:00Z"}
            spec: {mtls: {mode: STRICT}}
            """)
        let mtls = mesh.mtls(in: "payments")
        #expect(mtls.namespacePolicy?.name == "b-strict")
        #expect(mtls.isStrict)
        #expect(mtls.shadowedPolicies.map(\.name) == ["a-permissive"])
    }

    @Test func workloadPolicyOverridesAndOpensPorts() throws {
        let mesh = index(Self.namespace + """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: default, namespace: payments}
            spec: {mtls: {mode: STRICT}}
            ---
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: ledger, namespace: payments}
            spec:
              selector: {matchLabels: {app: ledger}}
              portLevelMtls:
                "9090": {mode: PERMISSIVE}
                "9091": {mode: DISABLE}
            """)
        let workload = try #require(mesh.workloads.first)
        let pods = mesh.mtls(of: workload)
        #expect(pods.policy?.name == "ledger")
        #expect(pods.isStrict)
        #expect(!pods.isSetByPolicy)
        // Under an inherited STRICT, istiod opens PERMISSIVE ports only.
        #expect(pods.plaintextPorts.map(\.port) == [9090])
    }

    @Test func namespaceFindingNamesTheDecidingPolicyAndTheIgnoredRootSelector() throws {
        let example = Example(Self.namespace + """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: default, namespace: istio-system}
            spec: {mtls: {mode: PERMISSIVE}}
            ---
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: ledger-strict, namespace: istio-system}
            spec:
              selector: {matchLabels: {app: ledger}}
              mtls: {mode: STRICT}
            """)
        let found = findings(of: "peer-authentication-not-strict", in: example).findings
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.message.contains("the mesh-wide PeerAuthentication istio-system/default sets mode PERMISSIVE"))
        #expect(finding.message.contains("plaintext"))
        #expect(finding.related.contains { $0.message.contains("ledger-strict") && $0.message.contains("ignored in ambient") })
        #expect(finding.remediation.contains("name: default\n  namespace: payments\nspec:\n  mtls:\n    mode: STRICT"))
    }

    @Test func selectorFindingExplainsDisableAndKeepsTheSelectorInTheFix() throws {
        let example = Example(Self.namespace + """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: default, namespace: payments}
            spec: {mtls: {mode: STRICT}}
            ---
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: ledger-plain, namespace: payments}
            spec:
              selector: {matchLabels: {app: ledger, tier: back}}
              mtls: {mode: DISABLE}
            """)
        let found = findings(of: "peer-authentication-not-strict", in: example).findings
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.message.contains("DISABLE (ignored in ambient: it acts as PERMISSIVE)"))
        #expect(finding.message.contains("overriding the namespace's STRICT"))
        #expect(finding.remediation.contains("      app: ledger\n      tier: back\n  mtls:\n    mode: STRICT"))
        #expect(finding.related.map(\.resource?.name).contains("ledger"))
    }

    @Test func shadowedSelectorPolicyIsNotReported() {
        let example = Example(Self.namespace + """
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: default, namespace: payments}
            spec: {mtls: {mode: STRICT}}
            ---
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: a-ledger-strict, namespace: payments}
            spec:
              selector: {matchLabels: {app: ledger}}
              mtls: {mode: STRICT}
            ---
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: b-ledger-permissive, namespace: payments}
            spec:
              selector: {matchLabels: {app: ledger}}
              mtls: {mode: PERMISSIVE}
            """)
        #expect(findings(of: "peer-authentication-not-strict", in: example).findings.isEmpty)
    }
}

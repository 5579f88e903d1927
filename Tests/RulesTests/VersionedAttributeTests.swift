import Rules
import Testing
import YAMLModel

/// `when` keys are checked against the Istio version the input installs, and the newest known
/// when it installs none (issue 18, cause 10).
@Suite("condition keys by Istio version")
struct VersionedAttributeTests {
    static let policy = """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: partners, namespace: payments}
        spec:
          targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
          rules:
          - when:
            - key: source.trustDomain
              values: [partner.example]
        """

    static func istiod(_ version: String) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: istiod, namespace: argocd}
        spec:
          source:
            repoURL: https://istio-release.storage.googleapis.com/charts
            chart: istiod
            targetRevision: \(version)
          destination: {namespace: istio-system}
        ---

        """
    }

    static func invalid(_ yaml: String) -> [Finding] {
        findings(of: "authorization-policy-invalid", in: Example(yaml)).findings
    }

    @Test func acceptedWhenNoVersionIsDeclaredOrTheVersionKnowsIt() {
        #expect(Self.invalid(Self.policy).isEmpty)
        #expect(Self.invalid(Self.istiod("1.31.0") + Self.policy).isEmpty)
    }

    @Test func rejectedByOlderReleases() throws {
        let old = try #require(Self.invalid(Self.istiod("1.29.2") + Self.policy).first)
        #expect(old.message.contains("unknown attribute: source.trustDomain (Istio 1.29 is installed"))
        #expect(old.fieldPath == "spec.rules[0].when[0].key")
        // The release that introduced it accepts it (whether its proxies enforce it depends on the patch).
        #expect(Self.invalid(Self.istiod("1.30.1") + Self.policy).isEmpty)
    }

    @Test func ztunnelNeverEnforcesIt() {
        let yaml = "apiVersion: v1\nkind: Namespace\nmetadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}\n---\n"
            + Self.policy.replacingOccurrences(
            of: "  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]\n", with: "")
        #expect(AuthorizationAttributes.layer(ofConditionKey: "source.trustDomain") == .l7)
        #expect(!findings(of: "l7-policy-without-waypoint", in: Example(yaml)).findings.isEmpty)
    }
}

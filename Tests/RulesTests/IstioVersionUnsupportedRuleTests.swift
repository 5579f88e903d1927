import Rules
import Testing
import YAMLModel

/// Version parsing (`ReleaseVersion`, `VersionConstraint`), what the index reads as an Istio
/// installation, and the istio-version-unsupported rule's findings.
@Suite("istio-version-unsupported")
struct IstioVersionUnsupportedRuleTests {
    static let id = "istio-version-unsupported"

    // MARK: ReleaseVersion

    @Test func readsReleaseVersions() throws {
        #expect(ReleaseVersion("1.23.2") == ReleaseVersion(major: 1, minor: 23, patch: 2))
        #expect(ReleaseVersion("v1.24.0") == ReleaseVersion(major: 1, minor: 24, patch: 0))
        #expect(ReleaseVersion("1.24") == ReleaseVersion(major: 1, minor: 24, patch: 0))
        #expect(ReleaseVersion("1.24.0+build.5") == ReleaseVersion(major: 1, minor: 24, patch: 0))
        #expect(ReleaseVersion("1.24.0-beta.1")?.prerelease == ["beta", "1"])
        for text in ["", "HEAD", "main", "latest", "v", "1.2.3.4", "1.x.3", "1..2", "1.24-beta", "1.24.0-", "*", "1.24.*"] {
            #expect(ReleaseVersion(text) == nil, "\(text)")
        }
    }

    @Test func ordersPreReleasesBeforeTheirRelease() throws {
        let ordered = ["1.23.9", "1.24.0-alpha.0", "1.24.0-beta.1", "1.24.0-beta.2", "1.24.0-beta.10", "1.24.0-rc.0", "1.24.0", "1.24.1", "1.25.0"]
        let versions = try ordered.map { try #require(ReleaseVersion($0)) }
        #expect(versions == versions.sorted())
        #expect(try #require(ReleaseVersion("1.24.0-rc.1")) < .ambientGA)
    }

    @Test func readsImageTagsAndRevisionNames() {
        #expect(ReleaseVersion(imageTag: "1.23.2-distroless") == ReleaseVersion("1.23.2"))
        #expect(ReleaseVersion(imageTag: "1.24.0-debug") == ReleaseVersion("1.24.0"))
        #expect(ReleaseVersion(revisionName: "1-23-2") == ReleaseVersion("1.23.2"))
        #expect(ReleaseVersion(revisionName: "1-24") == ReleaseVersion("1.24.0"))
        #expect(ReleaseVersion(revisionName: "canary") == nil)
        #expect(ReleaseVersion(revisionName: "1-24-x") == nil)
        #expect(ReleaseVersion(revisionName: "default") == nil)
    }

    // MARK: VersionConstraint

    /// (constraint, admits only versions below 1.24.0, release line of the highest admitted version).
    static let constraints: [(String, Bool, String?)] = [
        ("1.23.2", true, "1.23"), ("v1.24.0", false, "1.24"), ("=1.23.2", true, "1.23"),
        ("1.24.*", false, "1.24"), ("1.23.*", true, "1.23"), ("1.23.x", true, "1.23"), ("1.23.X", true, "1.23"),
        ("1.23", true, "1.23"), ("1.24", false, "1.24"), ("1.x", false, nil), ("*", false, nil),
        ("~1.22", true, "1.22"), ("~1.23.4", true, "1.23"), ("~1.24.0", false, "1.24"), ("~>1.22.1", true, "1.22"), ("~1", false, nil),
        ("^1.22", false, nil), ("^0.9.1", true, "0.9"),
        (">=1.20 <1.23", true, "1.22"), (">= 1.20, < 1.23", true, "1.22"), (">=1.20,<1.24", true, "1.23"),
        ("<1.24.0", true, "1.23"), ("<1.24.1", false, "1.24"), ("<=1.23.9", true, "1.23"), ("<=1.23", true, "1.23"),
        ("=<1.23", true, "1.23"), ("<=1.24", false, "1.24"), (">1.20 <=1.22.5", true, "1.22"),
        ("1.20 - 1.23", true, "1.23"), ("1.20 - 1.24.0", false, "1.24"),
        ("1.22.x || 1.23.x", true, "1.23"), ("1.22.x || 1.24.x", false, "1.24"), ("1.22.x || >=1.20", false, nil),
        (">=1.20", false, nil), (">1.23.0", false, nil), ("!=1.23.0", false, nil),
        ("1.24.0-beta.1", true, "1.24"), (" 1.23.2 ", true, "1.23"),
    ]

    @Test(arguments: constraints)
    func judgesConstraintsByTheirHighestVersion(_ text: String, below: Bool, line: String?) throws {
        let constraint = try #require(VersionConstraint(text))
        #expect(constraint.admitsOnlyVersions(below: .ambientGA) == below)
        #expect(constraint.highestLine.map { "\($0.major).\($0.minor)" } == line)
    }

    @Test func skipsWhatIsNoConstraint() {
        for text in ["", "HEAD", "main", "latest", "stable", ">=", "~", "1.2.3 -", "1..2", "release-1.24", "1.24 ||"] {
            #expect(VersionConstraint(text) == nil, "\(text)")
        }
    }

    @Test func knowsExactVersions() {
        #expect(VersionConstraint("1.23.2")?.exactVersion == ReleaseVersion("1.23.2"))
        #expect(VersionConstraint("=v1.23.2")?.exactVersion == ReleaseVersion("1.23.2"))
        #expect(VersionConstraint("1.23")?.exactVersion == nil)
        #expect(VersionConstraint("~1.23.2")?.exactVersion == nil)
        #expect(VersionConstraint(">=1.23.2 <=1.23.2")?.exactVersion == nil)
    }

    // MARK: Installations in the index

    static func index(_ yaml: String) -> MeshIndex {
        MeshIndex(resources: ManifestLoader.load(path: "platform.yaml", bytes: Array(yaml.utf8)).resources)
    }

    @Test func readsOnlyIstioCharts() {
        let index = Self.index("""
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: monitoring-base, namespace: argocd}
            spec:
              source: {repoURL: "https://charts.example.com", chart: base, targetRevision: 1.0.0}
              destination: {namespace: monitoring}
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: mesh-base, namespace: argocd}
            spec:
              source: {repoURL: "oci://registry.example.com/mirror", chart: base, targetRevision: 1.22.0}
              destination: {namespace: istio-system}
            ---
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: ztunnel, namespace: mesh}
            spec:
              chart:
                spec: {chart: ztunnel, sourceRef: {kind: HelmRepository, name: mirror}}
            ---
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            metadata: {name: installed, namespace: istio-system}
            spec:
              values: {global: {tag: 1.21.0}}
            """)
        let installations = index.istioInstallations
        // The mirror is recognised by its Istio namespace; the ztunnel HelmRelease has no version (Flux: latest).
        #expect(installations.map(\.resource.name) == ["mesh-base", "installed"])
        #expect(installations.map(\.component) == [.base, .istioOperator])
        #expect(installations.map(\.versionPath) == ["spec.source.targetRevision", "spec.values.global.tag"])
    }

    // MARK: Findings

    @Test func comparesComponentsWithTheControlPlane() throws {
        let yaml = """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: istiod, namespace: istio-system}
            spec:
              chart:
                spec: {chart: istiod, version: 1.26.1, sourceRef: {kind: HelmRepository, name: istio}}
            ---
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: istio-cni, namespace: istio-system}
            spec:
              chart:
                spec: {chart: cni, version: 1.23.0, sourceRef: {kind: HelmRepository, name: istio}}
            """
        let found = findings(of: Self.id, in: Example(yaml)).findings
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.resource?.name == "istio-cni")
        #expect(finding.message.contains("below 1.24"))
        #expect(finding.message.contains("istiod is at 1.26.1 (HelmRelease istio-system/istiod)"))
        #expect(finding.related.first?.message == "istiod is installed at 1.26.1")
        // The fix matches the supported control plane.
        #expect(finding.remediation.hasSuffix("chart: cni\n      version: 1.26.1"))
    }

    @Test func experimentalCRDsAreReplacedFromTheExperimentalChannel() throws {
        let example = Example("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: tcproutes.gateway.networking.k8s.io
              annotations:
                gateway.networking.k8s.io/bundle-version: v1.0.0
                gateway.networking.k8s.io/channel: experimental
            spec: {group: gateway.networking.k8s.io, names: {kind: TCPRoute, plural: tcproutes}, scope: Namespaced}
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
              annotations: {gateway.networking.k8s.io/bundle-version: v0.1.0}
            spec: {group: example.com, names: {kind: Widget, plural: widgets}, scope: Namespaced}
            """)
        let found = findings(of: Self.id, in: example).findings
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.remediation.contains("/v1.2.1/experimental-install.yaml -o example.yaml"))
    }
}

/// Istio releases whose behaviour MeshLint follows when the input declares its Istio version
/// (`MeshIndex.declaredIstioVersion`); with none declared, the newest behaviour applies.
public enum IstioReleases {
    /// From 1.25.2 istiod sends ztunnel no `istio.io/dry-run` AuthorizationPolicy (istio/istio
    /// commit 649cf33 "ambient: do not process dry-run rules", #55414, backported as #55709 to
    /// 1.25.2; `pilot/pkg/serviceregistry/kube/controller/ambient/policies.go`). Before it, ztunnel
    /// enforced dry-run policies as if they were not dry runs.
    public static let ztunnelSkipsDryRun = ReleaseVersion(major: 1, minor: 25, patch: 2)

    /// From 1.25.0 istiod reads `istio.io/ingress-use-waypoint` on a Namespace as well as on a
    /// Service (istio/istio #54483, release note `ingress-use-waypoint-namespace.yaml`, 1.25.0
    /// change notes).
    public static let namespaceIngressUseWaypoint = ReleaseVersion(major: 1, minor: 25, patch: 0)
}

/// Whether a version-dependent behaviour applies to the input's Istio.
public enum VersionedBehaviour: Sendable, Equatable {
    /// The declared version has it.
    case applies(ReleaseVersion)
    /// The declared version (or, with none declared, the newest) does not.
    case doesNotApply
    /// The declared version names a release line, not the patch the behaviour changed in.
    case undecided(String)
}

extension MeshIndex {
    /// Whether ztunnel enforces `istio.io/dry-run` AuthorizationPolicies as real ones: only under an
    /// istiod older than 1.25.2.
    public var ztunnelEnforcesDryRun: VersionedBehaviour {
        let fixed = IstioReleases.ztunnelSkipsDryRun
        for installation in istioInstallations where installation.component.isControlPlane {
            guard let constraint = installation.constraint else { continue }
            if let exact = constraint.exactVersion { return exact < fixed ? .applies(exact) : .doesNotApply }
            if let line = constraint.highestLine, line.major == fixed.major, line.minor == fixed.minor {
                return .undecided("\(installation.display) names the \(line.major).\(line.minor) line; ztunnel enforces dry-run policies before \(fixed)")
            }
        }
        guard let version = declaredIstioVersion else { return .doesNotApply }
        return version < fixed ? .applies(version) : .doesNotApply
    }
}

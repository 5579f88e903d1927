extension GroupKind {
    /// Argo CD `Application`: deploys a Helm chart (`spec.source.chart`) at `targetRevision`.
    public static let argoApplication = GroupKind(group: "argoproj.io", kind: "Application")
    /// Flux `HelmRelease`: deploys `spec.chart.spec.chart` at `spec.chart.spec.version`.
    public static let fluxHelmRelease = GroupKind(group: "helm.toolkit.fluxcd.io", kind: "HelmRelease")
    /// `IstioOperator`: istioctl's (formerly the in-cluster operator's) installation spec.
    public static let istioOperator = GroupKind(group: "install.istio.io", kind: "IstioOperator")
}

/// One Istio component installed from the repository, and the version it is installed at.
public struct IstioInstallation: Sendable {
    /// The Helm charts Istio publishes (an ambient install uses base, istiod, cni and ztunnel), or
    /// a whole IstioOperator.
    public enum Component: String, Sendable, CaseIterable {
        case base, istiod, cni, ztunnel, gateway
        case istioOperator = "IstioOperator"

        /// The control plane: what the other components' versions are compared with.
        public var isControlPlane: Bool { self == .istiod || self == .istioOperator }
    }

    /// How the component is installed.
    public enum Installer: String, Sendable {
        case argoApplication = "Argo CD Application"
        case fluxHelmRelease = "Flux HelmRelease"
        case istioOperator = "IstioOperator"
    }

    public let resource: Resource
    public let installer: Installer
    public let component: Component
    /// The chart name as written (nil for an IstioOperator).
    public let chart: Spanned<String>?
    /// The version as written: `targetRevision`, `version`, `tag` or `revision`.
    public let version: Spanned<String>
    /// The field the version is written in, for messages.
    public let versionField: String
    /// Where the version is written in the resource (`spec.sources[1].targetRevision`), for fixes.
    public let versionPath: String
    /// The version read as a constraint; nil when it is none (`HEAD`, a branch name).
    public let constraint: VersionConstraint?

    /// `istiod 1.23.2`, for messages.
    public var display: String { "\(component.rawValue) \(version.value)" }
}

/// A Gateway API CustomResourceDefinition and the release bundle it comes from.
public struct GatewayAPICRD: Sendable {
    public let resource: Resource
    /// The `gateway.networking.k8s.io/bundle-version` annotation.
    public let bundleVersion: Spanned<String>.Entry
    /// The bundle version; nil when unreadable.
    public let version: ReleaseVersion?
}

extension MeshIndex {
    // MARK: Platform

    /// The Istio Helm charts the input deploys with Argo CD or Flux, and the IstioOperators that
    /// name a version (`tag`, else a version-like `revision`), in input order.
    public var istioInstallations: [IstioInstallation] {
        var result: [IstioInstallation] = []
        for application in resources(of: .argoApplication) {
            let spec = application.node["spec"]
            let sources = [spec?["source"]].compactMap { $0.map { ($0, "spec.source") } }
                + (spec?["sources"]?.items ?? []).enumerated().map { ($1, "spec.sources[\($0)]") }
            for (source, path) in sources {
                guard let chart = source.spannedString("chart"), let version = source.spannedString("targetRevision"),
                      let component = Self.istioComponent(
                          chart: chart.value,
                          context: [source["repoURL"]?.string, source["helm", "releaseName"]?.string, application.name,
                                    spec?["destination", "namespace"]?.string])
                else { continue }
                result.append(IstioInstallation(
                    resource: application, installer: .argoApplication, component: component, chart: chart,
                    version: version, versionField: "targetRevision", versionPath: path + ".targetRevision", constraint: VersionConstraint(version.value)))
            }
        }
        for release in resources(of: .fluxHelmRelease) {
            let spec = release.node["spec"]
            guard let chartSpec = spec?["chart", "spec"], let chart = chartSpec.spannedString("chart"),
                  let version = chartSpec.spannedString("version"),
                  let component = Self.istioComponent(
                      chart: chart.value,
                      context: [chartSpec["sourceRef", "name"]?.string, spec?["releaseName"]?.string, release.name,
                                spec?["targetNamespace"]?.string, release.namespace])
            else { continue }
            result.append(IstioInstallation(
                resource: release, installer: .fluxHelmRelease, component: component, chart: chart,
                version: version, versionField: "version", versionPath: "spec.chart.spec.version", constraint: VersionConstraint(version.value)))
        }
        for istioOperator in resources(of: .istioOperator) {
            let spec = istioOperator.node["spec"]
            let tags = [(spec?.spannedString("tag"), "spec.tag"), (spec?["values", "global"]?.spannedString("tag"), "spec.values.global.tag")]
            if let (tag, path) = tags.lazy.compactMap({ tag, path in tag.map { ($0, path) } }).first {
                result.append(IstioInstallation(
                    resource: istioOperator, installer: .istioOperator, component: .istioOperator, chart: nil,
                    version: tag, versionField: "tag", versionPath: path,
                    constraint: ReleaseVersion(imageTag: tag.value).flatMap { VersionConstraint($0.description) }))
            } else if let revision = spec?.spannedString("revision"), ReleaseVersion(revisionName: revision.value) != nil {
                let dotted = revision.value.split(separator: "-").joined(separator: ".")
                result.append(IstioInstallation(
                    resource: istioOperator, installer: .istioOperator, component: .istioOperator, chart: nil,
                    version: revision, versionField: "revision", versionPath: "spec.revision", constraint: VersionConstraint(dotted)))
            }
        }
        return result
    }

    /// The Gateway API CRDs (group `gateway.networking.k8s.io`) that carry the bundle-version annotation.
    public var gatewayAPICRDs: [GatewayAPICRD] {
        resources(of: .customResourceDefinition).compactMap { crd in
            let group = crd.node["spec"]?["group"]?.string
            guard group == Self.gatewayAPIGroup || (group == nil && crd.name.hasSuffix("." + Self.gatewayAPIGroup)),
                  let annotation = crd.annotations[Self.gatewayAPIBundleVersionAnnotation]
            else { return nil }
            return GatewayAPICRD(resource: crd, bundleVersion: annotation, version: ReleaseVersion(annotation.value))
        }
    }

    static let gatewayAPIGroup = "gateway.networking.k8s.io"
    public static let gatewayAPIBundleVersionAnnotation = "gateway.networking.k8s.io/bundle-version"

    /// The Istio component a chart is: `istiod` and `ztunnel` by name; `base`, `cni` and `gateway`,
    /// names other projects use too, only when the repository URL, release, source or namespace
    /// mentions Istio.
    static func istioComponent(chart: String, context: [String?]) -> IstioInstallation.Component? {
        guard let component = IstioInstallation.Component(rawValue: chart), component != .istioOperator else { return nil }
        if component == .istiod || component == .ztunnel { return component }
        return context.contains { $0?.lowercased().contains("istio") ?? false } ? component : nil
    }
}

extension MeshIndex {
    // MARK: The Istio version the input declares

    /// The oldest control-plane version the input installs (istiod charts, IstioOperators), read
    /// as the lowest release its version constraint admits at most; nil when it declares none
    /// (rules then take the newest release MeshLint knows).
    public var declaredIstioVersion: ReleaseVersion? {
        istioInstallations.filter(\.component.isControlPlane).compactMap { installation -> ReleaseVersion? in
            guard let constraint = installation.constraint else { return nil }
            if let exact = constraint.exactVersion { return exact }
            return constraint.highestLine.map { ReleaseVersion(major: $0.major, minor: $0.minor, patch: 0) }
        }.min()
    }

    /// `when` keys of `policy` that the declared Istio version does not know yet: istiod's webhook
    /// rejects them before the release that introduced them. Empty when no version is declared.
    public func versionedAttributeIssues(of policy: AuthorizationPolicyView) -> [PolicyValidationIssue] {
        // Most policies use no such key: the installations are read only when one does.
        let versioned = policy.rules.flatMap { rule in
            rule.conditions.compactMap { condition in
                condition.key.flatMap { key in PolicyValidation.attributeIntroduced[key.value].map { (rule, key, $0) } }
            }
        }
        guard !versioned.isEmpty, let version = declaredIstioVersion else { return [] }
        var issues: [PolicyValidationIssue] = []
        // Only a release whose webhook does not know the key rejects it. In the release that
        // introduced it, enforcement depends on the patch (backports), which MeshLint cannot tell.
        for (rule, key, introduced) in versioned where version < introduced.accepted {
            let error = "unknown attribute: \(key.value) (Istio \(version.line) is installed; the key is accepted from "
                + "\(introduced.accepted.line) and enforced by waypoints and sidecars from \(introduced.enforced.line))"
            issues.append(PolicyValidationIssue(
                .conditionKey, .rejected(.istiod), at: key.span, error: error, value: key.value, ruleIndex: rule.index))
        }
        return issues
    }
}

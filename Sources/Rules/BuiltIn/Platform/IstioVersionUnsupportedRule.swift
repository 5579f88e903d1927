import YAMLModel

/// Istio installed from the repository at a version without GA ambient mode, at mixed versions,
/// or next to Gateway API CRDs too old for it.
struct IstioVersionUnsupportedRule: BuiltInRule {
    /// An Argo CD Application installing the Istio chart `chart` at `version` (marked or not).
    private static func argo(_ chart: String, _ version: String) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: istio-\(chart), namespace: argocd}
        spec:
          project: platform
          source:
            repoURL: https://istio-release.storage.googleapis.com/charts
            chart: \(chart)
            targetRevision: \(version)
          destination: {server: "https://kubernetes.default.svc", namespace: istio-system}
        ---

        """
    }

    /// A Flux HelmRelease installing the Istio chart `chart` at `version`.
    private static func flux(_ chart: String, _ version: String) -> String {
        """
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: \(chart), namespace: istio-system}
        spec:
          interval: 10m
          chart:
            spec:
              chart: \(chart)
              version: \(version)
              sourceRef: {kind: HelmRepository, name: istio}
        ---

        """
    }

    /// A Gateway API CRD from bundle `version`.
    private static func gatewayCRD(_ version: String) -> String {
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gateways.gateway.networking.k8s.io
          annotations:
            gateway.networking.k8s.io/bundle-version: \(version)
            gateway.networking.k8s.io/channel: standard
        spec:
          group: gateway.networking.k8s.io
          names: {kind: Gateway, plural: gateways}
          scope: Namespaced
        """
    }

    static let description = RuleDescription(
        id: "istio-version-unsupported",
        name: "Istio version unsupported",
        summary: "The repository installs Istio below 1.24 (before ambient mode was GA), Istio components at different versions, or Gateway API CRDs below v1.2.0.",
        rationale: """
            Ambient mode became generally available in Istio 1.24; earlier releases shipped it as alpha \
            or beta, with behaviour (waypoint attachment, policy translation, labels) that differs from \
            what MeshLint and the Istio documentation describe, and they are out of support. MeshLint \
            reads the versions the repository pins: Argo CD Applications and Flux HelmReleases that \
            install Istio's charts (base, istiod, cni, ztunnel, gateway) and IstioOperators (`tag`, else \
            a version-like `revision` such as `1-23-2`). A version range is judged by the highest \
            version it admits (`~1.22` and `>=1.20 <1.23` admit nothing from 1.24); a branch name or an \
            unreadable version is skipped. The charts of one installation are released and tested \
            together: a ztunnel, CNI or gateway at another version than istiod is a half-finished \
            upgrade (several istiod versions are left alone: revision-based canary upgrades run them \
            side by side). Istio's ambient releases are tested with Gateway API v1.2.0 or later; \
            CustomResourceDefinitions of the `gateway.networking.k8s.io` group from an older bundle \
            (the `gateway.networking.k8s.io/bundle-version` annotation) lack what they use.
            """,
        remediation: """
            Upgrade every Istio chart to the same release, 1.24 or later (at most two minor versions per \
            step), e.g. for Argo CD:
            spec:
              source:
                chart: istiod
                targetRevision: 1.24.*
            and install Gateway API v1.2.0 or later:
            kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.1/standard-install.yaml
            """,
        severity: .error,
        area: .platform,
        tags: ["platform", "version"],
        precision: .high,
        references: [
            "https://istio.io/latest/docs/releases/supported-releases/",
            "https://istio.io/latest/docs/ambient/install/",
            "https://istio.io/latest/docs/ambient/install/helm/",
            "https://istio.io/latest/news/releases/1.24.x/announcing-1.24/",
        ],
        inputs: [.argoApplication, .fluxHelmRelease, .istioOperator, .customResourceDefinition],
        triggeringExamples: [
            // Argo CD: an exact version below 1.24, in spec.source.
            Example("""
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata: {name: istiod, namespace: argocd}
                spec:
                  source:
                    repoURL: https://istio-release.storage.googleapis.com/charts
                    chart: istiod
                    targetRevision: ↓1.23.2
                  destination: {namespace: istio-system}
                """),
            // Argo CD with several sources: `~1.22` admits nothing from 1.24, `v1.24.0` is fine.
            Example("""
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata: {name: istio, namespace: argocd}
                spec:
                  sources:
                  - {repoURL: "https://istio-release.storage.googleapis.com/charts", chart: base, targetRevision: ↓"~1.22"}
                  - {repoURL: "https://istio-release.storage.googleapis.com/charts", chart: cni, targetRevision: ↓">=1.20 <1.23"}
                """),
            // Flux: a wildcard version on the 1.23 line.
            Example(flux("ztunnel", "↓1.23.*")),
            // IstioOperator: the tag (with an image variant), and a revision named after its version.
            Example("""
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                metadata: {name: control-plane, namespace: istio-system}
                spec:
                  profile: ambient
                  hub: docker.io/istio
                  tag: ↓1.22.3-distroless
                ---
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                metadata: {name: canary, namespace: istio-system}
                spec:
                  profile: ambient
                  revision: ↓1-23-1
                """),
            // Components at different versions: each one that differs from istiod is reported.
            Example(argo("istiod", "1.25.2") + argo("cni", "1.25.2") + flux("ztunnel", "↓1.24.3") + argo("gateway", "↓1.26.0")),
            // Gateway API CRDs older than v1.2.0.
            Example(gatewayCRD("↓v1.1.0")),
        ],
        nonTriggeringExamples: [
            // 1.24 and later, in the spellings charts use.
            Example(argo("istiod", "1.24.0") + argo("base", "v1.24.0") + argo("cni", "1.24.*") + argo("ztunnel", "\"~1.24.1\"")),
            // Ranges whose highest version is 1.24 or later, and unbounded ones.
            Example(flux("istiod", "\">=1.23 <1.25\"") + flux("base", "\"^1.22\"") + flux("cni", "\"1.23.x || 1.24.x\"")
                + flux("ztunnel", "\">=1.24\"")),
            // Branch names and unreadable versions are skipped.
            Example(argo("istiod", "HEAD") + argo("ztunnel", "main")),
            // IstioOperator at 1.24, and one whose revision is not a version.
            Example("""
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                metadata: {name: control-plane, namespace: istio-system}
                spec: {profile: ambient, tag: 1.24.2}
                ---
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                metadata: {name: canary, namespace: istio-system}
                spec: {profile: ambient, revision: canary}
                """),
            // Same versions everywhere (a range on the same line counts as the same); two istiod
            // versions side by side are a canary upgrade.
            Example(argo("istiod", "1.25.2") + flux("istiod", "1.26.0") + argo("cni", "1.26.0") + flux("ztunnel", "1.26.*")),
            // Charts named like Istio's but from another repository, and Gateway API v1.2.0 and later.
            Example("""
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata: {name: ingress, namespace: argocd}
                spec:
                  source: {repoURL: "https://charts.example.com", chart: gateway, targetRevision: 0.3.1}
                  destination: {namespace: edge}
                ---

                """ + gatewayCRD("v1.2.0") + "\n---\n" + gatewayCRD("v1.3.0")),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        let installations = index.istioInstallations.compactMap { installation in
            installation.constraint.map { (installation: installation, constraint: $0) }
        }
        // The version the others should match: the highest control-plane one, else the highest of all.
        let comparable = installations.compactMap { entry in entry.constraint.upperBound.map { (entry, bound: $0) } }
        let controlPlanes = comparable.filter { $0.0.installation.component.isControlPlane }
        let reference = (controlPlanes.isEmpty ? comparable : controlPlanes).max { $0.bound < $1.bound }?.0

        var findings: [Finding] = []
        for (installation, constraint) in installations {
            let belowGA = constraint.admitsOnlyVersions(below: .ambientGA)
            var mismatch: IstioInstallation?
            if let reference, !installation.component.isControlPlane, reference.installation.resource.origin != installation.resource.origin
                || reference.installation.versionPath != installation.versionPath,
               Self.differ(constraint, reference.constraint) {
                mismatch = reference.installation
            }
            guard belowGA || mismatch != nil else { continue }
            findings.append(report(installation, constraint: constraint, belowGA: belowGA, mismatch: mismatch, reference: reference?.installation))
        }

        for crd in index.gatewayAPICRDs {
            guard let version = crd.version, version < .minimumGatewayAPI else { continue }
            let channel = crd.resource.annotations["gateway.networking.k8s.io/channel"]?.value == "experimental" ? "experimental" : "standard"
            findings.append(finding(
                "\(crd.resource.displayName) is from Gateway API \(crd.bundleVersion.value), below v1.2.0: the Istio releases "
                    + "with GA ambient mode (1.24 and later) are built and tested against Gateway API v1.2.0 or later, "
                    + "and older CRDs lack fields and versions they use.",
                on: crd.resource, at: crd.bundleVersion.valueSpan,
                remediation: """
                    Replace the Gateway API CRDs in \(crd.resource.file) with v1.2.1 or later (\(channel) channel):
                    curl -sSL https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.1/\(channel)-install.yaml -o \(crd.resource.file)
                    """))
        }
        return findings
    }

    /// True when two components are not at the same version: different exact versions, or highest
    /// admitted versions on different release lines.
    private static func differ(_ lhs: VersionConstraint, _ rhs: VersionConstraint) -> Bool {
        if let left = lhs.exactVersion, let right = rhs.exactVersion { return left != right }
        guard let left = lhs.highestLine, let right = rhs.highestLine else { return false }
        return left != right
    }

    private func report(
        _ installation: IstioInstallation, constraint: VersionConstraint, belowGA: Bool, mismatch: IstioInstallation?,
        reference: IstioInstallation?
    ) -> Finding {
        let component = installation.component
        let what = component == .istioOperator ? "Istio" : "Istio chart \(component.rawValue)"
        var message = "\(installation.resource.displayName) installs \(what) at \(installation.versionField) "
            + "\(installation.version.value)\(Self.ceiling(of: constraint))"
        var reasons: [String] = []
        if belowGA { reasons.append("below 1.24, where ambient mode became generally available (earlier releases are out of support)") }
        if let mismatch {
            reasons.append("\(mismatch.component.rawValue) is at \(mismatch.version.value) (\(mismatch.resource.displayName)), "
                + "and the charts of one installation are released and tested together")
        }
        message += ": " + reasons.joined(separator: "; ") + "."
        var related: [RelatedLocation] = []
        if let mismatch {
            related.append(RelatedLocation(
                "\(mismatch.component.rawValue) is installed at \(mismatch.version.value)", in: mismatch.resource, at: mismatch.version.span))
        }
        if let chart = installation.chart {
            related.append(RelatedLocation("the \(component.rawValue) chart", in: installation.resource, at: chart.span))
        }
        return finding(
            message, on: installation.resource, at: installation.version.span, related: related,
            remediation: Self.remediation(for: installation, reference: reference))
    }

    /// ` (at most 1.22.x)`: what a range comes down to; empty for an exact version.
    private static func ceiling(of constraint: VersionConstraint) -> String {
        guard constraint.exactVersion == nil, let bound = constraint.upperBound else { return "" }
        if bound.inclusive { return " (at most \(bound.version))" }
        if let line = constraint.highestLine { return " (at most \(line.major).\(line.minor).x)" }
        return " (below \(bound.version))"
    }

    /// The version to write, in the field the installation uses.
    private static func remediation(for installation: IstioInstallation, reference: IstioInstallation?) -> String {
        // Match a reference that is itself supported; else the first GA release line.
        let supportedReference = reference.flatMap { reference -> IstioInstallation? in
            guard let constraint = reference.constraint, !constraint.admitsOnlyVersions(below: .ambientGA) else { return nil }
            return reference
        }
        let exact = supportedReference?.constraint?.exactVersion?.description ?? ReleaseVersion.ambientGA.description
        let version: String
        switch installation.installer {
        case .istioOperator:
            version = exact
        case .argoApplication, .fluxHelmRelease:
            version = supportedReference.map { $0.constraint?.exactVersion?.description ?? $0.version.value } ?? "1.24.*"
        }
        let intro = "Install every Istio component at the same release, 1.24 or later (upgrade at most two minor versions per step)"
        let value = AuthenticationRemediation.scalar(version)
        let path = installation.versionPath.split(separator: ".").map(String.init)
        switch installation.installer {
        case .argoApplication:
            let chart = AuthenticationRemediation.scalar(installation.chart?.value ?? installation.component.rawValue)
            if path.first == "spec", path.count == 3, path[1].hasPrefix("sources[") {
                return "\(intro): set \(installation.versionPath) of \(installation.resource.displayName):\n"
                    + "spec:\n  sources:\n  - chart: \(chart)\n    targetRevision: \(value)"
            }
            return "\(intro):\nspec:\n  source:\n    chart: \(chart)\n    targetRevision: \(value)"
        case .fluxHelmRelease:
            let chart = AuthenticationRemediation.scalar(installation.chart?.value ?? installation.component.rawValue)
            return "\(intro):\nspec:\n  chart:\n    spec:\n      chart: \(chart)\n      version: \(value)"
        case .istioOperator:
            if installation.versionField == "revision" {
                let revision = exact.split(separator: ".").joined(separator: "-")
                return "\(intro): install a new revision with its version as tag:\nspec:\n  revision: \(revision)\n  tag: \(value)"
            }
            return installation.versionPath == "spec.tag"
                ? "\(intro):\nspec:\n  tag: \(value)"
                : "\(intro):\nspec:\n  values:\n    global:\n      tag: \(value)"
        }
    }
}

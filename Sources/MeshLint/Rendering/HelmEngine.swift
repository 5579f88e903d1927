/// The Helm that renders charts: `helm template`, found on PATH or named by `--helm` /
/// `MESHLINT_HELM` — never by `.meshlint.yaml`, which a pull request controls. It runs without a
/// shell, with a time limit and the same offline environment as Kustomize; a chart whose
/// dependencies are not vendored in its `charts/` is refused before Helm runs (only a pull
/// would bring them).
struct HelmEngine {
    let program: String

    static let installHint = "install Helm (https://helm.sh/docs/intro/install/), or name one with --helm PATH"

    /// `explicit` (`--helm`), else `MESHLINT_HELM`, else `helm` on PATH.
    static func locate(explicit: String?, environment: [String: String] = ProcessEnvironment.current) -> HelmEngine? {
        let named = explicit ?? environment["MESHLINT_HELM"].flatMap { $0.isEmpty ? nil : $0 } ?? "helm"
        return KustomizeEngine.executable(named, path: environment["PATH"]).map(HelmEngine.init)
    }

    /// One release to render.
    struct Release: Equatable {
        let chart: String
        let name: String
        let namespace: String
        /// Values files (absolute), in order, after the chart's own `values.yaml`.
        var valuesFiles: [String] = []
        /// False when `namespace` is `default` for want of one (nothing named the namespace).
        var namespaceIsKnown = true
    }

    /// The arguments `helm` is run with: what `helm template` needs to print a release as
    /// installing it would create it, test hooks left out (`--skip-tests`: Argo CD and
    /// `helm install` do not create them).
    func arguments(for release: Release) -> [String] {
        [program, "template", release.name, release.chart, "--namespace", release.namespace, "--skip-tests"]
            + release.valuesFiles.flatMap { ["--values", $0] }
    }

    /// `helm dependency build` on a copy of a chart (`--allow-remote`): the pull it needs, never
    /// in the repository's own tree. nil when it worked, else why not.
    func buildDependencies(of chart: String, timeout: Duration) -> String? {
        var options = Subprocess.Options()
        options.timeout = timeout
        options.captureErrors = true
        guard let output = Subprocess.run([program, "dependency", "build", chart], options: options) else { return "\(program) could not be started" }
        if output.timedOut { return "helm dependency build ran past its time limit" }
        guard output.status == 0 else {
            return "helm dependency build exited \(output.status): "
                + String(decoding: output.stderr, as: UTF8.self).split(separator: "\n").prefix(3).joined(separator: " ")
        }
        return nil
    }

    func render(_ release: Release, timeout: Duration) -> KustomizeEngine.Outcome {
        var options = Subprocess.Options()
        options.timeout = timeout
        options.captureErrors = true
        options.environment = KustomizeEngine.offlineEnvironment()
        guard let output = Subprocess.run(arguments(for: release), options: options) else { return .failed("\(program) could not be started") }
        if output.timedOut { return .timedOut }
        guard output.status == 0 else {
            let message = String(decoding: output.stderr, as: UTF8.self).split(separator: "\n").prefix(3).joined(separator: " ")
            return .failed("helm template exited \(output.status): \(message)")
        }
        return .rendered(output.stdout)
    }

    /// A release name Helm accepts (lower-case letters, digits and `-`, at most 53 characters)
    /// made from a chart's name.
    static func releaseName(for chartName: String) -> String {
        let characters = chartName.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }
        let trimmed = String(characters).split(separator: "-").joined(separator: "-")
        return String((trimmed.isEmpty ? "release" : trimmed).prefix(53))
    }
}

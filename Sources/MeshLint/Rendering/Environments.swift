import MeshLintConfig
import Rules
import YAMLModel

/// The meshes a scanned tree describes. Kustomize roots that build from a common base are
/// variants of one application (`overlays/dev`, `overlays/prod`): each is checked as a mesh of
/// its own, so that they neither mix their findings nor hide each other's objects as duplicates.
/// Roots that share nothing are parts of one cluster (several applications, one platform): they
/// and the plain manifests are checked together, as one mesh, and with each variant.
struct Environment {
    /// The environment's name as reports show it; nil for the plain files or one cluster of parts.
    let name: String?
    /// What is indexed: plain files and rendered streams.
    var files: [ManifestFile]
    /// The renders among `files`: where each rendered object came from.
    let renders: [any RenderedStream]
}

/// How the environments of a scan are made.
struct RenderRequest {
    /// Render Kustomize roots and Helm charts (`--no-render` turns it off).
    var enabled = true
    /// `--kustomize PATH`.
    var kustomize: String?
    /// `--helm PATH`.
    var helm: String?
    /// Renders are kept by the hash of their inputs (`--no-render-cache` turns it off).
    var cache = true
    /// Why roots are not rendered in this scan, when they are not (changed-files mode).
    var disabledReason: String?
    /// `--allow-outside-repository`: a render may read files outside the repository.
    var allowOutsideRepository = false
    /// `--allow-remote`: remote Kustomize bases are fetched and chart dependencies pulled
    /// (into a copy of the chart); such renders are not cached.
    var allowRemote = false
    /// `render.releases` of the configuration.
    var releases: [Configuration.HelmRelease] = []
    /// `render.skip` of the configuration.
    var skip: [Glob] = []
    /// `render.names` and `render.clusters` of the configuration.
    var names: [String: String] = [:]
    var clusters: [Configuration.Cluster] = []
    /// `render.repositories`: other repositories' URLs and their local directories (absolute).
    var repositories: [String: String] = [:]
    /// The directory the configuration's paths are relative to (absolute).
    var configurationDirectory: String?
}

enum Environments {
    /// The environments of `manifests`, and the manifests with the notes on kustomizations and
    /// templates that were not rendered rewritten to say why. A kustomization's note goes when
    /// every root that uses it was built. `timings` records the engines' time apart from the scan's.
    static func make(
        _ manifests: [ManifestFile], request: RenderRequest, workingDirectory: String, deadline: ContinuousClock.Instant?,
        timings: inout Timings
    ) -> (environments: [Environment], manifests: [ManifestFile]) {
        var notices: [String] = []
        return make(manifests, request: request, workingDirectory: workingDirectory, deadline: deadline, timings: &timings, notices: &notices)
    }

    /// `notices`: what the scan says once, on standard error (an engine that is missing).
    static func make(
        _ manifests: [ManifestFile], request: RenderRequest, workingDirectory: String, deadline: ContinuousClock.Instant?,
        timings: inout Timings, notices: inout [String]
    ) -> (environments: [Environment], manifests: [ManifestFile]) {
        var renderNotices: [String] = []
        defer { notices += renderNotices }
        func absolute(_ path: String) -> String { RepositoryRoot.absolute(path, workingDirectory: workingDirectory) }
        let kustomizationFiles = manifests.filter { $0.problems.contains { $0.kind == .kustomizationNotRendered } }
        var chartFiles = manifests.map { absolute($0.path) }.filter { $0.hasSuffix("/Chart.yaml") }
        let applications = manifests.contains { $0.resources.contains { $0.group == ArgoApplication.group } } && request.enabled
            ? ArgoApplication.applications(
                in: manifests.flatMap(\.resources), workingDirectory: workingDirectory,
                repositories: confinedCheckouts(request, workingDirectory: workingDirectory))
            : []
        guard !kustomizationFiles.isEmpty || !chartFiles.isEmpty || !applications.isEmpty else {
            return ([Environment(name: nil, files: manifests, renders: [])], manifests)
        }
        var renderer = Renderer(request: request, workingDirectory: workingDirectory, deadline: deadline, manifests: manifests)
        renderer.use(applications)
        // An Application's plain directory: its objects without a namespace are deployed into
        // the Application's destination namespace.
        renderer.renderDirectories(manifests)
        chartFiles += renderer.applications.keys.map { $0 + "/Chart.yaml" }.filter(Discovery.isRegularFile)
        if !kustomizationFiles.isEmpty || renderer.applications.keys.contains(where: { KustomizeTree.kustomizationFile(in: $0) != nil }) {
            renderer.renderKustomize(directories: kustomizationFiles.map { parent(of: absolute($0.path)) }, timings: &timings)
        }
        if !chartFiles.isEmpty { renderer.renderHelm(charts: HelmChart.charts(chartFiles: Array(Set(chartFiles))), timings: &timings) }
        var rendered = renderer.rendered
        renderNotices = renderer.notices
        let variantNames = Set(variants(of: rendered).map(\.name))
        // The namespaces Argo CD creates, where no manifest defines them: in the environment of
        // the Application that creates it when that is a variant (ledger-dev's namespace is not
        // in ledger-prod), else in the cluster every environment shares.
        let defined = Set((manifests.flatMap(\.resources) + rendered.flatMap(\.file.resources)).filter { $0.kind == "Namespace" && $0.group.isEmpty }.map(\.name))
        var sharedCreators: [ArgoApplication] = []
        for application in applications where application.createsNamespace && application.namespaceIsManaged {
            let name = renderer.environmentName(application)
            guard variantNames.contains(name) else {
                sharedCreators.append(application)
                continue
            }
            let reads = rendered.filter { $0.name == name }.reduce(into: Set<String>()) { $0.formUnion($1.reads) }
            if let created = ArgoNamespaceRender(applications: [application], existing: defined, name: name, reads: reads) { rendered.append(created) }
        }
        if let created = ArgoNamespaceRender(applications: sharedCreators, existing: defined, name: "Argo CD namespaces", reads: []) {
            rendered.append(created)
        }

        // Files a render read are scanned through it; the rest stay plain files.
        var plain: [ManifestFile] = []
        var updated: [ManifestFile] = []
        for var file in manifests {
            let path = absolute(file.path)
            if let index = file.problems.firstIndex(where: { $0.kind == .kustomizationNotRendered }) {
                if let reason = renderer.kustomizeReasons[path] {
                    let problem = file.problems[index]
                    file.problems[index] = InputProblem(
                        kind: problem.kind, message: ManifestLoader.notRenderedMessage + "; it was not built because \(reason)", span: problem.span)
                } else if renderer.owned.contains(path) {
                    file.problems.remove(at: index)
                }
            }
            if let reason = renderer.helmReasons[path], let index = file.problems.firstIndex(where: { $0.kind == .helmTemplate }) {
                let problem = file.problems[index]
                file.problems[index] = InputProblem(kind: problem.kind, message: problem.message + "; \(reason)", span: problem.span)
            }
            updated.append(file)
            if !renderer.owned.contains(path) || renderer.kustomizeReasons[path] != nil { plain.append(file) }
        }
        // Renders that read a common file are variants (overlays of one base, releases of one
        // chart): one mesh each. Without variants, every render and the plain files are one cluster.
        let variants: [any RenderedStream] = variants(of: rendered)
        let names = Set(variants.map { $0.name })
        let parts = rendered.filter { !names.contains($0.name) }
        // Each variant is deployed with the rest of the cluster: the plain files and the parts (a
        // platform root's mesh-wide policies hold in dev and in prod). Renders of one name (an
        // Application's sources and the namespace it creates) are one environment.
        let shared = plain + parts.map(\.file)
        guard !variants.isEmpty else {
            return (shared.isEmpty ? [] : [Environment(name: nil, files: shared, renders: parts)], updated)
        }
        var order: [String] = []
        var groups: [String: [any RenderedStream]] = [:]
        for variant in variants {
            if groups[variant.name] == nil { order.append(variant.name) }
            groups[variant.name, default: []].append(variant)
        }
        let environments = order.map { name in
            Environment(name: name, files: shared + groups[name]!.map(\.file), renders: parts + groups[name]!)
        }
        return (environments, updated)
    }

    /// `render.repositories` as absolute directories, those that resolve outside the
    /// configuration's repository left out (a pull request writes the configuration), unless
    /// `--allow-outside-repository`.
    static func confinedCheckouts(_ request: RenderRequest, workingDirectory: String) -> [String: String] {
        let base = request.configurationDirectory ?? workingDirectory
        let confinement = PathConfinement(allowOutside: request.allowOutsideRepository)
        let repository = PathConfinement.workTree(containing: base) ?? base
        return request.repositories.mapValues { RepositoryRoot.absolute($0, workingDirectory: base) }.filter { _, directory in
            guard let refusal = confinement.refusal(for: directory, what: "render.repositories names", root: repository) else { return true }
            FileHandle.writeToStandardError("meshlint: \(refusal)\n")
            return false
        }
    }

    /// The renders that read a file another render of another name reads: variants of one
    /// application (overlays of one base, releases of one chart, Applications of one source).
    static func variants(of rendered: [any RenderedStream]) -> [any RenderedStream] {
        // Renders of one name (an Application's sources, a cluster the configuration groups) are
        // one environment: their files together.
        var reads: [String: Set<String>] = [:]
        for render in rendered { reads[render.name, default: []].formUnion(render.reads) }
        let variantNames = Set(reads.keys.filter { name in
            reads.contains { other in other.key != name && !other.value.isDisjoint(with: reads[name]!) }
        })
        return rendered.filter { variantNames.contains($0.name) }
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    // MARK: Findings of rendered environments

    /// `finding` of `environment` placed in the source: the file and line of the field when the
    /// source has it unchanged, else the object's name there with a sentence saying which build
    /// set the field; related locations in the rendered stream likewise.
    static func sourced(_ findings: [Finding], in environment: Environment) -> [Finding] {
        guard !environment.renders.isEmpty else { return findings }
        let renders = Dictionary(environment.renders.map { ($0.file.path, $0) }, uniquingKeysWith: { first, _ in first })
        return findings.map { sourced($0, renders: renders, name: environment.name) }
    }

    private static func sourced(_ finding: Finding, renders: [String: any RenderedStream], name: String?) -> Finding {
        var result = finding.relocated(message: sourcedText(finding.message, renders: renders))
        var chain: [RelatedLocation] = []
        if let origin = finding.origin, let render = renders[origin.file],
           let resource = render.file.resources.first(where: { $0.origin == origin }),
           let location = render.location(of: finding.span, in: resource) {
            let sentence = location.remark.map { " " + $0 } ?? ""
            chain = location.chain.map { RelatedLocation(message: $0.message, file: $0.file, span: $0.span, resource: finding.resource) }
            result = result.relocated(file: location.file, span: location.span, message: result.message + sentence)
        }
        let related = finding.related.map { item -> RelatedLocation in
            guard let render = renders[item.file], let reference = item.resource,
                  let resource = render.file.resources.first(where: { ResourceRef($0) == reference }),
                  let location = render.location(of: item.span, in: resource)
            else { return item }
            return RelatedLocation(message: sourcedText(item.message, renders: renders), file: location.file, span: location.span, resource: item.resource)
        }
        // A finding on an object of a shared part (another Application, a platform root) is that
        // part's, whichever environment it was found in.
        let own = finding.origin.flatMap { renders[$0.file] }.map(\.name)
        return result.relocated(related: chain + related, environments: (own ?? name).map { [$0] } ?? [])
    }

    /// `text` with each `<kustomize build ROOT>:LINE` (or `<helm template …>:LINE`) a rule wrote (a duplicate's other copies, a
    /// related object) replaced by the source file and line of the object on that line.
    static func sourcedText(_ text: String, renders: [String: any RenderedStream]) -> String {
        guard text.contains("<kustomize build ") || text.contains("<helm template ") else { return text }
        var output = ""
        var rest = Substring(text)
        while let start = [rest.firstRange(of: "<kustomize build "), rest.firstRange(of: "<helm template ")]
            .compactMap({ $0 }).min(by: { $0.lowerBound < $1.lowerBound }) {
            output += rest[..<start.lowerBound]
            guard let close = rest[start.lowerBound...].firstIndex(of: ">") else { break }
            let path = String(rest[start.lowerBound...close])
            var after = rest[rest.index(after: close)...]
            var replaced = path
            if after.hasPrefix(":") {
                let digits = after.dropFirst().prefix { $0.isNumber }
                if let line = Int(digits), let render = renders[path], let source = render.sourceLine(ofRenderedLine: line) {
                    replaced = source
                    after = after.dropFirst(1 + digits.count)
                    // A column after the line belongs to the rendered stream too.
                    if after.hasPrefix(":"), after.dropFirst().first?.isNumber == true {
                        after = after.dropFirst().drop { $0.isNumber }
                    }
                }
            }
            output += replaced
            rest = after
        }
        return output + rest
    }

    /// One finding per source location, rule and message, with every environment it was found in.
    static func merged(_ findings: [Finding]) -> [Finding] {
        var order: [String] = []
        var byKey: [String: Finding] = [:]
        for finding in findings {
            let key = [finding.ruleID, finding.file, "\(finding.span.start.line):\(finding.span.start.column)", finding.message].joined(separator: "\u{1F}")
            if let existing = byKey[key] {
                let environments = Array(Set(existing.environments + finding.environments)).sorted()
                byKey[key] = existing.relocated(environments: environments)
            } else {
                order.append(key)
                byKey[key] = finding
            }
        }
        // Said in the message, so that every format shows it: where the finding holds.
        return order.map { key in
            let finding = byKey[key]!
            guard !finding.environments.isEmpty else { return finding }
            let count = finding.environments.count
            return finding.relocated(message: finding.message + " [environment\(count == 1 ? "" : "s"): "
                + finding.environments.joined(separator: ", ") + "]")
        }
    }
}

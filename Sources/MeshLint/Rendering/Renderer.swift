import MeshLintConfig
import YAMLModel

/// Renders the roots of one scan with their engines, and keeps what the scan must know after:
/// the streams rendered, the files they read, and why each root that was not rendered was not.
struct Renderer {
    let request: RenderRequest
    let workingDirectory: String
    let deadline: ContinuousClock.Instant?
    /// The files the scan read, by absolute path: a render's sources are found among them first.
    let read: [String: ManifestFile]
    let sourceTexts = SourceTexts()
    let cache: RenderCache

    private(set) var rendered: [any RenderedStream] = []
    /// The Argo CD Applications of the scan, by the source directory (absolute) they deploy.
    private(set) var applications: [String: [(application: ArgoApplication, source: ArgoApplication.Source)]] = [:]
    /// Files scanned through a render (not again as plain files), absolute.
    private(set) var owned = Set<String>()
    /// Why each kustomization file (absolute) was not built; absent: it was.
    private(set) var kustomizeReasons: [String: String] = [:]
    /// Why the templates of a chart were not rendered, by template file (absolute).
    private(set) var helmReasons: [String: String] = [:]
    /// Said once for the whole scan: an engine that is missing, with how to install one.
    var notices: [String] {
        var said: [String] = []
        if missingKustomize > 0 {
            said.append("no Kustomize was found, so \(missingKustomize) Kustomize root\(missingKustomize == 1 ? " was" : "s were") read as files "
                + "(each kustomization-not-rendered note says so): " + KustomizeEngine.installHint)
        }
        if missingHelm > 0 {
            said.append("no Helm was found, so \(missingHelm) chart\(missingHelm == 1 ? " was" : "s were") read as files "
                + "(each helm-template-not-rendered note says so): " + HelmEngine.installHint)
        }
        return said
    }
    private var missingKustomize = 0
    private var missingHelm = 0

    init(request: RenderRequest, workingDirectory: String, deadline: ContinuousClock.Instant?, manifests: [ManifestFile]) {
        self.request = request
        self.workingDirectory = workingDirectory
        self.deadline = deadline
        cache = RenderCache.located(enabled: request.cache)
        read = Dictionary(manifests.map { (RepositoryRoot.absolute($0.path, workingDirectory: workingDirectory), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Records the Applications: their sources are rendered as they deploy them.
    mutating func use(_ found: [ArgoApplication]) {
        for application in found {
            for source in application.sources { applications[source.directory, default: []].append((application, source)) }
        }
    }

    /// The environment name of an Application.
    func environmentName(_ application: ArgoApplication) -> String {
        environmentName("Application \(application.name)", root: application.sources.first?.directory)
    }

    /// An environment's name: the configuration's `render.names` for its root or its own name,
    /// then the cluster of `render.clusters` it belongs to.
    func environmentName(_ name: String, root: String?) -> String {
        let relative = root.flatMap { RepositoryRoot.relative($0, to: request.configurationDirectory ?? workingDirectory, workingDirectory: workingDirectory) }
        let named = request.names[name] ?? relative.flatMap { request.names[$0] } ?? name
        let cluster = request.clusters.first { cluster in
            cluster.patterns.contains { $0.matches(named) || $0.matches(name) || relative.map($0.matches) == true }
        }
        return cluster?.name ?? named
    }

    func absolute(_ path: String) -> String { RepositoryRoot.absolute(path, workingDirectory: workingDirectory) }
    func display(_ path: String) -> String { Discovery.displayPath(path, workingDirectory: workingDirectory) }

    /// Why nothing is rendered in this scan, or nil.
    private var scanWideRefusal: String? {
        if !request.enabled { return "rendering is off (--no-render)" }
        return request.disabledReason
    }

    private var timeLimit: Duration? {
        guard let deadline else { return .seconds(120) }
        let left = ContinuousClock.now.duration(to: deadline)
        return left <= .zero ? nil : min(left, .seconds(120))
    }

    // MARK: Argo CD directories

    /// The plain directory sources of the Applications (neither a kustomization nor a chart):
    /// their direct children, or every file below with `directory.recurse`, those `include` and
    /// `exclude` let through, once per Application.
    mutating func renderDirectories(_ manifests: [ManifestFile]) {
        guard scanWideRefusal == nil else { return }
        for (directory, bound) in applications.sorted(by: { $0.key < $1.key }) {
            guard KustomizeTree.kustomizationFile(in: directory) == nil, !Discovery.isRegularFile(directory + "/Chart.yaml") else { continue }
            for (application, source) in bound {
                let files = manifests.compactMap { file -> (display: String, absolute: String)? in
                    let path = absolute(file.path)
                    guard path.hasPrefix(directory + "/"), source.deploys(String(path.dropFirst(directory.count + 1))) else { return nil }
                    return (file.path, path)
                }
                guard !files.isEmpty else { continue }
                rendered.append(DirectoryRender(
                    directory: directory, label: display(directory), name: environmentName(application), namespace: application.namespace, files: files))
                owned.formUnion(files.map(\.absolute))
            }
        }
    }

    // MARK: Kustomize

    mutating func renderKustomize(directories: [String], timings: inout Timings) {
        // An Application's source directory is built as it deploys it, even when an overlay includes it.
        let deployed = applications.keys.filter { KustomizeTree.kustomizationFile(in: $0) != nil }
        let tree = KustomizeTree(directories: directories + deployed)
        let engine = scanWideRefusal == nil ? KustomizeEngine.locate(explicit: request.kustomize) : nil
        let source: (String) -> ManifestFile? = { [read] path in read[path] ?? Self.readSource(path) }
        for root in Set(tree.roots).union(deployed).sorted() {
            let closure = tree.closure(of: root)
            func refuse(_ reason: String) {
                for kustomization in closure where kustomizeReasons[kustomization.file] == nil { kustomizeReasons[kustomization.file] = reason }
            }
            if let reason = scanWideRefusal { refuse(reason); continue }
            if isSkipped(root) { refuse("the configuration's render.skip names it"); continue }
            guard let engine else {
                missingKustomize += 1
                refuse("no Kustomize was found: " + KustomizeEngine.installHint)
                continue
            }
            let remote = tree.remoteEntries(of: root)
            if !remote.isEmpty, !request.allowRemote {
                refuse("it needs \(remote[0])\(remote.count > 1 ? " and \(remote.count - 1) more remote entries" : ""), and MeshLint renders offline "
                    + "(--allow-remote fetches them)")
                continue
            }
            if closure.contains(where: \.inflatesHelm) { refuse("it inflates Helm charts (helmCharts), which needs a chart pull"); continue }
            // What the build would read stays in the repository: no base or file (or link) outside it.
            let confinement = PathConfinement(allowOutside: request.allowOutsideRepository)
            let repository = PathConfinement.workTree(containing: root) ?? absolute(".")
            if let outside = closure.lazy.flatMap({ [$0.directory] + $0.files })
                .compactMap({ confinement.refusal(for: $0, what: "it reads", root: repository) }).first {
                refuse(outside)
                continue
            }
            // Once as it stands, or once for each Application that deploys it (its namespace).
            let deployments: [(name: String?, namespace: String?)] = applications[root].map { bound in
                bound.map { (environmentName($0.application), $0.application.namespace) }
            } ?? [(nil, nil)]
            let reads = Set(closure.flatMap { [$0.file] + $0.files })
            // What is fetched is not in the key: a render that fetches is not kept.
            let key = !remote.isEmpty ? nil : RenderCache.key(
                parts: ["kustomize", RenderCache.engineIdentity(engine.command[0])] + engine.command.dropFirst()
                    + [RepositoryRoot.relative(root, to: repository, workingDirectory: "/") ?? root],
                directories: closure.map(\.directory), files: Array(reads), repository: repository)
            for deployment in deployments {
                // Unique per stream: an Application may deploy several roots.
                let label = display(root) + (deployment.name.map { " for \($0)" } ?? "")
                if let key, cache.directory != nil, let entry = cache.read(key) {
                    timings.record("kustomize \(label) (cached)", .zero)
                    rendered.append(KustomizeRender(
                        root: root, bytes: entry.bytes, scratch: entry.scratch, renderedPath: "<kustomize build \(label)>", reads: reads,
                        name: deployment.name ?? environmentName(display(root), root: root), defaultNamespace: deployment.namespace, chain: closure,
                        movedRepository: (entry.repository, repository), display: display, source: source))
                    owned.formUnion(reads)
                    continue
                }
                guard let limit = timeLimit else { refuse("the time limit ran out first"); break }
                guard let scratch = TemporaryFiles.directory(prefix: "meshlint-kustomize") else { refuse("no temporary directory"); break }
                defer { TemporaryFiles.remove(directory: scratch) }
                let started = ContinuousClock.now
                let outcome = engine.render(root: root, scratch: scratch, timeout: limit, online: !remote.isEmpty)
                timings.record("kustomize \(label)", started.duration(to: .now))
                if case .rendered(let bytes) = outcome, let key { cache.write(key, RenderCache.Entry(scratch: scratch, repository: repository, bytes: bytes)) }
                switch outcome {
                case .timedOut:
                    refuse("the build ran past its time limit")
                case .failed(let message):
                    refuse("the build failed: \(message)")
                case .rendered(let bytes):
                    rendered.append(KustomizeRender(
                        root: root, bytes: bytes, scratch: scratch, renderedPath: "<kustomize build \(label)>", reads: reads,
                        name: deployment.name ?? environmentName(display(root), root: root), defaultNamespace: deployment.namespace, chain: closure, display: display, source: source))
                    owned.formUnion(reads)
                }
            }
        }
    }

    /// A source file outside the scanned paths (a base the overlay includes from elsewhere).
    static func readSource(_ path: String) -> ManifestFile? {
        guard case .bytes(let bytes) = FileReader.read(path: path, maxSize: ParseLimits.default.maxFileSize) else { return nil }
        return ManifestLoader.load(path: path, bytes: bytes)
    }

    // MARK: Helm

    /// The releases of `chart`: those `render.releases` names for it, else one per environment
    /// values file (`values-prod.yaml`), else one with the chart's own values. A release is named
    /// after the chart and is in namespace `default` (as `helm template` puts it) unless the
    /// configuration says otherwise.
    func releases(of chart: HelmChart) -> [(name: String, release: HelmEngine.Release)] {
        if let bound = applications[chart.directory] {
            // As Argo CD releases it: its values files, then its inline values (written beside
            // the render by `renderHelm`), into the destination namespace.
            return bound.map { application, source in
                var release = HelmEngine.Release(
                    chart: chart.directory, name: HelmEngine.releaseName(for: source.releaseName ?? application.name),
                    namespace: application.namespace ?? "default",
                    valuesFiles: source.valueFiles.filter { !$0.hasPrefix("$") }.map { RepositoryRoot.absolute($0, workingDirectory: chart.directory) })
                release.namespaceIsKnown = application.namespace != nil
                return (environmentName(application), release)
            }
        }
        let configured = request.releases.filter { entry in
            RepositoryRoot.absolute(entry.chart, workingDirectory: request.configurationDirectory ?? workingDirectory) == chart.directory
        }
        func automatic(release: String?, namespace: String?, name: String?) -> [(name: String, release: HelmEngine.Release)] {
            var base = HelmEngine.Release(chart: chart.directory, name: release ?? HelmEngine.releaseName(for: chart.name), namespace: namespace ?? "default")
            base.namespaceIsKnown = namespace != nil
            guard !chart.environmentValues.isEmpty else { return [(name ?? display(chart.directory), base)] }
            return chart.environmentValues.map { values in
                let file = values.split(separator: "/").last.map(String.init) ?? values
                var release = base
                release.valuesFiles = [values]
                return (name.map { "\($0) (\(file))" } ?? "\(display(chart.directory)) (\(file))", release)
            }
        }
        guard !configured.isEmpty else {
            return automatic(release: nil, namespace: nil, name: nil).map { (environmentName($0.name, root: chart.directory), $0.release) }
        }
        return configured.flatMap { entry -> [(name: String, release: HelmEngine.Release)] in
            guard let values = entry.values else { return automatic(release: entry.release, namespace: entry.namespace, name: entry.name) }
            var release = HelmEngine.Release(
                chart: chart.directory, name: entry.release ?? HelmEngine.releaseName(for: chart.name), namespace: entry.namespace ?? "default",
                valuesFiles: values.map { RepositoryRoot.absolute($0, workingDirectory: chart.directory) })
            release.namespaceIsKnown = entry.namespace != nil
            return [(entry.name ?? display(chart.directory) + (values.isEmpty ? "" : " (\(values.joined(separator: ", ")))"), release)]
        }.map { (environmentName($0.name, root: chart.directory), $0.release) }
    }

    /// True when the configuration's `render.skip` names `root`.
    func isSkipped(_ root: String) -> Bool {
        guard !request.skip.isEmpty else { return false }
        let base = request.configurationDirectory ?? workingDirectory
        guard let relative = RepositoryRoot.relative(root, to: base, workingDirectory: workingDirectory) else { return false }
        return request.skip.contains { $0.matches(relative) }
    }

    mutating func renderHelm(charts: [HelmChart], timings: inout Timings) {
        let engine = scanWideRefusal == nil ? HelmEngine.locate(explicit: request.helm) : nil
        for chart in charts {
            let chartWords = "the chart \(display(chart.directory)) was not rendered"
            // The chart's files and those of the charts it takes by `file://`: rendered through it.
            let files = chart.files + chart.fileDependencies.flatMap { HelmChart.read(directory: $0)?.files ?? [] }
            func refuse(_ reason: String) {
                for file in files where helmReasons[file] == nil { helmReasons[file] = "\(chartWords): \(reason)" }
            }
            if let reason = scanWideRefusal { refuse(reason); continue }
            if isSkipped(chart.directory) { refuse("the configuration's render.skip names it"); continue }
            guard let engine else {
                missingHelm += 1
                refuse("no Helm was found: " + HelmEngine.installHint)
                continue
            }
            if !chart.missingDependencies.isEmpty, !request.allowRemote {
                refuse("it depends on \(chart.missingDependencies.joined(separator: ", ")), not vendored in its charts/ directory "
                    + "(`helm dependency build` would pull it, and MeshLint renders offline; --allow-remote pulls it into a copy)")
                continue
            }
            let confinement = PathConfinement(allowOutside: request.allowOutsideRepository)
            let repository = PathConfinement.workTree(containing: chart.directory) ?? absolute(".")
            // The chart's own directory too: an Application's `path` may be a link out of the repository.
            if let outside = ([chart.directory] + chart.links).lazy.compactMap({ confinement.refusal(for: $0, what: "it reads", root: repository) }).first {
                refuse(outside)
                continue
            }
            var releases = releases(of: chart)
            // --allow-remote: the dependencies pulled into a copy of the chart, rendered from there.
            var pulled: String?
            defer { if let pulled { TemporaryFiles.removeTree(pulled) } }
            if !chart.missingDependencies.isEmpty || !chart.localDependencies.isEmpty {
                guard let limit = timeLimit, let copy = TemporaryFiles.directory(prefix: "meshlint-chart") else { refuse("the time limit ran out first"); continue }
                pulled = copy
                let chartCopy = copy + "/" + (chart.directory.split(separator: "/").last.map(String.init) ?? "chart")
                guard TemporaryFiles.copy(chart.files, from: chart.directory, to: chartCopy) else { refuse("the chart could not be copied"); continue }
                // `file://` dependencies: their charts, from the repository, in the copy's charts/.
                var vendored = true
                for dependency in chart.localDependencies {
                    if let outside = confinement.refusal(for: dependency.directory, what: "its dependency \(dependency.name)", root: repository) {
                        refuse(outside)
                        vendored = false
                        break
                    }
                    guard let local = HelmChart.read(directory: dependency.directory),
                          TemporaryFiles.copy(local.files, from: local.directory, to: chartCopy + "/charts/" + dependency.name)
                    else {
                        refuse("its dependency \(dependency.name) (file://) is not a chart MeshLint can read")
                        vendored = false
                        break
                    }
                }
                guard vendored else { continue }
                if !chart.missingDependencies.isEmpty, let failure = engine.buildDependencies(of: chartCopy, timeout: limit) { refuse(failure); continue }
                releases = releases.map { name, release in
                    var moved = release
                    moved = HelmEngine.Release(chart: chartCopy, name: release.name, namespace: release.namespace, valuesFiles: release.valuesFiles)
                    moved.namespaceIsKnown = release.namespaceIsKnown
                    return (name, moved)
                }
            }
            if let outside = releases.lazy.flatMap(\.release.valuesFiles)
                .compactMap({ confinement.refusal(for: $0, what: "its values file", root: repository) }).first {
                refuse(outside)
                continue
            }
            var renderedAny = false
            let bound = Dictionary(applications[chart.directory]?.map { (environmentName($0.application), $0) } ?? [],
                                   uniquingKeysWith: { first, _ in first })
            for (name, configured) in releases {
                guard let limit = timeLimit else { refuse("the time limit ran out first"); break }
                var release = configured
                var scratch: String?
                if let values = bound[name]?.source.inlineValues {
                    scratch = TemporaryFiles.directory(prefix: "meshlint-helm")
                    guard let scratch, TemporaryFiles.write(values, to: scratch + "/values.yaml") else { refuse("no temporary directory"); break }
                    release.valuesFiles.append(scratch + "/values.yaml")
                }
                defer { if let scratch { TemporaryFiles.remove(directory: scratch) } }
                let repositoryValues = configured.valuesFiles
                let key = pulled != nil ? nil : RenderCache.key(
                    parts: ["helm", RenderCache.engineIdentity(engine.program), release.name, release.namespace,
                            RepositoryRoot.relative(chart.directory, to: repository, workingDirectory: "/") ?? chart.directory]
                        + repositoryValues.map { RepositoryRoot.relative($0, to: repository, workingDirectory: "/") ?? $0 }
                        + [bound[name]?.source.inlineValues ?? ""],
                    directories: [chart.directory], files: repositoryValues, repository: repository)
                let started = ContinuousClock.now
                var outcome: KustomizeEngine.Outcome
                if let key, cache.directory != nil, let entry = cache.read(key) {
                    outcome = .rendered(entry.bytes)
                    timings.record("helm template \(name) (cached)", .zero)
                } else {
                    outcome = engine.render(release, timeout: limit)
                    timings.record("helm template \(name)", started.duration(to: .now))
                    if case .rendered(let bytes) = outcome, let key { cache.write(key, RenderCache.Entry(scratch: "/", repository: repository, bytes: bytes)) }
                }
                switch outcome {
                case .timedOut:
                    refuse("helm template ran past its time limit")
                case .failed(let message):
                    refuse(message)
                case .rendered(let bytes):
                    let inline = bound[name].flatMap { application, source in
                        source.inlineValuesSource.map { (application.resource.file, $0.root, $0.lineOffset) }
                    }
                    rendered.append(HelmRender(
                        chart: chart, release: release, name: name, bytes: bytes, renderedPath: "<helm template \(name)\(bound[name] == nil ? "" : " " + display(chart.directory))>",
                        inlineValues: inline, display: display, text: sourceTexts.lines))
                    renderedAny = true
                }
            }
            if renderedAny { owned.formUnion(files) }
        }
    }
}

/// Source files read as lines, each once, for placing findings in templates and values files.
final class SourceTexts {
    private var cache: [String: [Substring]?] = [:]

    func lines(_ path: String) -> [Substring]? {
        if let cached = cache[path] { return cached }
        var lines: [Substring]?
        if case .bytes(let bytes) = FileReader.read(path: path, maxSize: 4 << 20) {
            lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        }
        cache[path] = lines
        return lines
    }
}

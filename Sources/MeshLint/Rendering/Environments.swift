import Rules
import YAMLModel

/// The meshes a scanned tree describes. Kustomize roots that build from a common base are
/// variants of one application (`overlays/dev`, `overlays/prod`): each is checked as a mesh of
/// its own, so that they neither mix their findings nor hide each other's objects as duplicates.
/// Roots that share nothing are parts of one cluster (several applications, one platform): they
/// and the plain manifests are checked together, as one mesh, and with each variant.
struct Environment {
    /// The root's path as reports show it; nil for the plain files or one cluster of parts.
    let name: String?
    /// What is indexed: plain files and rendered streams.
    var files: [ManifestFile]
    /// The builds among `files`: where each rendered object came from.
    let renders: [KustomizeRender]
}

/// How the environments of a scan are made.
struct RenderRequest {
    /// Build Kustomize roots (`--no-render` turns it off).
    var enabled = true
    /// `--kustomize PATH`.
    var kustomize: String?
    /// Why roots are not built in this scan, when they are not (changed-files mode).
    var disabledReason: String?
    /// `--allow-outside-repository`: a build may read bases and files outside the repository.
    var allowOutsideRepository = false
}

enum Environments {
    /// The environments of `manifests`, and the manifests with the notes on kustomizations that
    /// were not built rewritten to say why. A kustomization's note goes when every root that uses
    /// it was built. `timings` records the engine's time apart from the scan's.
    static func make(
        _ manifests: [ManifestFile], request: RenderRequest, workingDirectory: String, deadline: ContinuousClock.Instant?,
        timings: inout Timings
    ) -> (environments: [Environment], manifests: [ManifestFile]) {
        let kustomizationFiles = manifests.filter { $0.problems.contains { $0.kind == .kustomizationNotRendered } }
        guard !kustomizationFiles.isEmpty else { return ([Environment(name: nil, files: manifests, renders: [])], manifests) }
        func absolute(_ path: String) -> String { RepositoryRoot.absolute(path, workingDirectory: workingDirectory) }
        func display(_ path: String) -> String { Discovery.displayPath(path, workingDirectory: workingDirectory) }
        let tree = KustomizeTree(directories: kustomizationFiles.map { parent(of: absolute($0.path)) })

        // Why each kustomization (by absolute file) was not built; absent: it was.
        var reasons: [String: String] = [:]
        var rendered: [KustomizeRender] = []
        let read = Dictionary(manifests.map { (absolute($0.path), $0) }, uniquingKeysWith: { first, _ in first })
        let engine = request.enabled && request.disabledReason == nil ? KustomizeEngine.locate(explicit: request.kustomize) : nil
        for root in tree.roots {
            let closure = tree.closure(of: root)
            func refuse(_ reason: String) { for kustomization in closure where reasons[kustomization.file] == nil { reasons[kustomization.file] = reason } }
            if !request.enabled { refuse("rendering is off (--no-render)"); continue }
            if let reason = request.disabledReason { refuse(reason); continue }
            guard let engine else { refuse("no Kustomize was found: " + KustomizeEngine.installHint); continue }
            let remote = tree.remoteEntries(of: root)
            if !remote.isEmpty {
                refuse("it needs \(remote[0])\(remote.count > 1 ? " and \(remote.count - 1) more remote entries" : ""), and MeshLint renders offline")
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
            if let deadline, ContinuousClock.now >= deadline { refuse("the time limit ran out first"); continue }
            guard let scratch = TemporaryFiles.directory(prefix: "meshlint-kustomize") else { refuse("no temporary directory"); continue }
            defer { TemporaryFiles.remove(directory: scratch) }
            let limit = deadline.map { min(ContinuousClock.now.duration(to: $0), .seconds(120)) } ?? .seconds(120)
            let started = ContinuousClock.now
            let outcome = engine.render(root: root, scratch: scratch, timeout: limit)
            timings.record("kustomize \(display(root))", started.duration(to: .now))
            switch outcome {
            case .timedOut:
                refuse("the build ran past its time limit")
            case .failed(let message):
                refuse("the build failed: \(message)")
            case .rendered(let bytes):
                rendered.append(KustomizeRender(
                    root: root, bytes: bytes, scratch: scratch, renderedPath: "<kustomize build \(display(root))>", display: display,
                    source: { path in read[path] ?? readSource(path) }))
            }
        }

        // Files a built root read are scanned through it; the rest stay plain files.
        let builtRoots = Set(rendered.map(\.root))
        var builtFiles = Set<String>()
        for root in builtRoots {
            for kustomization in tree.closure(of: root) { builtFiles.formUnion([kustomization.file] + kustomization.files) }
        }
        var plain: [ManifestFile] = []
        var updated: [ManifestFile] = []
        for var file in manifests {
            let path = absolute(file.path)
            if let index = file.problems.firstIndex(where: { $0.kind == .kustomizationNotRendered }) {
                if let reason = reasons[path] {
                    let problem = file.problems[index]
                    file.problems[index] = InputProblem(
                        kind: problem.kind, message: ManifestLoader.notRenderedMessage + "; it was not built because \(reason)", span: problem.span)
                } else if builtFiles.contains(path) {
                    file.problems.remove(at: index)
                }
            }
            updated.append(file)
            if !builtFiles.contains(path) || reasons[path] != nil { plain.append(file) }
        }
        // Roots whose builds share a kustomization or a file are variants: one mesh each. Without
        // variants, every build and the plain files are one cluster.
        let variants = rendered.filter { render in
            rendered.contains { other in other.root != render.root && !Set(filesOf(other.root, in: tree)).isDisjoint(with: filesOf(render.root, in: tree)) }
        }
        let variantRoots = Set(variants.map(\.root))
        let parts = rendered.filter { !variantRoots.contains($0.root) }
        // Each variant is deployed with the rest of the cluster: the plain files and the parts (a
        // platform root's mesh-wide policies hold in dev and in prod).
        let shared = plain + parts.map(\.file)
        guard !variants.isEmpty else {
            return (shared.isEmpty ? [] : [Environment(name: nil, files: shared, renders: parts)], updated)
        }
        let environments = variants.map { Environment(name: display($0.root), files: shared + [$0.file], renders: parts + [$0]) }
        return (environments, updated)
    }

    /// What a root's build reads: its kustomizations and their files.
    private static func filesOf(_ root: String, in tree: KustomizeTree) -> [String] {
        tree.closure(of: root).flatMap { [$0.file] + $0.files }
    }

    /// A source file outside the scanned paths (a base the overlay includes from elsewhere).
    private static func readSource(_ path: String) -> ManifestFile? {
        guard case .bytes(let bytes) = FileReader.read(path: path, maxSize: ParseLimits.default.maxFileSize) else { return nil }
        return ManifestLoader.load(path: path, bytes: bytes)
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

    private static func sourced(_ finding: Finding, renders: [String: KustomizeRender], name: String?) -> Finding {
        var result = finding.relocated(message: sourcedText(finding.message, renders: renders))
        if let origin = finding.origin, let render = renders[origin.file],
           let resource = render.file.resources.first(where: { $0.origin == origin }),
           let location = render.location(of: finding.span, in: resource) {
            let sentence = location.exact ? "" : " (The Kustomize build sets this field; \(location.file) does not write it.)"
            result = result.relocated(file: location.file, span: location.span, message: result.message + sentence)
        }
        let related = finding.related.map { item -> RelatedLocation in
            guard let render = renders[item.file], let reference = item.resource,
                  let resource = render.file.resources.first(where: { ResourceRef($0) == reference }),
                  let location = render.location(of: item.span, in: resource)
            else { return item }
            return RelatedLocation(message: sourcedText(item.message, renders: renders), file: location.file, span: location.span, resource: item.resource)
        }
        return result.relocated(related: related, environments: name.map { [$0] } ?? [])
    }

    /// `text` with each `<kustomize build ROOT>:LINE` a rule wrote (a duplicate's other copies, a
    /// related object) replaced by the source file and line of the object on that line.
    static func sourcedText(_ text: String, renders: [String: KustomizeRender]) -> String {
        guard text.contains("<kustomize build ") else { return text }
        var output = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "<kustomize build ") {
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
            return finding.relocated(message: finding.message + " [Kustomize build\(count == 1 ? "" : "s"): "
                + finding.environments.joined(separator: ", ") + "]")
        }
    }
}

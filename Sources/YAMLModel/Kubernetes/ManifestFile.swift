/// One input file, read: the resources found in it and the problems that stopped some of it.
public struct ManifestFile: Sendable {
    /// The path as reports show it (relative to the working directory when under it), or `<stdin>`.
    public let path: String
    public var resources: [Resource] = []
    public var problems: [InputProblem] = []
    /// Non-empty documents read.
    public var documentCount = 0
    /// Documents without `apiVersion` and `kind` (CI workflows, Helm values): skipped silently.
    public var skippedDocuments = 0

    public init(path: String) {
        self.path = path
    }
}

/// Turns a file's bytes into resources: screening, parsing, `kind: List` expansion.
public enum ManifestLoader {
    public static func load(
        path: String, bytes: [UInt8], limits: ParseLimits = .default, pruning: Pruning = .none, scratch: ParseScratch? = nil,
        defaultNamespace: String? = nil
    ) -> ManifestFile {
        var file = ManifestFile(path: path)
        // An empty file (a placeholder, a `.keep`) holds nothing: no parser is started for it.
        guard !bytes.isEmpty else { return file }
        guard bytes.count <= limits.maxFileSize else {
            file.problems.append(oversize(bytes.count, limits: limits))
            return file
        }
        var bytes = bytes
        switch UTF16Input.transcoded(bytes) {
        case .utf8(let utf8): bytes = utf8
        case .invalid(let problem):
            file.problems.append(problem)
            return file
        case nil: break
        }
        if let problem = TextScreening.notTextProblem(bytes) {
            file.problems.append(problem)
            return file
        }
        // Template documents are skipped one by one; the rest of the file is still read.
        if let screened = TemplateDocuments.screen(bytes) {
            file.problems.append(screened.problem)
            if screened.isWholeFile { return file }
            bytes = screened.remaining
        }
        let parsed = YAMLParser.parse(bytes, limits: limits, pruning: pruning, scratch: scratch)
        file.problems += parsed.problems
        // A kustomization is Kustomize's input, not a Kubernetes object: never a resource. Read as
        // a file, it is a note that the directory was not built (see `notRenderedMessage`).
        if isKustomization(path: path, parsed.documents.first?.root) {
            let root = parsed.documents.first?.root
            let span = root?.pair("resources")?.key.span ?? root?.pair("kind")?.value.span ?? .fileStart
            file.documentCount = parsed.documents.count { !$0.root.isNull }
            file.problems.append(InputProblem(kind: .kustomizationNotRendered, message: notRenderedMessage, span: span))
            return file
        }
        let sources = HelmSourceComments(bytes)
        for document in parsed.documents where !document.root.isNull {
            file.documentCount += 1
            let rendered = sources.source(before: document.root.span.start.line)
            let origin = ResourceOrigin(file: path, document: document.index, renderedSource: rendered)
            guard let resource = Resource(node: document.root, origin: origin, defaultNamespace: defaultNamespace) else {
                file.skippedDocuments += 1
                continue
            }
            if resource.kind == "List", resource.group.isEmpty || resource.apiVersion == "v1" {
                for (offset, item) in (document.root["items"]?.items ?? []).enumerated() {
                    let itemOrigin = ResourceOrigin(file: path, document: document.index, listItem: offset, renderedSource: rendered)
                    if let itemResource = Resource(node: item, origin: itemOrigin, defaultNamespace: defaultNamespace) {
                        file.resources.append(itemResource)
                    }
                }
            } else {
                file.resources.append(resource)
            }
        }
        return file
    }

    /// Kustomize's file names, or a `kustomize.config.k8s.io` document.
    static func isKustomization(path: String, _ root: Node?) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if ["kustomization.yaml", "kustomization.yml", "Kustomization"].contains(name) { return true }
        return root?["apiVersion"]?.string?.hasPrefix("kustomize.config.k8s.io/") == true
    }

    /// What a kustomization read as a plain file means; the scan says why it was not built when
    /// it knows (no Kustomize installed, a remote base, a failed build).
    public static let notRenderedMessage = "this kustomization was read as a file, not built: the namespace, labels, patches and "
        + "transformers it applies to the resources it lists are missing from what was checked"

    /// The problem for a file over the size limit, found before reading it.
    public static func oversize(_ size: Int, limits: ParseLimits) -> InputProblem {
        InputProblem(
            kind: .limitExceeded,
            message: "the file is \(size) bytes, over the \(limits.maxFileSize)-byte limit; it was not read",
            span: .fileStart)
    }
}

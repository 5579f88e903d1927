import YAMLModel

/// The plain manifests of a directory as an Argo CD Application deploys them: objects that name no
/// namespace are in the Application's destination namespace. Nothing is rewritten, so every
/// position is the file's own.
struct DirectoryRender: RenderedStream {
    let root: String
    let name: String
    var engineWords: String { "Argo CD Application" }
    let reads: Set<String>
    let file: ManifestFile
    /// The file (as shown) each object was read from, by its origin in `file`.
    private let sources: [ResourceOrigin: String]

    /// `files`: the directory's manifests as the scan read them (their display paths) and their
    /// absolute paths.
    /// `label`: the directory as reports show it (an Application may deploy several).
    init(directory: String, label: String, name: String, namespace: String?, files: [(display: String, absolute: String)]) {
        root = directory
        self.name = name
        reads = Set(files.map(\.absolute))
        var merged = ManifestFile(path: "<\(name): \(label)>")
        var sources: [ResourceOrigin: String] = [:]
        var position = 0
        for (display, absolute) in files {
            guard case .bytes(let bytes) = FileReader.read(path: absolute, maxSize: ParseLimits.default.maxFileSize) else { continue }
            let loaded = ManifestLoader.load(path: display, bytes: bytes, defaultNamespace: namespace)
            merged.documentCount += loaded.documentCount
            merged.skippedDocuments += loaded.skippedDocuments
            for resource in loaded.resources {
                let origin = ResourceOrigin(file: merged.path, document: position)
                position += 1
                guard let moved = Resource(node: resource.node, origin: origin, defaultNamespace: namespace) else { continue }
                sources[origin] = display
                merged.resources.append(moved)
            }
        }
        file = merged
        self.sources = sources
    }

    func location(of span: Span, in resource: Resource) -> TracedLocation? {
        sources[resource.origin].map { TracedLocation(file: $0, span: span, exact: true) }
    }

    /// The merged stream's lines are its files' own, so a line names no object: nothing to say.
    func sourceLine(ofRenderedLine line: Int) -> String? { nil }
}

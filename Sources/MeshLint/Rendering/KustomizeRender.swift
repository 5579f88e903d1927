import YAMLModel

/// One Kustomize root rendered, and where each of its objects came from: the file Kustomize's
/// origin annotation names, and in it the document of the same kind and name. A finding on a field
/// of a rendered object is placed on that field in the source document when the field is there
/// with the same value; else (the overlay set or changed it) on the source document's name, and
/// the caller says so.
struct KustomizeRender: RenderedStream {
    /// The annotation `buildMetadata: [originAnnotations]` adds: `path: <file>` (relative to the
    /// directory of the kustomization that was built), and `repo`/`ref` for remote ones.
    static let originAnnotation = "config.kubernetes.io/origin"

    /// Where a rendered object came from.
    struct Source {
        /// The source file, as MeshLint shows paths.
        let file: String
        /// The document in it, when one of the same kind and name was found.
        let document: Node?
    }

    /// A location in the source: exact when the field is in the source with the same value;
    /// else the object's name in its source, and a remark that the build set the field.
    typealias Location = TracedLocation

    let root: String
    let name: String
    var engineWords: String { "Kustomize build" }
    let reads: Set<String>
    /// Finds the entry of the build that set a field the source does not write.
    let attribution: KustomizeAttribution?
    private let display: (String) -> String
    /// The rendered stream, parsed.
    let file: ManifestFile
    /// By the rendered object's origin (its document in the stream).
    let sources: [ResourceOrigin: Source]

    /// `bytes` (the engine's output for `root`, built from `scratch`), parsed as `renderedPath`.
    /// `display` turns an absolute path into MeshLint's display path; `source` reads a file.
    /// `reads`: the kustomizations and files the build read.
    /// `name`: the environment's (default: the root's path); `defaultNamespace`: where objects
    /// that name no namespace are deployed (an Argo CD Application's destination).
    init(root: String, bytes: [UInt8], scratch: String, renderedPath: String, reads: Set<String> = [], name: String? = nil,
         defaultNamespace: String? = nil, chain: [KustomizeTree.Kustomization] = [], movedRepository: (from: String, to: String)? = nil,
         display: @escaping (String) -> String, source: (String) -> ManifestFile?) {
        self.root = root
        self.reads = reads
        self.display = display
        attribution = chain.isEmpty ? nil : KustomizeAttribution(chain: chain, text: { path in
            if case .bytes(let bytes) = FileReader.read(path: path, maxSize: 1 << 20) { return bytes }
            return nil
        })
        self.name = name ?? display(root)
        file = ManifestLoader.load(path: renderedPath, bytes: bytes, defaultNamespace: defaultNamespace)
        var sources: [ResourceOrigin: Source] = [:]
        var files: [String: ManifestFile?] = [:]
        for resource in file.resources {
            guard let origin = resource.annotations[Self.originAnnotation]?.value, let path = Self.originPath(origin) else { continue }
            var absolute = RepositoryRoot.absolute(path, workingDirectory: scratch)
            // A cached render made where the repository was then: its files are here now.
            if let moved = movedRepository, moved.from != moved.to, absolute.hasPrefix(moved.from + "/") {
                absolute = moved.to + absolute.dropFirst(moved.from.count)
            }
            if files[absolute] == nil { files[absolute] = source(absolute) }
            let document = files[absolute]??.resources.first { Self.sameObject($0, resource) }?.node
            sources[resource.origin] = Source(file: display(absolute), document: document)
        }
        self.sources = sources
    }

    /// The `path:` of an origin annotation's value (a small YAML mapping); nil for remote origins.
    static func originPath(_ value: String) -> String? {
        guard let root = YAMLParser.parse(Array(value.utf8)).documents.first?.root, root["repo"] == nil else { return nil }
        return root["path"]?.string
    }

    /// The source document of a rendered object: the same kind, and the same name or (with a
    /// `namePrefix`/`nameSuffix`) a name the rendered one contains.
    static func sameObject(_ candidate: Resource, _ rendered: Resource) -> Bool {
        guard candidate.kind == rendered.kind else { return false }
        return candidate.name == rendered.name || (!candidate.name.isEmpty && rendered.name.contains(candidate.name))
    }

    /// Where a finding at `span` of the rendered `resource` belongs in the source; nil when the
    /// object's source is unknown.
    func location(of span: Span, in resource: Resource) -> Location? {
        guard var location = fieldLocation(of: span, in: resource) else { return nil }
        guard !location.exact else { return location }
        // The entry of the build that set the field: the line to change, the object's own line
        // and the entry that applies a patch file as the way there.
        if let attribution, let steps = Self.steps(to: span.start, in: resource.node)?.path, !steps.isEmpty,
           let setter = attribution.setter(
               of: steps, kind: resource.kind, name: sources[resource.origin]?.document?["metadata", "name"]?.string ?? resource.name,
               renderedName: resource.name) {
            var traced = Location(file: display(setter.file), span: setter.span, exact: true)
            traced.chain = [("\(resource.kind) \(resource.name) in its source, before the build sets this field", location.file, location.span)]
            if let entry = setter.entry { traced.chain.append(("the kustomization entry that applies \(setter.what)", display(entry.file), entry.span)) }
            return traced
        }
        location.remark = "(The Kustomize build sets this field; \(location.file) does not write it.)"
        return location
    }

    private func fieldLocation(of span: Span, in resource: Resource) -> Location? {
        guard let source = sources[resource.origin] else { return nil }
        guard let document = source.document else { return Location(file: source.file, span: .fileStart, exact: false) }
        let fallback = document["metadata", "name"]?.span ?? document.span
        guard let steps = Self.steps(to: span.start, in: resource.node) else {
            return Location(file: source.file, span: fallback, exact: false)
        }
        var renderedNode = resource.node
        var sourceNode = document
        for step in steps.path {
            switch step {
            case .key(let key):
                guard let rendered = renderedNode.pair(key), let pair = sourceNode.pair(key) else {
                    return Location(file: source.file, span: fallback, exact: false)
                }
                renderedNode = rendered.value
                sourceNode = pair.value
            case .item(let offset):
                guard offset < renderedNode.items.count, offset < sourceNode.items.count else {
                    return Location(file: source.file, span: fallback, exact: false)
                }
                renderedNode = renderedNode.items[offset]
                sourceNode = sourceNode.items[offset]
            }
        }
        if case .key(let key)? = steps.path.last, steps.atKey, let pair = steps.parent(in: document)?.pair(key) {
            return Location(file: source.file, span: pair.key.span, exact: Self.equal(renderedNode, sourceNode))
        }
        let exact = Self.equal(renderedNode, sourceNode)
        return Location(file: source.file, span: exact ? sourceNode.span : fallback, exact: exact)
    }

    /// A step from a node to a child: a mapping key or a sequence position.
    enum Step: Equatable {
        case key(String)
        case item(Int)
    }

    struct Steps {
        var path: [Step]
        /// The mark is a mapping key's start, not its value's.
        var atKey: Bool

        /// The node that holds the last step, in `document`.
        func parent(in document: Node) -> Node? {
            var node: Node? = document
            for step in path.dropLast() {
                switch step {
                case .key(let key): node = node?[key]
                case .item(let offset): node = node.flatMap { offset < $0.items.count ? $0.items[offset] : nil }
                }
            }
            return node
        }
    }

    /// The steps from `node` to the key or value that starts at `mark`.
    static func steps(to mark: Mark, in node: Node) -> Steps? {
        guard node.span.start <= mark, mark <= node.span.end else { return nil }
        // A block mapping starts where its first key does: keys are looked at before the node.
        switch node.kind {
        case .scalar:
            return node.span.start == mark ? Steps(path: [], atKey: false) : nil
        case .sequence:
            for (offset, item) in node.items.enumerated() {
                if var rest = steps(to: mark, in: item) {
                    rest.path.insert(.item(offset), at: 0)
                    return rest
                }
            }
        case .mapping:
            for pair in node.pairs {
                let key = pair.key.scalar ?? ""
                if pair.key.span.start == mark { return Steps(path: [.key(key)], atKey: true) }
                if var rest = steps(to: mark, in: pair.value) {
                    rest.path.insert(.key(key), at: 0)
                    return rest
                }
            }
        }
        return node.span.start == mark ? Steps(path: [], atKey: false) : nil
    }

    /// Structural equality of two nodes (scalars by text; mappings by keys and values; sequences
    /// item by item), bounded by the smaller node.
    static func equal(_ left: Node, _ right: Node) -> Bool {
        guard left.kind == right.kind else { return false }
        switch left.kind {
        case .scalar:
            return left.scalar == right.scalar
        case .sequence:
            guard left.items.count == right.items.count else { return false }
            return zip(left.items, right.items).allSatisfy { equal($0, $1) }
        case .mapping:
            guard left.pairs.count == right.pairs.count else { return false }
            return left.pairs.allSatisfy { pair in
                guard let key = pair.key.scalar, let other = right[key] else { return false }
                return equal(pair.value, other)
            }
        }
    }
}

import YAMLModel

/// A place in a source file that a rendered object's field came from.
struct TracedLocation: Equatable {
    let file: String
    let span: Span
    /// True when the field is in the source as it was rendered; false when the location is only
    /// the closest line (the object's name, the template's first line) and `remark` says why.
    let exact: Bool
    /// A sentence for the finding's message when the location is not exact.
    var remark: String?
    /// The way from the source to the location, as related locations: the object in its base,
    /// the kustomization entry that applies a patch.
    var chain: [(message: String, file: String, span: Span)] = []

    init(file: String, span: Span, exact: Bool, remark: String? = nil) {
        self.file = file
        self.span = span
        self.exact = exact
        self.remark = remark
    }

    static func == (lhs: TracedLocation, rhs: TracedLocation) -> Bool {
        lhs.file == rhs.file && lhs.span == rhs.span && lhs.exact == rhs.exact && lhs.remark == rhs.remark
    }
}

/// One root rendered by its engine (a Kustomize build, a Helm release): the stream as MeshLint
/// reads it, and the way back from each rendered object to the source line that wrote it.
protocol RenderedStream {
    /// The directory rendered (absolute).
    var root: String { get }
    /// The rendered stream, parsed; its path is a name such as `<kustomize build overlays/prod>`.
    var file: ManifestFile { get }
    /// The files the render read (absolute): renders that share one are variants of one
    /// application, each a mesh of its own.
    var reads: Set<String> { get }
    /// The environment's name in reports.
    var name: String { get }
    /// Which engine, in words: "Kustomize build", "Helm release".
    var engineWords: String { get }

    /// Where a finding at `span` of the rendered `resource` belongs in the source.
    func location(of span: Span, in resource: Resource) -> TracedLocation?
    /// `file:line` in the source for a line of the rendered stream.
    func sourceLine(ofRenderedLine line: Int) -> String?
}

extension RenderedStream {
    /// The object on a line of the rendered stream, at its name in its source: the line itself
    /// may have no counterpart (the engine wrote it).
    func sourceLine(ofRenderedLine line: Int) -> String? {
        guard let resource = file.resources.first(where: { $0.node.span.start.line <= line && line <= $0.node.span.end.line }),
              let location = location(of: resource.nameSpan, in: resource)
        else { return nil }
        return "\(location.file):\(location.span.start.line)"
    }
}

extension Node {
    /// The span of the last key of `keys`, followed from this mapping, when every key is there.
    func keySpan(of keys: [String]) -> Span? {
        var node = self
        var span: Span?
        for key in keys {
            guard let pair = node.pair(key) else { return nil }
            span = pair.key.span
            node = pair.value
        }
        return span
    }
}

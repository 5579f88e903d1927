import YAMLModel

/// One Helm release rendered by `helm template`, and where each of its objects came from: the
/// template its `# Source:` comment names, and in that template's text the line of the field a
/// finding is about (found by its keys, as a person reading the template would), else the line of
/// the object's `name`, else the template's first line, with the rendered position said. A field
/// whose template line is only `{{ .Values.x }}` is placed where the release's values set `x`:
/// that is the line to change.
struct HelmRender: RenderedStream {
    let root: String
    let name: String
    var engineWords: String { "Helm release" }
    let reads: Set<String>
    let file: ManifestFile
    let release: HelmEngine.Release
    /// The template path Helm wrote for each object, by the object's origin in the stream.
    let templates: [ResourceOrigin: String]
    /// The chart's name: the first part of each template path.
    let chartName: String
    /// `file://` dependencies the render put in `charts/`: their own directories, by name.
    let localDependencies: [String: String]
    /// An Argo CD Application's inline values: its file (as shown), their mapping, and the lines
    /// to add to its positions. They override every values file.
    let inlineValues: (file: String, root: Node, lineOffset: Int)?
    private let display: (String) -> String
    private let text: (String) -> [Substring]?

    /// `bytes` (the engine's output), parsed as `renderedPath`; objects without a namespace are in
    /// the release's. `text` reads a source file's lines.
    init(chart: HelmChart, release: HelmEngine.Release, name: String, bytes: [UInt8], renderedPath: String,
         inlineValues: (file: String, root: Node, lineOffset: Int)? = nil,
         display: @escaping (String) -> String, text: @escaping (String) -> [Substring]?) {
        root = chart.directory
        self.inlineValues = inlineValues
        self.name = name
        self.release = release
        chartName = chart.name
        localDependencies = Dictionary(chart.localDependencies.map { ($0.name, $0.directory) }, uniquingKeysWith: { first, _ in first })
        reads = Set(chart.files + release.valuesFiles)
        self.display = display
        self.text = text
        let namespace = release.namespaceIsKnown ? release.namespace : nil
        let loaded = ManifestLoader.load(path: renderedPath, bytes: bytes, defaultNamespace: namespace)
        // The objects are kept under the stream's own path (not the template's, as a piped render
        // is): the way back to the source is this type's, for every position a rule reports.
        var file = ManifestFile(path: loaded.path)
        file.problems = loaded.problems
        file.documentCount = loaded.documentCount
        file.skippedDocuments = loaded.skippedDocuments
        var templates: [ResourceOrigin: String] = [:]
        for resource in loaded.resources {
            let origin = ResourceOrigin(file: resource.origin.file, document: resource.origin.document, listItem: resource.origin.listItem)
            guard let plain = Resource(node: resource.node, origin: origin, defaultNamespace: namespace) else { continue }
            if let template = resource.origin.renderedSource?.template { templates[origin] = template }
            file.resources.append(plain)
        }
        self.file = file
        self.templates = templates
    }

    /// The template file (absolute) of a path Helm wrote: `CHART/templates/x.yaml` or
    /// `CHART/charts/SUB/templates/x.yaml`, under the chart's directory.
    func templateFile(_ template: String) -> String? {
        guard template.hasPrefix(chartName + "/") else { return nil }
        let relative = template.dropFirst(chartName.count + 1)
        let parts = relative.split(separator: "/")
        guard !parts.contains("..") else { return nil }
        // A `file://` dependency's template is in its own directory of the repository.
        if parts.count > 2, parts[0] == "charts", let directory = localDependencies[String(parts[1])] {
            return directory + "/" + parts.dropFirst(2).joined(separator: "/")
        }
        return root + "/" + relative
    }

    func location(of span: Span, in resource: Resource) -> TracedLocation? {
        guard let template = templates[resource.origin] else { return nil }
        let rendered = "line \(span.start.line) of `\(file.path)`"
        guard let path = templateFile(template), let lines = text(path) else {
            // A subchart from an archive: the chart is what can be pointed at.
            return TracedLocation(
                file: display(root + "/Chart.yaml"), span: .fileStart, exact: false,
                remark: "(Rendered by Helm from \(template), which is not a file of the repository: \(rendered).)")
        }
        let source = TemplateText(lines: lines)
        guard let document = source.document(kind: resource.kind, name: resource.name) else {
            return TracedLocation(file: display(path), span: .fileStart, exact: false,
                                  remark: "(Rendered by Helm from this template: \(rendered).)")
        }
        let steps = KustomizeRender.steps(to: span.start, in: resource.node)?.path ?? []
        if let field = source.field(steps, in: document) {
            if let values = valuesLocation(ofLine: lines[field.start.line - 1]) { return values }
            return TracedLocation(file: display(path), span: field, exact: true)
        }
        let fallback = source.field([.key("metadata"), .key("name")], in: document) ?? source.field([.key("kind")], in: document)
            ?? Span(start: Mark(line: document.lowerBound, column: 1), end: Mark(line: document.lowerBound, column: 1))
        return TracedLocation(file: display(path), span: fallback, exact: false,
                              remark: "(Helm writes this field from a helper or a loop, not on a line of its own: \(rendered).)")
    }

    /// The values file line that sets the value of a template line `key: {{ .Values.a.b }}`
    /// (a `quote` or `default` after it allowed): the release's last file that sets `a.b`.
    func valuesLocation(ofLine line: Substring) -> TracedLocation? {
        guard let path = TemplateText.valuesPath(inLine: line) else { return nil }
        if let inlineValues, let span = inlineValues.root.keySpan(of: path) {
            let shift = { (mark: Mark) in Mark(line: mark.line + inlineValues.lineOffset, column: mark.column) }
            return TracedLocation(file: inlineValues.file, span: Span(start: shift(span.start), end: shift(span.end)), exact: true)
        }
        for file in (release.valuesFiles.reversed() + [root + "/values.yaml"]) {
            guard let lines = text(file) else { continue }
            let bytes = Array(lines.joined(separator: "\n").utf8)
            guard let document = YAMLParser.parse(bytes).documents.first?.root, let keySpan = document.keySpan(of: path) else { continue }
            return TracedLocation(file: display(file), span: keySpan, exact: true)
        }
        return nil
    }
}

/// A Helm template's text, read as lines: its documents (split at `---`) and, in one of them,
/// the line of a field found by its keys and list positions, by indentation.
struct TemplateText {
    let lines: [Substring]

    /// The lines (1-based, inclusive) of the document that writes an object of `kind` named
    /// `name`: the one whose `kind:` is that kind and whose `name:` fits the name (its template
    /// actions standing for any text), else the first of that kind.
    func document(kind: String, name: String) -> ClosedRange<Int>? {
        var documents: [ClosedRange<Int>] = []
        var start = 1
        for (offset, line) in lines.enumerated() where line.hasPrefix("---") {
            if offset + 1 > start { documents.append(start...offset) }
            start = offset + 2
        }
        if start <= lines.count { documents.append(start...lines.count) }
        let ofKind = documents.filter { document in
            document.contains { Self.scalar(after: "kind", in: lines[$0 - 1], indent: 0) == kind }
        }
        let named = ofKind.first { document in
            guard let line = field([.key("metadata"), .key("name")], in: document)?.start.line,
                  let value = Self.scalar(after: "name", in: lines[line - 1], indent: nil)
            else { return false }
            return Self.fits(name, template: value)
        }
        return named ?? ofKind.first
    }

    /// The span of the key of the field `steps` leads to, in `document`; nil when a step is not
    /// written as a line of its own (a helper's `include`, a `toYaml`, a loop's item).
    func field(_ steps: [KustomizeRender.Step], in document: ClosedRange<Int>) -> Span? {
        var line = document.lowerBound
        var parentIndent = -1
        var found: Span?
        // After a list item, the item's own line may hold the next key (`- name: x`).
        var onItemLine = false
        for step in steps {
            switch step {
            case .key(let key):
                guard let match = (line...document.upperBound).lazy.compactMap({ number -> (Int, Int)? in
                    guard let column = Self.keyColumn(key, in: self.lines[number - 1]), column > parentIndent else { return nil }
                    return (number, column)
                }).first, self.closes(from: onItemLine ? line + 1 : line, to: match.0, parentIndent: parentIndent) == false
                else { return nil }
                onItemLine = false
                line = match.0
                parentIndent = match.1
                found = Span(start: Mark(line: match.0, column: match.1 + 1), end: Mark(line: match.0, column: match.1 + 1 + key.utf8.count))
                line = match.0 + 1
            case .item(let position):
                var seen = -1
                var itemLine: Int?
                var itemColumn = 0
                var number = line
                while number <= document.upperBound, itemLine == nil {
                    let text = lines[number - 1]
                    let indent = Self.indent(text)
                    let content = text.dropFirst(indent)
                    if Self.isStructural(content) {
                        if content.hasPrefix("- ") || content == "-" {
                            if indent >= parentIndent {
                                if seen < 0 { itemColumn = indent }
                                if indent == itemColumn {
                                    seen += 1
                                    if seen == position { itemLine = number }
                                }
                            }
                        } else if indent <= parentIndent {
                            return nil
                        }
                    }
                    number += 1
                }
                guard let itemLine else { return nil }
                line = itemLine
                onItemLine = true
                parentIndent = itemColumn
                found = Span(start: Mark(line: itemLine, column: itemColumn + 1), end: Mark(line: itemLine, column: itemColumn + 2))
            }
        }
        return found
    }

    /// True when a line between `from` and `to` (exclusive) ends the parent block: structure at
    /// or left of the parent's indentation.
    private func closes(from: Int, to: Int, parentIndent: Int) -> Bool {
        guard parentIndent >= 0, from < to else { return false }
        for number in from..<to {
            let text = lines[number - 1]
            let indent = Self.indent(text)
            if Self.isStructural(text.dropFirst(indent)), indent <= parentIndent { return true }
        }
        return false
    }

    /// Not blank, not a comment, not a line that is only template actions.
    static func isStructural(_ content: Substring) -> Bool {
        guard !content.isEmpty, !content.hasPrefix("#") else { return false }
        if content.hasPrefix("{{") {
            // `{{- if … }}` alone on its line writes nothing.
            let trimmed = content.trimmingSuffix { $0 == " " || $0 == "\t" || $0 == "\r" }
            return !(trimmed.hasSuffix("}}") && !trimmed.dropFirst(2).contains("}}\u{20}"))
        }
        return true
    }

    static func indent(_ line: Substring) -> Int {
        line.prefix { $0 == " " }.count
    }

    /// The column (0-based) where `key:` starts on `line`, after indentation and any `- `.
    static func keyColumn(_ key: String, in line: Substring) -> Int? {
        var column = indent(line)
        var rest = line.dropFirst(column)
        while rest.hasPrefix("- ") {
            rest = rest.dropFirst(2)
            column += 2
            let spaces = rest.prefix { $0 == " " }.count
            rest = rest.dropFirst(spaces)
            column += spaces
        }
        for written in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(written + ":") {
            let after = rest.dropFirst(written.count + 1)
            if after.isEmpty || after.first == " " || after.first == "\r" || after.first == "\t" { return column }
        }
        return nil
    }

    /// The plain scalar after `key:` on `line` (at `indent`, when given), quotes removed.
    static func scalar(after key: String, in line: Substring, indent wanted: Int?) -> String? {
        guard let column = keyColumn(key, in: line), wanted == nil || column == wanted else { return nil }
        var value = line.dropFirst(column + key.utf8.count + 1).drop { $0 == " " || $0 == "\t" }
        if let comment = value.firstRange(of: " #") { value = value[..<comment.lowerBound] }
        value = value.trimmingSuffix { $0 == " " || $0 == "\t" || $0 == "\r" }
        if value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" {
            value = value.dropFirst().dropLast()
        }
        return value.isEmpty ? nil : String(value)
    }

    /// True when `name` is what `template` can write: its text outside `{{ … }}` in order, the
    /// actions standing for any text.
    static func fits(_ name: String, template: String) -> Bool {
        guard template.contains("{{") else { return template == name }
        var parts: [Substring] = []
        var rest = Substring(template)
        while let open = rest.firstRange(of: "{{") {
            parts.append(rest[..<open.lowerBound])
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else { return false }
            rest = rest[close.upperBound...]
        }
        parts.append(rest)
        var remaining = Substring(name)
        for (offset, part) in parts.enumerated() where !part.isEmpty {
            if offset == 0 {
                guard remaining.hasPrefix(part) else { return false }
                remaining = remaining.dropFirst(part.count)
            } else if offset == parts.count - 1 {
                guard remaining.hasSuffix(part) else { return false }
                remaining = remaining.dropLast(part.count)
            } else {
                guard let found = remaining.firstRange(of: part) else { return false }
                remaining = remaining[found.upperBound...]
            }
        }
        return true
    }

    /// `["a", "b"]` for a line whose value is only `{{ .Values.a.b }}` (with `| quote`, or a
    /// `default` before or after it).
    static func valuesPath(inLine line: Substring) -> [String]? {
        guard let colon = line.firstRange(of: ": "), let open = line[colon.upperBound...].firstRange(of: "{{"),
              line[colon.upperBound..<open.lowerBound].allSatisfy({ $0 == " " || $0 == "\"" })
        else { return nil }
        guard let close = line[open.upperBound...].firstRange(of: "}}"),
              line[close.upperBound...].allSatisfy({ $0 == " " || $0 == "\"" || $0 == "\r" })
        else { return nil }
        let action = line[open.upperBound..<close.lowerBound].trimmingCharacters(in: " -")
        let words = action.split(whereSeparator: { $0 == " " || $0 == "|" || $0 == "(" || $0 == ")" })
        let references = words.filter { $0.hasPrefix(".Values.") }
        guard references.count == 1, let reference = references.first else { return nil }
        let allowed: Set<Substring> = ["quote", "default", "squote", "lower", "upper", "toString"]
        for word in words where word != reference && !allowed.contains(word) && word.first != "\"" { return nil }
        let path: [String] = reference.dropFirst(".Values.".count).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return path.isEmpty || path.contains(where: { $0.isEmpty }) ? nil : path
    }
}

extension Substring {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var result = self
        while let last = result.last, predicate(last) { result = result.dropLast() }
        return result
    }

    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        return result.trimmingSuffix { set.contains($0) }
    }
}

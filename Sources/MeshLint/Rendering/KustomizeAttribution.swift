import YAMLModel

/// Which entry of a Kustomize build set a field that its source document does not write: a
/// patch (JSON 6902 or strategic merge, in a file or inline) whose target is the object and which
/// writes the field, a `namespace:`, a `labels:`/`commonLabels:`/`commonAnnotations:` entry, a
/// label or annotation transformer, or a `replicas:` entry. Found by reading the kustomizations of
/// the build, outermost first (the last applied wins), and the patches themselves: Kustomize's own
/// annotations name every transformer of a kustomization, not the one that changed a field.
struct KustomizeAttribution {
    /// Where the field is set, and what sets it, in words.
    struct Setter: Equatable {
        let file: String
        let span: Span
        let what: String
        /// The kustomization entry that applies it (a patch's `path:`), when that is elsewhere.
        var entry: (file: String, span: Span)?

        static func == (lhs: Setter, rhs: Setter) -> Bool {
            lhs.file == rhs.file && lhs.span == rhs.span && lhs.what == rhs.what
        }
    }

    /// The kustomizations of the build, outermost first (each before those it includes).
    let chain: [KustomizeTree.Kustomization]
    let text: (String) -> [UInt8]?

    /// The setter of the field `steps` lead to in an object of `kind` named `name` (its name in
    /// the source) or `renderedName`; nil when no entry of the build writes it.
    func setter(of steps: [KustomizeRender.Step], kind: String, name: String, renderedName: String) -> Setter? {
        for kustomization in chain {
            guard let bytes = text(kustomization.file), let root = YAMLParser.parse(bytes).documents.first?.root, root.kind == .mapping else { continue }
            if let found = setter(in: root, of: kustomization, steps: steps, kind: kind, names: [name, renderedName]) { return found }
        }
        return nil
    }

    private func setter(in root: Node, of kustomization: KustomizeTree.Kustomization, steps: [KustomizeRender.Step], kind: String,
                        names: [String]) -> Setter? {
        let file = kustomization.file
        // Patches: the most specific, a field written by name.
        let patches = (root["patches"]?.items.map { $0 } ?? []) + (root["patchesJson6902"]?.items.map { $0 } ?? [])
        for entry in patches {
            let target = entry["target"]
            guard Self.targets(target, kind: kind, names: names) else { continue }
            if let path = entry["path"]?.string, let patchFile = resolve(path, in: kustomization),
               let found = patchSetter(file: patchFile, steps: steps, kind: kind, names: names, targeted: target != nil) {
                var setter = found
                setter.entry = (file, entry.pair("path")?.value.span ?? entry.span)
                return setter
            }
            if let inline = entry["patch"], let patch = inline.string,
               writes(Array(patch.utf8), steps: steps, kind: kind, names: names, targeted: target != nil) != nil {
                return Setter(file: file, span: entry.pair("patch")?.key.span ?? entry.span, what: "the inline patch")
            }
        }
        for entry in root["patchesStrategicMerge"]?.items.map({ $0 }) ?? [] {
            guard let path = entry.string else { continue }
            if let patchFile = resolve(path, in: kustomization), var found = patchSetter(file: patchFile, steps: steps, kind: kind, names: names, targeted: false) {
                found.entry = (file, entry.span)
                return found
            }
        }
        let keys = steps.compactMap { step -> String? in if case .key(let key) = step { return key } else { return nil } }
        guard keys.count == steps.count else { return nil }
        // The namespace, labels and annotations a kustomization sets on everything.
        if keys == ["metadata", "namespace"], let pair = root.pair("namespace") {
            return Setter(file: file, span: pair.value.span, what: "`namespace:`")
        }
        if keys.count >= 2, keys[0] == "metadata", keys[1] == "labels" || keys[1] == "annotations" {
            let label = keys.count > 2 ? keys[2] : nil
            let plural = keys[1]
            func entry(in mapping: Node?, words: String) -> Setter? {
                guard let mapping, mapping.kind == .mapping else { return nil }
                if let label {
                    return mapping.pair(label).map { Setter(file: file, span: $0.key.span, what: words) }
                }
                return mapping.pairs.first.map { Setter(file: file, span: $0.key.span, what: words) }
            }
            if plural == "labels" {
                for item in root["labels"]?.items.map({ $0 }) ?? [] {
                    if let found = entry(in: item["pairs"], words: "`labels:`") { return found }
                }
                if let found = entry(in: root["commonLabels"], words: "`commonLabels:`") { return found }
            } else if let found = entry(in: root["commonAnnotations"], words: "`commonAnnotations:`") {
                return found
            }
            // A label or annotation transformer configured in a file of its own.
            for path in root["transformers"]?.items.compactMap(\.string) ?? [] {
                guard let transformerFile = resolve(path, in: kustomization), let bytes = text(transformerFile) else { continue }
                for document in YAMLParser.parse(bytes).documents {
                    let transformer = document.root
                    let wanted = plural == "labels" ? "LabelTransformer" : "AnnotationsTransformer"
                    guard transformer["kind"]?.string == wanted else { continue }
                    let field = transformer[plural == "labels" ? "labels" : "annotations"]
                    if let label, let pair = field?.pair(label) {
                        return Setter(file: transformerFile, span: pair.key.span, what: "the \(wanted) \(transformer["metadata", "name"]?.string ?? "")")
                    }
                }
            }
        }
        if keys == ["spec", "replicas"] {
            for item in root["replicas"]?.items.map({ $0 }) ?? [] where names.contains(item["name"]?.string ?? "") {
                return Setter(file: file, span: item.pair("count")?.value.span ?? item.span, what: "`replicas:`")
            }
        }
        return nil
    }

    /// A patch file's setter of the field: a JSON 6902 operation on its path, or the field in a
    /// strategic-merge patch of the object.
    private func patchSetter(file: String, steps: [KustomizeRender.Step], kind: String, names: [String], targeted: Bool) -> Setter? {
        guard let bytes = text(file), let span = writes(bytes, steps: steps, kind: kind, names: names, targeted: targeted) else { return nil }
        return Setter(file: file, span: span, what: "the patch")
    }

    /// Where the patch `bytes` writes the field: the `path:` of a JSON 6902 operation on it (or on
    /// an object above it), or the field's key in a strategic-merge patch of the object.
    func writes(_ bytes: [UInt8], steps: [KustomizeRender.Step], kind: String, names: [String], targeted: Bool) -> Span? {
        let pointer = Self.pointer(steps)
        for document in YAMLParser.parse(bytes).documents {
            let root = document.root
            if root.kind == .sequence {
                // JSON 6902: the last operation on the field or above it sets it.
                let operations = root.items.filter { operation in
                    guard let path = operation["path"]?.string, ["add", "replace", "copy", "move"].contains(operation["op"]?.string ?? "") else { return false }
                    return pointer == path || pointer.hasPrefix(path + "/")
                }
                if let last = operations.last { return last.pair("path")?.value.span ?? last.span }
            } else if root.kind == .mapping {
                // Strategic merge: the object by kind and name (a targeted patch may name neither).
                let matches = targeted || (root["kind"]?.string == kind && names.contains(root["metadata", "name"]?.string ?? ""))
                guard matches, let steps = Self.keySteps(steps), let span = root.keySpan(of: steps) else { continue }
                return span
            }
        }
        return nil
    }

    /// True when a patch entry's `target` selects the object (an absent part selects all).
    static func targets(_ target: Node?, kind: String, names: [String]) -> Bool {
        guard let target else { return true }
        if let wanted = target["kind"]?.string, wanted != kind { return false }
        if let wanted = target["name"]?.string, !names.contains(wanted) {
            // Kustomize reads a target name as a regular expression; one with no regular
            // expression syntax is a name.
            return wanted.contains { "^$.*+?()[]{}|\\".contains($0) }
        }
        return true
    }

    /// The JSON pointer of `steps`: `/spec/mtls/mode`, `/spec/rules/0`.
    static func pointer(_ steps: [KustomizeRender.Step]) -> String {
        steps.map { step -> String in
            switch step {
            case .key(let key): return "/" + key.split(separator: "~", omittingEmptySubsequences: false).joined(separator: "~0")
                .split(separator: "/", omittingEmptySubsequences: false).joined(separator: "~1")
            case .item(let offset): return "/\(offset)"
            }
        }.joined()
    }

    /// Steps that are keys only (a strategic-merge patch lists items by their merge key, not their
    /// position), or nil.
    static func keySteps(_ steps: [KustomizeRender.Step]) -> [String]? {
        let keys = steps.compactMap { step -> String? in if case .key(let key) = step { return key } else { return nil } }
        return keys.count == steps.count ? keys : nil
    }

    private func resolve(_ path: String, in kustomization: KustomizeTree.Kustomization) -> String? {
        guard !KustomizeTree.isRemote(path) else { return nil }
        return RepositoryRoot.absolute(path, workingDirectory: kustomization.directory)
    }
}

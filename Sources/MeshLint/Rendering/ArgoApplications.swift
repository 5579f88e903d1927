#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import YAMLModel

/// The Argo CD Applications of a scanned tree, and those its ApplicationSets generate with the
/// simple generators (a `list` of elements; `git` directories), read for what they tell MeshLint
/// about the objects of their sources: the namespace namespace-less objects are deployed into
/// (`destination.namespace`), the Helm release (`helm.releaseName`, `valueFiles`, `values`,
/// `valuesObject`), and the namespace Argo CD creates with `CreateNamespace=true` and labels with
/// `managedNamespaceMetadata` (argoproj/argo-cd `controller/sync_namespace.go`: the metadata is
/// applied to the namespace whether Argo CD creates it or it exists).
///
/// A source is used when its `path` is a directory of the repository the Application is written
/// in (its git work tree's root, else the nearest directory above it that holds the path); a chart from a
/// Helm repository or a path of another repository is left out, and said to be.
struct ArgoApplication {
    /// The Application's name (for a generated one, after substitution).
    let name: String
    /// The object that defines it (an Application, or the ApplicationSet that generated it).
    let resource: Resource
    /// Local sources: absolute directories, with their Helm settings.
    var sources: [Source] = []
    /// Sources left out: a chart repository, another repository, a path not in the tree.
    var unresolved: [String] = []
    /// `spec.destination.namespace`.
    var namespace: String?
    /// `CreateNamespace=true` in `spec.syncPolicy.syncOptions`.
    var createsNamespace = false
    /// `spec.syncPolicy.managedNamespaceMetadata.labels`: each label with its key's and value's
    /// spans in the file of `resource` (for a generated Application, the template's).
    var managedLabels: [(key: String, value: String, keySpan: Span, valueSpan: Span)] = []
    /// The span of `managedNamespaceMetadata` (or of the sync options), where the created
    /// namespace is written.
    var namespaceSpan: Span?
    /// `managedNamespaceMetadata` is set: Argo CD keeps the namespace's labels as written.
    var namespaceIsManaged = false

    struct Source {
        let directory: String
        /// `helm.releaseName`.
        var releaseName: String?
        /// `helm.valueFiles`, relative to the chart's directory.
        var valueFiles: [String] = []
        /// `helm.values` (a YAML text) or `helm.valuesObject`, as YAML text.
        var inlineValues: String?
        /// Where the inline values are written: their mapping, and the lines to add to its
        /// positions (a `values: |` text is parsed on its own, from its first line).
        var inlineValuesSource: (root: Node, lineOffset: Int)?
        /// `directory.recurse`.
        var recurse = false
        /// `directory.include` and `directory.exclude`: glob patterns (with `{a,b}` alternatives)
        /// on a file's path below the directory.
        var include: String?
        var exclude: String?

        /// True when the Application deploys the file at `relative` (below `directory`).
        func deploys(_ relative: String) -> Bool {
            guard recurse || !relative.contains("/") else { return false }
            if let include, !Self.matches(include, relative) { return false }
            if let exclude, Self.matches(exclude, relative) { return false }
            return true
        }

        static func matches(_ pattern: String, _ path: String) -> Bool {
            alternatives(pattern).contains { SegmentPattern.matches($0, path) }
        }

        /// `{a.yaml,b.yaml}` as its alternatives (one level, as Argo CD's examples write it).
        static func alternatives(_ pattern: String) -> [String] {
            guard let open = pattern.firstIndex(of: "{"), let close = pattern[open...].firstIndex(of: "}") else { return [pattern] }
            let head = pattern[..<open], tail = pattern[pattern.index(after: close)...]
            return pattern[pattern.index(after: open)..<close].split(separator: ",", omittingEmptySubsequences: false)
                .prefix(64).map { String(head) + String($0.trimmingLeadingSpaces()) + String(tail) }
        }
    }

    static let group = "argoproj.io"

    /// The Applications of `resources`, and of the ApplicationSets among them.
    /// `repositories`: other repositories' URLs (as written, or normalised) and the directories
    /// they are checked out in.
    static func applications(in resources: [Resource], workingDirectory: String, repositories: [String: String] = [:]) -> [ArgoApplication] {
        let checkouts = Dictionary(repositories.map { (normalizedURL($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        var found: [ArgoApplication] = []
        for resource in resources where resource.group == group {
            let file = RepositoryRoot.absolute(resource.origin.file, workingDirectory: workingDirectory)
            switch resource.kind {
            case "Application":
                guard let spec = resource.node["spec"] else { continue }
                found.append(read(spec: spec, name: resource.name, resource: resource, file: file, parameters: [:], checkouts: checkouts))
            case "ApplicationSet":
                guard let template = resource.node["spec", "template"], let spec = template["spec"] else { continue }
                for parameters in generatedParameters(resource.node["spec", "generators"], file: file) {
                    let name = substitute(template["metadata", "name"]?.string ?? resource.name, parameters)
                    found.append(read(spec: spec, name: name, resource: resource, file: file, parameters: parameters, checkouts: checkouts))
                }
            default:
                continue
            }
        }
        return found
    }

    /// An Application's spec, its strings after substitution of `parameters`.
    static func read(
        spec: Node, name: String, resource: Resource, file: String, parameters: [String: String], checkouts: [String: String] = [:]
    ) -> ArgoApplication {
        func text(_ node: Node?) -> String? { node?.string.map { substitute($0, parameters) } }
        var application = ArgoApplication(name: name, resource: resource)
        application.namespace = text(spec["destination", "namespace"]).flatMap { $0.isEmpty ? nil : $0 }
        let sources = spec["sources"]?.items.map { $0 } ?? spec["source"].map { [$0] } ?? []
        for source in sources {
            guard let path = text(source["path"]), !path.isEmpty else {
                if let chart = text(source["chart"]) { application.unresolved.append("chart \(chart) from \(text(source["repoURL"]) ?? "a Helm repository")") }
                continue
            }
            // Another repository checked out where the configuration says, else this one.
            let checkout = text(source["repoURL"]).flatMap { checkouts[normalizedURL($0)] }
            guard let directory = checkout.map({ resolve(path, under: $0) }) ?? resolve(path, from: file) else {
                application.unresolved.append("path \(path) of \(text(source["repoURL"]) ?? "its repository")")
                continue
            }
            var resolved = Source(directory: directory)
            if let helm = source["helm"] {
                resolved.releaseName = text(helm["releaseName"])
                resolved.valueFiles = helm["valueFiles"]?.items.compactMap { text($0) } ?? []
                if let node = helm["values"], let values = text(node) {
                    resolved.inlineValues = values
                    // A block scalar's text starts on the line after its indicator.
                    if let root = YAMLParser.parse(Array(values.utf8)).documents.first?.root, root.kind == .mapping {
                        resolved.inlineValuesSource = (root, node.style == .literal || node.style == .folded ? node.span.start.line : node.span.start.line - 1)
                    }
                } else if let object = helm["valuesObject"], object.kind == .mapping {
                    resolved.inlineValues = YAMLText.render(object, substitute: { substitute($0, parameters) })
                    resolved.inlineValuesSource = (object, 0)
                }
            }
            resolved.recurse = source["directory", "recurse"]?.bool ?? false
            resolved.include = text(source["directory", "include"]).flatMap { $0.isEmpty ? nil : $0 }
            resolved.exclude = text(source["directory", "exclude"]).flatMap { $0.isEmpty ? nil : $0 }
            application.sources.append(resolved)
        }
        let options = spec["syncPolicy", "syncOptions"]?.items.compactMap { text($0) } ?? []
        application.createsNamespace = options.contains { $0.replacingSpaces() == "CreateNamespace=true" }
        if let managed = spec["syncPolicy"]?.pair("managedNamespaceMetadata") {
            application.namespaceSpan = managed.key.span
            application.namespaceIsManaged = true
            for pair in managed.value["labels"]?.pairs.map { $0 } ?? [] {
                guard let key = pair.key.scalar, let value = text(pair.value) else { continue }
                application.managedLabels.append((substitute(key, parameters), value, pair.key.span, pair.value.span))
            }
        } else {
            application.namespaceSpan = spec["syncPolicy"]?.pair("syncOptions")?.key.span
        }
        return application
    }

    /// The directory `path` names: under the git work tree `file` is in, else under the nearest
    /// directory above `file` where it exists. Nil when it is nowhere, or leaves its root.
    static func resolve(_ path: String, from file: String) -> String? {
        let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        guard !relative.hasPrefix("/"), !relative.split(separator: "/").contains("..") else { return nil }
        let trimmed = relative.hasSuffix("/") ? String(relative.dropLast()) : relative
        func under(_ directory: String) -> String? {
            let candidate = trimmed.isEmpty || trimmed == "." ? directory : directory + "/" + trimmed
            return Discovery.isDirectory(candidate) ? candidate : nil
        }
        // Argo CD reads the path from the repository's root; a repository scanned as part of a
        // larger tree (a vendored or example repository) has its root somewhere above the file.
        let tree = PathConfinement.workTree(containing: file)
        if let tree, let found = under(tree) { return found }
        var directory = parent(of: file)
        while true {
            if let found = under(directory) { return found }
            guard directory != "/", directory != tree else { return nil }
            directory = parent(of: directory)
        }
    }

    /// `path` under a checkout of another repository.
    static func resolve(_ path: String, under checkout: String) -> String? {
        let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        guard !relative.hasPrefix("/"), !relative.split(separator: "/").contains("..") else { return nil }
        let candidate = relative.isEmpty || relative == "." ? checkout : checkout + "/" + relative
        return Discovery.isDirectory(candidate) ? candidate : nil
    }

    /// A repository URL as a key: no scheme, user, `.git` or trailing `/`, an scp-style
    /// `git@host:org/repo` as `host/org/repo`, lower-case host.
    static func normalizedURL(_ url: String) -> String {
        var text = Substring(url.trimmingTrailing("/"))
        if let scheme = text.firstRange(of: "://") { text = text[scheme.upperBound...] }
        if let at = text.firstIndex(of: "@"), !text[..<at].contains("/") { text = text[text.index(after: at)...] }
        var value = String(text)
        if let colon = value.firstIndex(of: ":"), !value[..<colon].contains("/") {
            value.replaceSubrange(colon...colon, with: "/")
        }
        if value.hasSuffix(".git") { value.removeLast(4) }
        let slash = value.firstIndex(of: "/") ?? value.endIndex
        return value[..<slash].lowercased() + value[slash...]
    }

    // MARK: ApplicationSet generators

    /// One parameter set per generated Application: the `list` generator's elements, and the
    /// directories a `git` generator's `directories` patterns match. Other generators (matrix,
    /// merge, clusters, pull requests) generate nothing here.
    static func generatedParameters(_ generators: Node?, file: String) -> [[String: String]] {
        var sets: [[String: String]] = []
        for generator in generators?.items.map { $0 } ?? [] {
            for element in generator["list", "elements"]?.items.map { $0 } ?? [] {
                var parameters: [String: String] = [:]
                for pair in element.pairs {
                    if let key = pair.key.scalar, let value = pair.value.string { parameters[key] = value }
                }
                sets.append(parameters)
            }
            if let git = generator["git"], let patterns = git["directories"]?.items.map({ $0 }) {
                sets += gitDirectories(patterns, from: file).map(directoryParameters)
            }
        }
        return Array(sets.prefix(1_000))
    }

    /// The repository directories (relative) that an include pattern matches and no exclude does.
    static func gitDirectories(_ patterns: [Node], from file: String) -> [String] {
        let includes = patterns.filter { $0["exclude"]?.bool != true }.compactMap { $0["path"]?.string }
        let excludes = patterns.filter { $0["exclude"]?.bool == true }.compactMap { $0["path"]?.string }
        guard let first = includes.first?.split(separator: "/").first.map(String.init),
              let root = resolveRoot(firstSegment: first, from: file)
        else { return [] }
        var matched: [String] = []
        for include in includes {
            let segments = include.split(separator: "/").map(String.init)
            guard !segments.isEmpty, segments.count <= 8, !segments.contains("..") else { continue }
            var level = [""]
            for segment in segments {
                var next: [String] = []
                for directory in level {
                    for child in subdirectories(of: directory.isEmpty ? root : root + "/" + directory)
                    where SegmentPattern.matches(segment, child) {
                        next.append(directory.isEmpty ? child : directory + "/" + child)
                    }
                }
                level = Array(next.prefix(1_000))
            }
            matched += level
        }
        return Array(Set(matched)).filter { directory in
            !excludes.contains { exclude in
                let pattern = exclude.split(separator: "/").map(String.init)
                let parts = directory.split(separator: "/").map(String.init)
                return pattern.count == parts.count && zip(pattern, parts).allSatisfy { SegmentPattern.matches($0, $1) }
            }
        }.sorted()
    }

    /// The git generator's parameters for a directory: `path`, `path.basename`,
    /// `path.basenameNormalized`, `path[N]` (and their Go-template spellings, `path.path`).
    static func directoryParameters(_ directory: String) -> [String: String] {
        let segments = directory.split(separator: "/").map(String.init)
        let basename = segments.last ?? directory
        var parameters = ["path": directory, "path.path": directory, "path.basename": basename,
                          "path.basenameNormalized": normalized(basename)]
        for (offset, segment) in segments.enumerated() { parameters["path[\(offset)]"] = segment }
        return parameters
    }

    /// A name Kubernetes accepts: lower case, and `-` for anything else but letters and digits.
    static func normalized(_ name: String) -> String {
        String(name.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." ? $0 : "-" })
    }

    /// `text` with each `{{name}}` / `{{ .name }}` of `parameters` replaced; others kept.
    static func substitute(_ text: String, _ parameters: [String: String]) -> String {
        guard !parameters.isEmpty, text.contains("{{") else { return text }
        var output = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else { break }
            var key = rest[open.upperBound..<close.lowerBound].drop { $0 == " " }
            while key.last == " " { key = key.dropLast() }
            if key.hasPrefix(".") { key = key.dropFirst() }
            output += parameters[String(key)] ?? String(rest[open.lowerBound..<close.upperBound])
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    private static func resolveRoot(firstSegment: String, from file: String) -> String? {
        if let tree = PathConfinement.workTree(containing: file) { return tree }
        var directory = parent(of: file)
        let literal = !firstSegment.contains("*") && !firstSegment.contains("?") && !firstSegment.contains("[")
        while true {
            if !literal || Discovery.isDirectory(directory + "/" + firstSegment) { return directory }
            guard directory != "/" else { return nil }
            directory = parent(of: directory)
        }
    }

    private static func subdirectories(of directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle), names.count < 10_000 {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            guard !name.hasPrefix(".") else { continue }
            var info = stat()
            if lstat(directory + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { names.append(name) }
        }
        return names.sorted()
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}

/// One path segment's pattern, as Go's `path.Match` reads it: `*` (any run of characters),
/// `?` (one character), everything else literal. Linear in the lengths.
enum SegmentPattern {
    static func matches(_ pattern: String, _ name: String) -> Bool {
        let pattern = Array(pattern), name = Array(name)
        var p = 0, n = 0, star = -1, mark = 0
        while n < name.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == name[n] {
                p += 1
                n += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                mark = n
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                n = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}

/// A node written back as YAML text (for `valuesObject`), every scalar double-quoted.
enum YAMLText {
    static func render(_ node: Node, substitute: (String) -> String, indent: Int = 0) -> String {
        let pad = String(repeating: " ", count: indent)
        switch node.kind {
        case .scalar:
            return quoted(substitute(node.scalar ?? "")) + "\n"
        case .sequence:
            guard !node.items.isEmpty else { return "[]\n" }
            return node.items.map { pad + "- " + render($0, substitute: substitute, indent: indent + 2).drop { $0 == " " } }.joined()
        case .mapping:
            guard !node.pairs.isEmpty else { return "{}\n" }
            return node.pairs.map { pair in
                let key = pad + quoted(pair.key.scalar ?? "") + ":"
                if pair.value.kind == .scalar {
                    // A plain scalar keeps its type (a number, a boolean) when it is one.
                    let value = pair.value.style == .plain && pair.value.string.map(isPlainSafe) == true
                        ? substitute(pair.value.scalar ?? "") : quoted(substitute(pair.value.scalar ?? ""))
                    return key + " " + value + "\n"
                }
                return key + "\n" + render(pair.value, substitute: substitute, indent: indent + 2)
            }.joined()
        }
    }

    static func quoted(_ text: String) -> String { YAMLScalar.doubleQuoted(text) }

    private static func isPlainSafe(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }
    }
}

extension Substring {
    fileprivate func trimmingLeadingSpaces() -> Substring { drop { $0 == " " } }
}

extension String {
    fileprivate func trimmingTrailing(_ character: Character) -> String {
        var text = self
        while text.last == character { text.removeLast() }
        return text
    }

    fileprivate func replacingSpaces() -> String { filter { $0 != " " } }

    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}

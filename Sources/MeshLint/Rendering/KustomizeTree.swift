#if canImport(Glibc)
import Glibc
#endif
import YAMLModel

/// The Kustomize layout of a scanned tree: every kustomization, which of them are roots (built on
/// their own: no other scanned kustomization includes them), and which files they read, so that
/// those files are scanned through their roots and not again as loose YAML.
///
/// Read from the kustomization files themselves (`resources`, `bases`, `components`, the patch,
/// transformer and generator entries), without running Kustomize. Remote entries (URLs, git
/// references) are recorded: MeshLint renders offline, and a root that needs one is refused.
struct KustomizeTree {
    /// The names a kustomization file may have, in the order Kustomize looks for them.
    static let fileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    struct Kustomization {
        /// The directory (absolute, without a trailing `/`).
        let directory: String
        /// The kustomization file (absolute).
        let file: String
        /// Kustomization directories it includes (`resources`, `bases`, `components`), absolute.
        var includes: [String] = []
        /// Files it reads: manifests, patches, transformer and generator configurations, absolute.
        var files: [String] = []
        /// Entries that are not local paths (`https://…`, `github.com/…?ref=…`).
        var remote: [String] = []
        /// `helmCharts`: inflating a chart needs `--enable-helm` and a chart pull.
        var inflatesHelm = false
    }

    /// By directory.
    let kustomizations: [String: Kustomization]
    /// The directories built on their own, sorted.
    let roots: [String]

    /// The layout of the kustomizations found in `directories` (absolute paths).
    init(directories: some Sequence<String>) {
        var found: [String: Kustomization] = [:]
        var pending = Array(Set(directories)).sorted()
        // Included directories are read too, even when they lie outside the scanned paths.
        while let directory = pending.popLast() {
            guard found[directory] == nil, let kustomization = Self.read(directory: directory) else { continue }
            found[directory] = kustomization
            pending += kustomization.includes.filter { found[$0] == nil }
        }
        kustomizations = found
        let included = Set(found.values.flatMap(\.includes))
        roots = found.keys.filter { !included.contains($0) }.sorted()
    }

    /// Every file some kustomization reads, and the kustomization files themselves.
    var ownedFiles: Set<String> {
        Set(kustomizations.values.flatMap { [$0.file] + $0.files })
    }

    /// The kustomizations `root` builds from (itself included), each once.
    func closure(of root: String) -> [Kustomization] {
        var seen = Set<String>()
        var order: [Kustomization] = []
        var pending = [root]
        while let directory = pending.popLast() {
            guard seen.insert(directory).inserted, let kustomization = kustomizations[directory] else { continue }
            order.append(kustomization)
            pending += kustomization.includes
        }
        return order
    }

    /// The remote entries `root` would fetch, from any kustomization it builds from.
    func remoteEntries(of root: String) -> [String] {
        closure(of: root).flatMap(\.remote)
    }

    // MARK: Reading one kustomization

    static func kustomizationFile(in directory: String) -> String? {
        fileNames.map { directory + "/" + $0 }.first(where: Discovery.isRegularFile)
    }

    static func read(directory: String) -> Kustomization? {
        guard let file = kustomizationFile(in: directory), case .bytes(let bytes) = FileReader.read(path: file, maxSize: 1 << 20),
              let root = YAMLParser.parse(bytes).documents.first?.root, root.kind == .mapping
        else { return nil }
        var kustomization = Kustomization(directory: directory, file: file)
        func entries(_ key: String) -> [String] { root[key]?.items.compactMap(\.string) ?? [] }
        for entry in entries("resources") + entries("bases") + entries("components") {
            if isRemote(entry) {
                kustomization.remote.append(entry)
                continue
            }
            let path = RepositoryRoot.absolute(entry, workingDirectory: directory)
            if Discovery.isDirectory(path) { kustomization.includes.append(path) } else { kustomization.files.append(path) }
        }
        // Files read by patches, transformers, generators and replacements: not manifests of
        // their own (a strategic-merge patch looks like one), so never scanned as loose YAML.
        var referenced = entries("patchesStrategicMerge") + entries("crds")
        for key in ["patches", "patchesJson6902", "replacements"] {
            referenced += root[key]?.items.compactMap { $0["path"]?.string } ?? []
        }
        for key in ["transformers", "generators", "validators"] {
            referenced += entries(key).filter { !$0.contains("\n") }
        }
        for key in ["configMapGenerator", "secretGenerator"] {
            for generator in root[key]?.items ?? [] {
                referenced += (generator["files"]?.items.compactMap(\.string) ?? []).map { $0.split(separator: "=", maxSplits: 1).last.map(String.init) ?? $0 }
                referenced += generator["envs"]?.items.compactMap(\.string) ?? []
                if let env = generator["env"]?.string { referenced.append(env) }
            }
        }
        for entry in referenced where !entry.isEmpty {
            if isRemote(entry) { kustomization.remote.append(entry) } else {
                kustomization.files.append(RepositoryRoot.absolute(entry, workingDirectory: directory))
            }
        }
        kustomization.inflatesHelm = !(root["helmCharts"]?.items.isEmpty ?? true)
        return kustomization
    }

    /// A URL, a git reference or an scp-style address: Kustomize would fetch it.
    static func isRemote(_ entry: String) -> Bool {
        entry.contains("://") || entry.hasPrefix("git@") || entry.contains("?ref=") || entry.contains("?version=")
            || entry.hasPrefix("github.com/") || entry.hasPrefix("gitlab.com/") || entry.hasPrefix("bitbucket.org/")
    }
}

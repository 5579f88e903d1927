#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import YAMLModel

/// A Helm chart of the scanned tree: a directory with `Chart.yaml` that is not a subchart (under
/// another chart's `charts/`, rendered through its parent). Read from the chart's own files,
/// without running Helm.
struct HelmChart {
    /// The chart's directory (absolute, without a trailing `/`).
    let directory: String
    /// `name` of `Chart.yaml`: the first part of each `# Source:` path Helm writes.
    let name: String
    /// `dependencies` of `Chart.yaml` with no chart in `charts/` (a directory or an archive):
    /// `helm template` stops on them, and only a pull (`helm dependency build`) brings them.
    let missingDependencies: [String]
    /// `dependencies` with a `file://` repository and no chart in `charts/`: the chart's directory
    /// (absolute) by name. MeshLint puts them in a copy's `charts/`, as `helm dependency build`
    /// would, without a pull.
    var localDependencies: [(name: String, directory: String)] = []
    /// Every `file://` dependency's directory (absolute), vendored or not: a chart rendered
    /// through this one, not a release of its own.
    var fileDependencies: [String] = []
    /// Values files beside `values.yaml` named for an environment (`values-prod.yaml`,
    /// `values.dev.yaml`), absolute and sorted: each is a release of its own.
    let environmentValues: [String]
    /// Every file under the directory (absolute), links included, bounded.
    let files: [String]
    /// Symbolic links under the directory (absolute): checked against the repository before rendering.
    let links: [String]

    /// The charts among the directories holding the `Chart.yaml` files `chartFiles` (absolute),
    /// subcharts left out.
    static func charts(chartFiles: [String]) -> [HelmChart] {
        let directories = Set(chartFiles.filter { $0.hasSuffix("/Chart.yaml") }.map { String($0.dropLast("/Chart.yaml".count)) })
        let charts = directories.sorted().filter { directory in
            // A subchart: some enclosing chart directory holds it under its `charts/`.
            !directories.contains { other in other != directory && directory.hasPrefix(other + "/charts/") }
        }.compactMap(read)
        // A chart another one depends on by `file://` is rendered through it.
        let dependencies = Set(charts.flatMap(\.fileDependencies))
        return charts.filter { !dependencies.contains($0.directory) }
    }

    static func read(directory: String) -> HelmChart? {
        guard case .bytes(let bytes) = FileReader.read(path: directory + "/Chart.yaml", maxSize: 1 << 20),
              let root = YAMLParser.parse(bytes).documents.first?.root, root.kind == .mapping,
              let name = root["name"]?.string, !name.isEmpty
        else { return nil }
        var listing = Listing()
        listing.walk(directory, depth: 0)
        let vendored = Set(listing.files.compactMap { path -> String? in
            let prefix = directory + "/charts/"
            guard path.hasPrefix(prefix) else { return nil }
            return path.dropFirst(prefix.count).split(separator: "/").first.map(String.init)
        })
        var local: [(name: String, directory: String)] = []
        let fileDependencies = (root["dependencies"]?.items.map { $0 } ?? []).compactMap { dependency -> String? in
            guard let repository = dependency["repository"]?.string, repository.hasPrefix("file://") else { return nil }
            return RepositoryRoot.absolute(String(repository.dropFirst("file://".count)), workingDirectory: directory)
        }
        let missing = (root["dependencies"]?.items.map { $0 } ?? []).compactMap { dependency -> String? in
            guard let name = dependency["name"]?.string else { return nil }
            // A vendored dependency is a directory named for the chart or an archive NAME-VERSION.tgz.
            let present = vendored.contains(name) || vendored.contains { $0.hasPrefix(name + "-") && $0.hasSuffix(".tgz") }
            guard !present else { return nil }
            if let repository = dependency["repository"]?.string, repository.hasPrefix("file://") {
                local.append((name, RepositoryRoot.absolute(String(repository.dropFirst("file://".count)), workingDirectory: directory)))
                return nil
            }
            return name + (dependency["repository"]?.string.map { " (\($0))" } ?? "")
        }
        let environmentValues = listing.files.filter { path in
            guard path.hasPrefix(directory + "/"), !path.dropFirst(directory.count + 1).contains("/") else { return false }
            return isEnvironmentValues(String(path.dropFirst(directory.count + 1)))
        }.sorted()
        return HelmChart(
            directory: directory, name: name, missingDependencies: missing, localDependencies: local, fileDependencies: fileDependencies, environmentValues: environmentValues,
            files: listing.files, links: listing.links)
    }

    /// `values-prod.yaml`, `values.dev.yml`, `values_staging.yaml`: values for one environment.
    static func isEnvironmentValues(_ fileName: String) -> Bool {
        guard fileName.hasPrefix("values"), fileName.count > "values".count + 1 else { return false }
        let rest = fileName.dropFirst("values".count)
        guard let separator = rest.first, "-._".contains(separator) else { return false }
        let stem = rest.dropFirst()
        for suffix in [".yaml", ".yml"] where stem.hasSuffix(suffix) {
            let environment = stem.dropLast(suffix.count)
            return !environment.isEmpty && environment != "schema"
        }
        return false
    }

    /// A bounded walk of a chart directory: regular files and links, not followed.
    private struct Listing {
        static let maxEntries = 20_000
        static let maxDepth = 32
        var files: [String] = []
        var links: [String] = []

        mutating func walk(_ directory: String, depth: Int) {
            guard depth <= Self.maxDepth, files.count + links.count < Self.maxEntries, let handle = opendir(directory) else { return }
            var entries: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                }
                if name != ".", name != ".." { entries.append(name) }
            }
            closedir(handle)
            for name in entries.sorted() where files.count + links.count < Self.maxEntries {
                let path = directory + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFLNK:
                    links.append(path)
                    files.append(path)
                case S_IFDIR: walk(path, depth: depth + 1)
                case S_IFREG: files.append(path)
                default: continue
                }
            }
        }
    }
}

import Access
import ArgumentParser
import MeshLintConfig
import Rules
import YAMLModel

/// Reads the manifests under some paths into an index (working tree), or as they were at a git revision.
enum ManifestSnapshot {
    static func index(paths: [String], configuration: Configuration) -> MeshIndex {
        let request = Scanner.Request(paths: paths, indexOptions: configuration.indexOptions())
        let (inputs, discoveryErrors) = Discovery.inputs(for: paths)
        let (manifests, _, readErrors) = Scanner.read(inputs, request: request)
        for error in discoveryErrors + readErrors { FileHandle.writeToStandardError("meshlint: \(error)\n") }
        return MeshIndex(resources: manifests.flatMap(\.resources), options: request.indexOptions)
    }

    /// The manifest files under `paths` as they are at `revision` (`git ls-tree` and `git show`; no checkout).
    static func index(at revision: String, paths: [String], configuration: Configuration) throws -> MeshIndex {
        let workingDirectory = Discovery.currentDirectory()
        // `git -C` needs a directory: the first path's own, or the one holding it.
        var anchor = RepositoryRoot.absolute(paths.first ?? ".", workingDirectory: workingDirectory)
        if !Discovery.isDirectory(anchor) { anchor = String(anchor[..<(anchor.lastIndex(of: "/") ?? anchor.endIndex)]) }
        guard let top = Subprocess.run(["git", "-C", anchor.isEmpty ? "/" : anchor, "rev-parse", "--show-toplevel"]), top.status == 0 else {
            throw ChangeSetError("not inside a git work tree")
        }
        let root = String(top.text.split(whereSeparator: { $0 == "\n" }).first ?? "")
        let prefixes = paths.compactMap { RepositoryRoot.relative($0, to: root, workingDirectory: workingDirectory) ?? ($0 == "." ? "" : nil) }
        guard let listing = Subprocess.run(["git", "-C", root, "ls-tree", "-r", "-z", "--name-only", revision]), listing.status == 0 else {
            throw ChangeSetError("unknown git revision \(revision)")
        }
        var manifests: [ManifestFile] = []
        for path in listing.stdout.split(separator: 0).map({ String(decoding: $0, as: UTF8.self) })
        where ChangeSet.isManifest(path) && !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
            let relative = RepositoryRoot.relative(root + "/" + path, to: RepositoryRoot.absolute(".", workingDirectory: workingDirectory), workingDirectory: "/")
            let covered = prefixes.contains { $0.isEmpty || path == $0 || path.hasPrefix($0 + "/") }
            guard covered, let content = Subprocess.run(["git", "-C", root, "show", "\(revision):\(path)"]), content.status == 0 else { continue }
            manifests.append(ManifestLoader.load(path: relative ?? path, bytes: content.stdout))
        }
        return MeshIndex(resources: manifests.flatMap(\.resources), options: configuration.indexOptions())
    }
}

enum MatrixFormat: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

/// `meshlint access matrix`: every Service port against every identity present.
struct AccessMatrixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix", abstract: "Which identities can reach each Service port, and with which requests.")

    @Argument(help: "Files or directories holding the manifests (default: the current directory).")
    var paths: [String] = []

    @Option(name: [.short, .long], help: "text, json or markdown.")
    var format: MatrixFormat = .text

    @Option(help: "Configuration file (default: the nearest .meshlint.yaml).")
    var config: String?

    func run() throws {
        let scanPaths = paths.isEmpty ? ["."] : paths
        let configuration = try loadConfiguration(config, scanPaths)
        let rows = AccessMatrix.compute(index: ManifestSnapshot.index(paths: scanPaths, configuration: configuration))
        FileHandle.writeToStandardOutput(MatrixRendering.render(rows, format: format))
    }
}

/// `meshlint access diff --base REV`: what a change newly allows and newly denies.
struct AccessDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "What the change since a git revision newly allows and newly denies.")

    @Argument(help: "Files or directories holding the manifests (default: the current directory).")
    var paths: [String] = []

    @Option(help: "The git revision to compare with (read with git show: no checkout).")
    var base: String

    @Option(name: [.short, .long], help: "text, json or markdown.")
    var format: MatrixFormat = .text

    @Option(help: "Configuration file (default: the nearest .meshlint.yaml).")
    var config: String?

    func run() throws {
        let scanPaths = paths.isEmpty ? ["."] : paths
        let configuration = try loadConfiguration(config, scanPaths)
        let baseIndex: MeshIndex
        do {
            baseIndex = try ManifestSnapshot.index(at: base, paths: scanPaths, configuration: configuration)
        } catch {
            FileHandle.writeToStandardError("meshlint: \(error)\n")
            throw ExitCode.usageOrIOError
        }
        let changes = AccessMatrixChange.diff(
            base: AccessMatrix.compute(index: baseIndex),
            head: AccessMatrix.compute(index: ManifestSnapshot.index(paths: scanPaths, configuration: configuration)))
        FileHandle.writeToStandardOutput(MatrixRendering.render(changes, format: format))
    }
}

private func loadConfiguration(_ explicit: String?, _ paths: [String]) throws -> Configuration {
    do {
        return try Configuration.resolve(explicit: explicit, paths: paths)
    } catch let problem as Configuration.Problem {
        FileHandle.writeToStandardError("meshlint: \(problem)\n")
        throw ExitCode.usageOrIOError
    }
}

enum MatrixRendering {
    static func cell(_ row: AccessMatrixRow?) -> String {
        guard let row else { return "(absent)" }
        return row.isReachable ? row.allowedWhen.joined(separator: "; ") : "nothing (\(row.plainDecision.rawValue))"
    }

    static func json(_ row: AccessMatrixRow) -> JSONValue {
        .object([
            ("service", .string("\(row.service.name).\(row.service.namespace ?? "default")")),
            ("port", .int(row.port)),
            ("caller", .string(row.caller)),
            ("plainDecision", .string(row.plainDecision.rawValue)),
            ("allowedWhen", .array(row.allowedWhen.map(JSONValue.string))),
        ])
    }

    static func render(_ rows: [AccessMatrixRow], format: MatrixFormat) -> String {
        switch format {
        case .json:
            return JSONValue.object([("schemaVersion", .int(1)), ("rows", .array(rows.map(json)))]).serialized()
        case .markdown:
            return "| service | caller | reaches with |\n| --- | --- | --- |\n" + rows.map {
                "| \(Markdown.code("\($0.service.name).\($0.service.namespace ?? "default"):\($0.port)", inTable: true)) | "
                    + "\(Markdown.code($0.caller, inTable: true)) | \(Markdown.text(cell($0))) |\n"
            }.joined()
        case .text:
            return rows.map { "\($0.service.name).\($0.service.namespace ?? "default"):\($0.port) <- \($0.caller): \(cell($0))\n" }.joined()
        }
    }

    static func render(_ changes: [AccessMatrixChange], format: MatrixFormat) -> String {
        switch format {
        case .json:
            return JSONValue.object([("schemaVersion", .int(1)), ("changes", .array(changes.map { change in
                .object([
                    ("key", .string(change.key)),
                    ("widens", .bool(change.widens)),
                    ("before", change.before.map(json) ?? .null),
                    ("after", change.after.map(json) ?? .null),
                ])
            }))]).serialized()
        case .markdown:
            guard !changes.isEmpty else { return "No change to who can reach what.\n" }
            return "| | service <- caller | before | after |\n| --- | --- | --- | --- |\n" + changes.map {
                "| \($0.widens ? "newly allows" : "newly denies") | \(Markdown.code($0.key, inTable: true)) | "
                    + "\(Markdown.text(cell($0.before))) | \(Markdown.text(cell($0.after))) |\n"
            }.joined()
        case .text:
            guard !changes.isEmpty else { return "No change to who can reach what.\n" }
            return changes.map {
                "\($0.widens ? "newly allows" : "newly denies"): \($0.key)\n  before: \(cell($0.before))\n  after:  \(cell($0.after))\n"
            }.joined()
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Access
import ArgumentParser
import MeshLintConfig
import Rules
import YAMLModel

/// Reads the manifests under some paths into an index (working tree), or as they were at a git revision.
enum ManifestSnapshot {
    /// The index, and whether every file was read before `deadline`.
    static func index(paths: [String], configuration: Configuration, deadline: Deadline = .none) -> (MeshIndex, complete: Bool) {
        var request = Scanner.Request(paths: paths, indexOptions: configuration.indexOptions())
        request.deadline = deadline.instant
        let (inputs, discoveryErrors) = Discovery.inputs(for: paths)
        let (manifests, _, readErrors) = Scanner.read(inputs, request: request)
        for error in discoveryErrors + readErrors { FileHandle.writeToStandardError("meshlint: \(error)\n") }
        let complete = !manifests.contains { $0.problems.contains { $0.kind == .incomplete } }
        return (MeshIndex(resources: manifests.flatMap(\.resources), options: request.indexOptions), complete)
    }

    /// The manifest files under `paths` as they are at `revision` (`git ls-tree` and `git show`; no checkout).
    /// The index at `revision`, and whether every file was read before `deadline`.
    static func index(
        at revision: String, paths: [String], configuration: Configuration, deadline: Deadline = .none
    ) throws -> (MeshIndex, complete: Bool) {
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
            throw ChangeSetError.unknownRevision(revision, root: root)
        }
        var wanted: [(path: String, display: String)] = []
        for path in listing.stdout.split(separator: 0).map({ String(decoding: $0, as: UTF8.self) })
        where ChangeSet.isManifest(path) && !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
            let relative = RepositoryRoot.relative(root + "/" + path, to: RepositoryRoot.absolute(".", workingDirectory: workingDirectory), workingDirectory: "/")
            let covered = prefixes.contains { $0.isEmpty || path == $0 || path.hasPrefix($0 + "/") }
            if covered { wanted.append((path, relative ?? path)) }
        }
        guard let contents = blobs(wanted.map(\.path), at: revision, root: root, deadline: deadline) else {
            return (MeshIndex(resources: [], options: configuration.indexOptions()), false)
        }
        let manifests = wanted.indices.compactMap { position in
            contents[position].map { ManifestLoader.load(path: wanted[position].display, bytes: $0) }
        }
        return (MeshIndex(resources: manifests.flatMap(\.resources), options: configuration.indexOptions()), true)
    }
}

extension ManifestSnapshot {
    /// The contents of `paths` at `revision`, by position in `paths`, read by one `git cat-file
    /// --batch` (one process for every file: a `git show` per file cost seconds on large trees);
    /// a path whose name has a line break, which --batch cannot take, by `git show`. Paths git
    /// cannot show are left out; nil when the deadline passed first.
    static func blobs(_ paths: [String], at revision: String, root: String, deadline: Deadline) -> [Int: [UInt8]]? {
        var contents: [Int: [UInt8]] = [:]
        let batched = paths.indices.filter { !paths[$0].contains("\n") && !paths[$0].contains("\r") }
        if !batched.isEmpty, let list = temporaryFile(batched.map { "\(revision):\(paths[$0])\n" }.joined()) {
            defer { unlink(list) }
            if let output = Subprocess.run(["git", "-C", root, "cat-file", "--batch"], inputPath: list), output.status == 0 {
                var reader = CatFileReader(bytes: output.stdout)
                for position in batched {
                    guard let content = reader.next() else { break }
                    if let content { contents[position] = content }
                }
            }
        }
        let batchedSet = Set(batched)
        for position in paths.indices where !batchedSet.contains(position) {
            if deadline.hasPassed { return nil }
            if let content = Subprocess.run(["git", "-C", root, "show", "\(revision):\(paths[position])"]), content.status == 0 {
                contents[position] = content.stdout
            }
        }
        return deadline.hasPassed ? nil : contents
    }

    private static func temporaryFile(_ text: String) -> String? {
        guard let path = TemporaryFiles.file(prefix: "meshlint-paths") else { return nil }
        let descriptor = open(path, O_WRONLY | O_TRUNC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { return nil }
            offset += written
        }
        return path
    }
}

/// `git cat-file --batch` output: `<oid> blob <size>\n<content>\n` per object asked for, or
/// `<name> missing\n`.
struct CatFileReader {
    let bytes: [UInt8]
    var offset = 0

    /// The next object's content; `.some(nil)` for one git does not have; nil at the end.
    mutating func next() -> [UInt8]?? {
        guard offset < bytes.count, let newline = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let header = String(decoding: bytes[offset..<newline], as: UTF8.self).split(separator: " ")
        offset = newline + 1
        guard header.count == 3, header[1] == "blob", let size = Int(header[2]), offset + size <= bytes.count else {
            return .some(nil)
        }
        let content = Array(bytes[offset..<offset + size])
        offset += size + 1
        return .some(content)
    }
}

enum MatrixFormat: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

/// `meshlint access matrix`: every Service port against every identity present.
struct AccessMatrixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix", abstract: "Which identities can reach each Service port, and with which requests.",
        discussion: """
            The rows are written as they are computed, a batch of Services at a time, so memory stays \
            bounded however large the mesh (the output itself is Services × ports × identities rows). \
            With --timeout the matrix stops when the time runs out: the output ends there, is marked \
            incomplete (JSON: "complete": false), and the exit status is 2.
            """)

    @Argument(help: "Files or directories holding the manifests (default: the current directory).")
    var paths: [String] = []

    @Option(name: [.short, .long], help: "text, json or markdown.")
    var format: MatrixFormat = .text

    @Option(help: "Configuration file (default: the nearest .meshlint.yaml).")
    var config: String?

    @Option(help: "Stop after this many seconds: the output so far, marked incomplete, and exit status 2.")
    var timeout: Double?

    func validate() throws {
        try validateTimeout(timeout)
    }

    @Option(help: "The environment (a Kustomize root, Helm release or Argo CD Application with variants); default: each in turn.")
    var env: String?

    @Flag(name: .customLong("no-render"), help: "Read kustomizations and chart templates as files instead of rendering them.")
    var noRender = false

    func run() throws {
        let scanPaths = paths.isEmpty ? ["."] : paths
        try PathConfinement().require(scanPaths.map { ("path", $0) })
        let configuration = try loadConfiguration(config, scanPaths)
        let deadline = Deadline(timeout.map { ContinuousClock.now.advanced(by: .milliseconds(Int64(($0 * 1000).rounded(.up)))) })
        let render = Meshes.renderRequest(configuration, enabled: !noRender, workingDirectory: Discovery.currentDirectory())
        let read = Meshes.read(paths: scanPaths, configuration: configuration, render: render, deadline: deadline)
        let meshes = try Meshes.select(read.meshes, env: env)
        var writer = MatrixWriter(format: format, list: "rows", named: meshes.contains { $0.name != nil })
        FileHandle.writeToStandardOutput(writer.header())
        var complete = read.complete
        for mesh in meshes where complete {
            writer.environment = mesh.name
            let plan = AccessMatrixPlan(index: mesh.index, audiences: configuration.mintedAudiences)
            complete = AccessMatrix.stream(plan, shouldStop: { deadline.hasPassed }) { rows in
                FileHandle.writeToStandardOutput(writer.rows(rows))
            }
        }
        FileHandle.writeToStandardOutput(writer.footer(complete: complete))
        try finish(complete: complete, timeout: timeout)
    }
}

/// `meshlint access diff --base REV`: what a change newly allows and newly denies.
struct AccessDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "What the change since a git revision newly allows and newly denies.",
        discussion: """
            Both matrices are computed a batch of Services at a time and compared as they go, so memory \
            stays bounded however large the mesh. With --timeout the comparison stops when the time \
            runs out: the output ends there, is marked incomplete, and the exit status is 2.
            """)

    @Argument(help: "Files or directories holding the manifests (default: the current directory).")
    var paths: [String] = []

    @Option(help: "The git revision to compare with (read with git, no checkout).")
    var base: String

    @Option(name: .customLong("fail-on"), help: "Exit 1 when the change newly allows something (newly-allowed) or changes anything (any).")
    var failOn: DiffFailure?

    @Option(name: [.short, .long], help: "text, json or markdown.")
    var format: MatrixFormat = .text

    @Option(help: "Configuration file (default: the nearest .meshlint.yaml).")
    var config: String?

    @Option(help: "Stop after this many seconds: the output so far, marked incomplete, and exit status 2.")
    var timeout: Double?

    func validate() throws {
        try validateTimeout(timeout)
    }

    @Option(help: "The environment (a Kustomize root, Helm release or Argo CD Application with variants); default: each in turn.")
    var env: String?

    @Flag(name: .customLong("no-render"), help: "Read kustomizations and chart templates as files instead of rendering them.")
    var noRender = false

    func run() throws {
        let scanPaths = paths.isEmpty ? ["."] : paths
        try PathConfinement().require(scanPaths.map { ("path", $0) })
        let configuration = try loadConfiguration(config, scanPaths)
        let deadline = Deadline(timeout.map { ContinuousClock.now.advanced(by: .milliseconds(Int64(($0 * 1000).rounded(.up)))) })
        let render = Meshes.renderRequest(configuration, enabled: !noRender, workingDirectory: Discovery.currentDirectory())
        let head = Meshes.read(paths: scanPaths, configuration: configuration, render: render, deadline: deadline)
        let baseMeshes: [Mesh]
        let baseRead: Bool
        do {
            (baseMeshes, baseRead) = try Meshes.read(
                at: base, paths: scanPaths, configuration: configuration, render: render, deadline: deadline, rendered: head.rendered)
        } catch {
            FileHandle.writeToStandardError("meshlint: \(error)\n")
            throw ExitCode.usageOrIOError
        }
        let meshes = try Meshes.select(head.meshes, env: env)
        var writer = MatrixWriter(format: format, list: "changes", named: meshes.contains { $0.name != nil })
        FileHandle.writeToStandardOutput(writer.header())
        var complete = baseRead && head.complete
        var (widened, changed) = (false, false)
        for mesh in meshes where complete {
            // The same environment at the base revision; one that did not exist there was empty.
            let before = baseMeshes.first { $0.name == mesh.name }?.index ?? MeshIndex(resources: [], options: mesh.index.options)
            writer.environment = mesh.name
            complete = AccessMatrixChange.stream(
                base: AccessMatrixPlan(index: before, audiences: configuration.mintedAudiences),
                head: AccessMatrixPlan(index: mesh.index, audiences: configuration.mintedAudiences), shouldStop: { deadline.hasPassed }
            ) { changes in
                widened = widened || changes.contains(where: \.widens)
                changed = changed || !changes.isEmpty
                FileHandle.writeToStandardOutput(writer.changes(changes))
            }
        }
        FileHandle.writeToStandardOutput(writer.footer(complete: complete))
        try finish(complete: complete, timeout: timeout)
        switch failOn {
        case .newlyAllowed? where widened, .any? where changed: throw ExitCode.findings
        default: break
        }
    }
}

/// What makes `access diff` fail in CI.
enum DiffFailure: String, ExpressibleByArgument, CaseIterable {
    /// Something gets through that did not before.
    case newlyAllowed = "newly-allowed"
    /// Any outcome changes, newly allowed or newly denied.
    case any
}

private func validateTimeout(_ timeout: Double?) throws {
    if let timeout, !(timeout > 0 && timeout <= 1e9) { throw ValidationError("--timeout must be a positive number of seconds") }
}

/// Exit status 2, with a message, when the time limit cut the output short.
private func finish(complete: Bool, timeout: Double?) throws {
    guard complete else {
        FileHandle.writeToStandardError("meshlint: the time limit (--timeout \(timeout ?? 0) s) ran out; the output is incomplete\n")
        throw ExitCode.usageOrIOError
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

/// The matrix and its diff written as they are computed: a header, batches of rows or changes,
/// a footer that says whether the output is complete. JSON comes out as one document (the rows
/// array, then `"complete"`), byte for byte as the pretty printer would write it whole.
struct MatrixWriter {
    let format: MatrixFormat
    /// The JSON array's key: `rows` or `changes`.
    let list: String
    /// The input has environments: each row or change says which (JSON `environment`, a column in
    /// Markdown, a `[NAME]` prefix in text).
    let named: Bool
    /// The environment of the rows and changes written next.
    var environment: String?
    private var written = 0

    init(format: MatrixFormat, list: String, named: Bool = false) {
        self.format = format
        self.list = list
        self.named = named
    }

    func header() -> String {
        switch format {
        case .json: "{\n  \"schemaVersion\": 1,\n  \"\(list)\": ["
        case .markdown:
            list == "rows" ? (named ? "| environment | service | caller | reaches with |\n| --- | --- | --- | --- |\n"
                : "| service | caller | reaches with |\n| --- | --- | --- |\n") : ""
        case .text: ""
        }
    }

    /// The environment column of a Markdown row, the prefix of a text line, the JSON field.
    private var cellPrefix: String { named ? "| \(Markdown.code(environment ?? "(shared)", inTable: true)) " : "" }
    private var linePrefix: String { named ? "[\(environment ?? "shared")] " : "" }
    private func tagged(_ value: JSONValue) -> JSONValue {
        guard named, case .object(let fields) = value else { return value }
        return .object([("environment", environment.map(JSONValue.string) ?? .null)] + fields)
    }

    mutating func rows(_ rows: [AccessMatrixRow]) -> String {
        switch format {
        case .json:
            return items(rows.map { tagged(Self.json($0)) })
        case .markdown:
            written += rows.count
            return rows.map {
                cellPrefix + "| \(Markdown.code("\($0.service.name).\($0.service.namespace ?? "default"):\($0.port)", inTable: true)) | "
                    + "\(Markdown.code($0.caller, inTable: true)) | \(Markdown.text(Self.cell($0))) |\n"
            }.joined()
        case .text:
            written += rows.count
            return rows.map { linePrefix + "\($0.service.name).\($0.service.namespace ?? "default"):\($0.port) <- \($0.caller): \(Self.cell($0))\n" }.joined()
        }
    }

    mutating func changes(_ changes: [AccessMatrixChange]) -> String {
        switch format {
        case .json:
            return items(changes.map { change in
                tagged(.object([
                    ("key", .string(change.key)),
                    ("widens", .bool(change.widens)),
                    ("before", change.before.map(Self.json) ?? .null),
                    ("after", change.after.map(Self.json) ?? .null),
                ]))
            })
        case .markdown:
            guard !changes.isEmpty else { return "" }
            let header = written == 0
                ? (named ? "| environment | | service <- caller | before | after |\n| --- | --- | --- | --- | --- |\n"
                    : "| | service <- caller | before | after |\n| --- | --- | --- | --- |\n") : ""
            written += changes.count
            return header + changes.map {
                cellPrefix + "| \($0.widens ? "newly allows" : "newly denies") | \(Markdown.code($0.key, inTable: true)) | "
                    + "\(Markdown.text(Self.cell($0.before))) | \(Markdown.text(Self.cell($0.after))) |\n"
            }.joined()
        case .text:
            written += changes.count
            return changes.map {
                linePrefix + "\($0.widens ? "newly allows" : "newly denies"): \($0.key)\n  before: \(Self.cell($0.before))\n  after:  \(Self.cell($0.after))\n"
            }.joined()
        }
    }

    func footer(complete: Bool) -> String {
        switch format {
        case .json:
            return (written == 0 ? "]" : "\n  ]") + ",\n  \"complete\": \(complete)\n}\n"
        case .markdown, .text:
            var footer = ""
            if written == 0 && list == "changes" && complete { footer += "No change to who can reach what.\n" }
            if !complete {
                footer += format == .markdown
                    ? "\n**Incomplete:** the time limit ran out; the \(list) above are not all of them.\n"
                    : "(incomplete: the time limit ran out; the \(list) above are not all of them)\n"
            }
            return footer
        }
    }

    /// JSON items after those already written, each indented as the pretty printer indents them.
    private mutating func items(_ values: [JSONValue]) -> String {
        var output = ""
        for value in values {
            output += (written == 0 ? "\n" : ",\n") + value.serialized(indent: 4)
            written += 1
        }
        return output
    }

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
}

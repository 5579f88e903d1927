import Rules
import YAMLModel
#if canImport(Glibc)
import Glibc
#endif

/// `.meshlint.yaml`: what a repository tells MeshLint that its manifests do not.
///
/// Validated strictly: an unknown key or a value of the wrong type is an error with its position
/// and the expected shape, never silently ignored (a typo in a setting must not turn a check off).
struct Configuration: Equatable {
    static let fileName = ".meshlint.yaml"

    var rootNamespace: String?
    var limits = Limits()
    /// `identity.audiences`: issuer URL or `service.namespace` → accepted audiences.
    var audiences: [String: AudienceEntry] = [:]
    /// The file read, for messages and related locations.
    var path: String?

    struct Limits: Equatable {
        var maxFileSize: Int?
        var maxDepth: Int?
        var maxAliasExpansion: Int?
    }

    struct AudienceEntry: Equatable {
        var values: [String]
        var span: Span
    }

    /// A configuration problem, reported as `file:line:col: message` and exit 2.
    struct Problem: Error, CustomStringConvertible {
        let file: String
        let mark: Mark
        let message: String

        var description: String { "\(file):\(mark.line):\(mark.column): \(message)" }
    }

    /// The settings rules read.
    var lintSettings: LintSettings {
        LintSettings(expectedAudiences: audiences.mapValues {
            ExpectedAudiences(values: $0.values, file: path, span: $0.span)
        })
    }

    // MARK: Finding and reading

    /// The nearest `.meshlint.yaml` in `directory` or above it.
    static func find(from directory: String) -> String? {
        var current = directory.isEmpty ? "." : directory
        if !current.hasPrefix("/") { current = Discovery.currentDirectory() + "/" + current }
        var components = current.split(separator: "/").map(String.init).filter { $0 != "." }
        while true {
            let candidate = "/" + (components + [fileName]).joined(separator: "/")
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { return candidate }
            guard !components.isEmpty else { return nil }
            components.removeLast()
        }
    }

    static func load(path: String, display: String) throws -> Configuration {
        switch FileReader.read(path: path, maxSize: 1 << 20) {
        case .bytes(let bytes):
            return try parse(bytes, file: display)
        case .tooLarge:
            throw Problem(file: display, mark: .fileStart, message: "the configuration file is larger than 1 MiB")
        case .failed(let reason):
            throw Problem(file: display, mark: .fileStart, message: "cannot read the configuration file: \(reason)")
        }
    }

    static func parse(_ bytes: [UInt8], file: String) throws -> Configuration {
        let parsed = YAMLParser.parse(bytes)
        if let problem = parsed.problems.first {
            throw Problem(file: file, mark: problem.span.start, message: problem.message)
        }
        var configuration = Configuration(path: file)
        guard let root = parsed.documents.first?.root, !root.isNull else { return configuration }
        let reader = Reader(file: file)
        for pair in try reader.mapping(root, shape: "a mapping of rootNamespace, identity, limits") {
            switch pair.key.scalar {
            case "rootNamespace":
                configuration.rootNamespace = try reader.string(pair.value, field: "rootNamespace")
            case "limits":
                for entry in try reader.mapping(pair.value, shape: "limits: {maxFileSize, maxDepth, maxAliasExpansion}") {
                    let value = try reader.positiveInt(entry.value, field: "limits.\(entry.key.scalar ?? "")")
                    switch entry.key.scalar {
                    case "maxFileSize": configuration.limits.maxFileSize = value
                    case "maxDepth": configuration.limits.maxDepth = value
                    case "maxAliasExpansion": configuration.limits.maxAliasExpansion = value
                    default: throw reader.unknown(entry.key, expected: "maxFileSize, maxDepth, maxAliasExpansion")
                    }
                }
            case "identity":
                for entry in try reader.mapping(pair.value, shape: "identity: {audiences: {<issuer or service.namespace>: [audience, ...]}}") {
                    guard entry.key.scalar == "audiences" else { throw reader.unknown(entry.key, expected: "audiences") }
                    for audience in try reader.mapping(entry.value, shape: "audiences: {<issuer URL or service.namespace>: [audience, ...]}") {
                        let key = try reader.string(audience.key, field: "identity.audiences key")
                        let values = try reader.strings(audience.value, field: "identity.audiences[\(key)]")
                        configuration.audiences[key] = AudienceEntry(values: values, span: audience.key.span.union(audience.value.span))
                    }
                }
            default:
                throw reader.unknown(pair.key, expected: "rootNamespace, identity, limits")
            }
        }
        return configuration
    }

    /// Typed reads that fail with the position and the expected shape.
    private struct Reader {
        let file: String

        func mapping(_ node: Node, shape: String) throws -> [Node.Pair] {
            guard node.kind == .mapping else { throw Problem(file: file, mark: node.span.start, message: "expected \(shape)") }
            return node.pairs
        }

        func string(_ node: Node, field: String) throws -> String {
            guard node.kind == .scalar, let text = node.string, !text.isEmpty else {
                throw Problem(file: file, mark: node.span.start, message: "\(field) must be a non-empty string")
            }
            return text
        }

        func strings(_ node: Node, field: String) throws -> [String] {
            guard node.kind == .sequence else {
                throw Problem(file: file, mark: node.span.start, message: "\(field) must be a list of strings")
            }
            return try node.items.map { try string($0, field: field) }
        }

        func positiveInt(_ node: Node, field: String) throws -> Int {
            guard let value = node.int, value > 0, node.style == .plain else {
                throw Problem(file: file, mark: node.span.start, message: "\(field) must be a positive integer")
            }
            return value
        }

        func unknown(_ key: Node, expected: String) -> Problem {
            Problem(file: file, mark: key.span.start, message: "unknown key \"\(key.scalar ?? "?")\"; expected one of: \(expected)")
        }
    }
}

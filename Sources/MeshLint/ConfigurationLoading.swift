import Access
import Rules
import MeshLintConfig
#if canImport(Glibc)
import Glibc
#endif

extension Configuration {
    /// Reads and parses a configuration file; problems are reported with their position.
    static func load(path: String, display: String, customRuleIDs: Set<String> = []) throws -> Configuration {
        switch FileReader.read(path: path, maxSize: 1 << 20) {
        case .bytes(let bytes):
            return try parse(bytes, file: display, customRuleIDs: customRuleIDs)
        case .tooLarge:
            throw Problem(file: display, mark: .fileStart, message: "the configuration file is larger than 1 MiB")
        case .failed(let reason):
            throw Problem(file: display, mark: .fileStart, message: "cannot read the configuration file: \(reason)")
        }
    }

    /// The configuration file `resolve` would read, if any; refused when it resolves outside its
    /// repository (a `.meshlint.yaml` that a pull request made a symlink).
    static func locate(explicit: String?, paths: [String], confinement: PathConfinement = PathConfinement()) throws -> String? {
        guard let path = unconfinedLocation(explicit: explicit, paths: paths) else { return nil }
        if let refusal = confinement.refusal(for: path, what: "configuration") {
            throw Problem(file: path, mark: .fileStart, message: refusal)
        }
        return path
    }

    private static func unconfinedLocation(explicit: String?, paths: [String]) -> String? {
        if let explicit { return explicit }
        let workingDirectory = Discovery.currentDirectory()
        let first = paths.first { $0 != "-" } ?? "."
        var absolute = RepositoryRoot.absolute(first, workingDirectory: workingDirectory)
        if !Discovery.isDirectory(absolute) {
            absolute = String(absolute[..<(absolute.lastIndex(of: "/") ?? absolute.endIndex)])
        }
        return find(from: absolute.isEmpty ? "/" : absolute)
    }

    /// When `path` (a found `.meshlint.yaml`) sits below another one in its repository, that one
    /// is not read: the nearest file replaces its parents whole. Said, so that nobody trusts the
    /// root configuration for a subtree that has its own.
    static func nestingNotice(for path: String) -> String? {
        let workingDirectory = Discovery.currentDirectory()
        let absolute = RepositoryRoot.absolute(path, workingDirectory: workingDirectory)
        guard let slash = absolute.lastIndex(of: "/") else { return nil }
        let directory = String(absolute[..<slash])
        guard let root = PathConfinement.workTree(containing: directory), directory != root, let parentEnd = directory.lastIndex(of: "/")
        else { return nil }
        var current = String(directory[..<parentEnd])
        while current.count >= root.count {
            let candidate = (current.isEmpty ? "" : current) + "/" + fileName
            if Discovery.isRegularFile(candidate) {
                return "\(Discovery.displayPath(absolute, workingDirectory: workingDirectory)) replaces "
                    + "\(Discovery.displayPath(candidate, workingDirectory: workingDirectory)): only the nearest .meshlint.yaml is read, "
                    + "none of its parent's settings apply (pin one with --config FILE --no-nested-config)"
            }
            guard let slash = current.lastIndex(of: "/"), current != root else { break }
            current = String(current[..<slash])
        }
        return nil
    }

    /// The `rulesDirs` a configuration file names, as paths from the working directory. A
    /// configuration comes with the pull request: each directory must resolve inside the
    /// configuration's own repository (or, outside any, its directory).
    static func rulesDirectories(explicit: String?, paths: [String], confinement: PathConfinement = PathConfinement()) throws -> [String] {
        guard let path = try locate(explicit: explicit, paths: paths, confinement: confinement),
              case .bytes(let bytes) = FileReader.read(path: path, maxSize: 1 << 20)
        else { return [] }
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let absoluteDirectory = RepositoryRoot.absolute(directory, workingDirectory: Discovery.currentDirectory())
        // Outside any work tree, the working directory when the configuration is in it, else the
        // configuration's own directory.
        let workingDirectory = RepositoryRoot.absolute(".", workingDirectory: Discovery.currentDirectory())
        let root = PathConfinement.workTree(containing: absoluteDirectory)
            ?? (absoluteDirectory.hasPrefix(workingDirectory + "/") || absoluteDirectory == workingDirectory ? workingDirectory : absoluteDirectory)
        return try rulesDirectories(in: bytes).map { named in
            let resolved = named.hasPrefix("/") ? named : directory + "/" + named
            if let refusal = confinement.refusal(for: resolved, what: "rulesDirs entry", root: root) {
                throw Problem(file: path, mark: .fileStart, message: refusal)
            }
            return resolved
        }
    }

    /// `explicit` (`--config`), else the nearest `.meshlint.yaml` from the first scanned path upward,
    /// else the empty configuration.
    static func resolve(
        explicit: String?, paths: [String], customRuleIDs: Set<String> = [], confinement: PathConfinement = PathConfinement()
    ) throws -> Configuration {
        let workingDirectory = Discovery.currentDirectory()
        guard let path = try locate(explicit: explicit, paths: paths, confinement: confinement) else { return Configuration() }
        return try load(path: path, display: Discovery.displayPath(path, workingDirectory: workingDirectory), customRuleIDs: customRuleIDs)
    }
}

/// Today's date (UTC), for `expires`.
enum Today {
    static var date: CalendarDate {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        return CalendarDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
    }
}

extension Configuration {
    /// The audiences `identity.audiences` declares, as the access matrix reads them: a token tried
    /// "with a valid token" carries what the issuer mints, not what the policy accepts.
    var mintedAudiences: MintedAudiences {
        MintedAudiences(declared: audiences.mapValues(\.values))
    }
}

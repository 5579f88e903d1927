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

    /// The configuration file `resolve` would read, if any.
    static func locate(explicit: String?, paths: [String]) -> String? {
        if let explicit { return explicit }
        let workingDirectory = Discovery.currentDirectory()
        let first = paths.first { $0 != "-" } ?? "."
        var absolute = RepositoryRoot.absolute(first, workingDirectory: workingDirectory)
        if !Discovery.isDirectory(absolute) {
            absolute = String(absolute[..<(absolute.lastIndex(of: "/") ?? absolute.endIndex)])
        }
        return find(from: absolute.isEmpty ? "/" : absolute)
    }

    /// The `rulesDirs` a configuration file names, as paths from the working directory.
    static func rulesDirectories(explicit: String?, paths: [String]) -> [String] {
        guard let path = locate(explicit: explicit, paths: paths), case .bytes(let bytes) = FileReader.read(path: path, maxSize: 1 << 20)
        else { return [] }
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        return rulesDirectories(in: bytes).map { $0.hasPrefix("/") ? $0 : directory + "/" + $0 }
    }

    /// `explicit` (`--config`), else the nearest `.meshlint.yaml` from the first scanned path upward,
    /// else the empty configuration.
    static func resolve(explicit: String?, paths: [String], customRuleIDs: Set<String> = []) throws -> Configuration {
        let workingDirectory = Discovery.currentDirectory()
        let path: String?
        if let explicit {
            path = explicit
        } else {
            let first = paths.first { $0 != "-" } ?? "."
            var absolute = RepositoryRoot.absolute(first, workingDirectory: workingDirectory)
            var info = stat()
            if stat(absolute, &info) != 0 || (info.st_mode & S_IFMT) != S_IFDIR {
                absolute = String(absolute[..<(absolute.lastIndex(of: "/") ?? absolute.endIndex)])
            }
            path = find(from: absolute.isEmpty ? "/" : absolute)
        }
        guard let path else { return Configuration() }
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

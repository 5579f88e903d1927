#if canImport(Glibc)
import Glibc
#endif

/// Where SARIF and GitHub annotations root their paths: code scanning matches results to files by
/// their path from the repository's top.
enum RepositoryRoot {
    /// The enclosing git work tree of `path` (a directory holding `.git`, a folder or, in a
    /// worktree or submodule, a file), else the working directory. Absolute, without a trailing `/`.
    static func find(from path: String, workingDirectory: String = Discovery.currentDirectory()) -> String {
        var current = absolute(path, workingDirectory: workingDirectory)
        var info = stat()
        if stat(current, &info) != 0 || (info.st_mode & S_IFMT) != S_IFDIR {
            current = parent(of: current)
        }
        while true {
            var gitInfo = stat()
            if stat(current + (current == "/" ? "" : "/") + ".git", &gitInfo) == 0 { return current }
            if current == "/" { return normalised(workingDirectory) }
            current = parent(of: current)
        }
    }

    /// `path` made absolute against `workingDirectory`, with `.` and `..` resolved textually.
    static func absolute(_ path: String, workingDirectory: String) -> String {
        let joined = path.hasPrefix("/") ? path : workingDirectory + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `file` (relative to the working directory, or absolute) relative to `root`, or nil when it
    /// is outside it.
    static func relative(_ file: String, to root: String, workingDirectory: String) -> String? {
        let full = absolute(file, workingDirectory: workingDirectory)
        if root == "/" { return String(full.dropFirst()) }
        guard full.hasPrefix(root + "/") else { return nil }
        return String(full.dropFirst(root.count + 1))
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    private static func normalised(_ path: String) -> String { absolute(path, workingDirectory: "/") }
}

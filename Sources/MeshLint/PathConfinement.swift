import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where MeshLint may read: inside the repository a path belongs to. A pull request controls the
/// tree it is checked out as: it can turn `deploy/` into a symlink to a directory of the runner,
/// point `rulesDirs` at `/tmp` or `../`, make `.meshlint.yaml` or a baseline a link to any file.
/// Each path MeshLint is given (scan roots, files, `--config`, `--baseline`, `--rules-dir`) or
/// finds (`.meshlint.yaml`, `.meshlint/rules.d`) or reads from a configuration (`rulesDirs`) is
/// resolved here, in one place, and refused when it resolves outside its repository, unless
/// `--allow-outside-repository` says so. Inside directories, symlinks are not followed at all
/// (or, with `--follow-symlinks`, only within the directory walked).
struct PathConfinement: Sendable {
    /// `--allow-outside-repository`.
    var allowOutside = false

    /// Why `path` may not be read, or nil when it may. `what` names it in the message. The
    /// repository is `root` when given (a configuration's own, for the paths it names), else the
    /// git work tree `path` is written in; a path in no work tree is not confined. A path that does
    /// not exist is not refused here: reading it reports that.
    func refusal(for path: String, what: String, root: String? = nil) -> String? {
        guard !allowOutside, path != "-" else { return nil }
        let textual = RepositoryRoot.absolute(path, workingDirectory: Discovery.currentDirectory())
        guard let repository = root ?? Self.workTree(containing: textual), let resolved = Self.resolved(textual) else { return nil }
        let resolvedRoot = Self.resolved(repository) ?? repository
        if resolvedRoot == "/" || resolved == resolvedRoot || resolved.hasPrefix(resolvedRoot + "/") { return nil }
        return "\(what) \(path) resolves to \(resolved), outside the repository \(repository); not read "
            + "(a symlink, or a path out of the repository; --allow-outside-repository reads it)"
    }

    /// Stops the command (exit 2, the reason on standard error) at the first of `named` (what it
    /// is, the path) that may not be read.
    func require(_ named: [(what: String, path: String)]) throws {
        for (what, path) in named {
            if let refusal = refusal(for: path, what: what) {
                FileHandle.writeToStandardError("meshlint: \(refusal)\n")
                throw ExitCode.usageOrIOError
            }
        }
    }

    /// The nearest textual ancestor of `path` (itself included) holding `.git` that is not itself
    /// a symlink: the repository a path written in the tree belongs to, whatever its links point at.
    static func workTree(containing path: String) -> String? {
        var current = path
        while true {
            var info = stat()
            let isLink = lstat(current, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
            var git = stat()
            if !isLink, lstat(current + (current == "/" ? "" : "/") + ".git", &git) == 0 { return current }
            if current == "/" { return nil }
            guard let slash = current.lastIndex(of: "/") else { return nil }
            current = slash == current.startIndex ? "/" : String(current[..<slash])
        }
    }

    static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

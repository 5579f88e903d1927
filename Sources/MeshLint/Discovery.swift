#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the manifest files to read: named files as given, directories walked for `.yaml`, `.yml`
/// and `.json`, `-` for standard input.
///
/// Walking uses POSIX calls directly: by default no symlinks are followed inside directories (a
/// link loop or a link out of the repository must not be walked); with `followSymlinks`, links are
/// followed only when they resolve inside the directory being walked, and each directory is
/// walked once, so a loop ends. Hidden entries (`.git`, `.github`) are skipped, and anything but a
/// regular file (a FIFO, a device) is never opened, so it can never block the scan.
struct Discovery {
    enum Input: Sendable, Equatable {
        case file(path: String, display: String)
        case standardInput
    }

    static let manifestExtensions: Set<String> = ["yaml", "yml", "json"]

    /// The inputs, in a deterministic order, and one message for each path that could not be used.
    static func inputs(
        for paths: [String], workingDirectory: String = currentDirectory(), followSymlinks: Bool = false
    ) -> (inputs: [Input], errors: [String]) {
        var inputs: [Input] = []
        var errors: [String] = []
        var seen = Set<String>()
        for path in paths {
            if path == "-" {
                if !inputs.contains(.standardInput) { inputs.append(.standardInput) }
                continue
            }
            var info = stat()
            guard stat(path, &info) == 0 else {
                errors.append("\(path): \(String(cString: strerror(errno)))")
                continue
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                var found: [String] = []
                var walk = Walk(followSymlinks: followSymlinks, root: followSymlinks ? resolvedPath(path) : nil)
                walk.visit(directory: path, info: followSymlinks ? info : nil, into: &found, errors: &errors)
                for file in found.sorted() {
                    // The same file named twice (`b/ns.yaml` and inside `.`) is read once.
                    let display = displayPath(file, workingDirectory: workingDirectory)
                    if seen.insert(display).inserted { inputs.append(.file(path: file, display: display)) }
                }
            } else if (info.st_mode & S_IFMT) == S_IFREG {
                let display = displayPath(path, workingDirectory: workingDirectory)
                if seen.insert(display).inserted { inputs.append(.file(path: path, display: display)) }
            } else {
                errors.append("\(path): not a regular file or directory; skipped")
            }
        }
        return (inputs, errors)
    }

    /// One directory argument's walk: what it may follow, and the directories already walked.
    private struct Walk {
        let followSymlinks: Bool
        /// The directory argument, resolved: a followed link must resolve inside it.
        let root: String?
        var visited = Set<DirectoryIdentity>()
        /// Files already found, when links are followed: one reached through a link and directly
        /// is read once, under its own path (real entries are walked before links).
        var files = Set<DirectoryIdentity>()

        /// False when links are followed and the file at `path` was already found.
        mutating func isNewFile(_ path: String) -> Bool {
            guard followSymlinks else { return true }
            var info = stat()
            guard stat(path, &info) == 0 else { return false }
            return files.insert(DirectoryIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))).inserted
        }

        struct DirectoryIdentity: Hashable {
            let device: UInt64
            let inode: UInt64
        }

        /// `info` is the directory's stat when links are followed; without links there are no loops.
        mutating func visit(directory: String, info: stat?, into found: inout [String], errors: inout [String]) {
            // A directory reached twice (through a link back up the tree) is walked once.
            if let info, !visited.insert(DirectoryIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))).inserted {
                return
            }
            guard let handle = opendir(directory) else {
                errors.append("\(directory): \(String(cString: strerror(errno)))")
                return
            }
            // The entry's type comes with it (d_type) on most file systems, which saves a stat per
            // file in a tree of thousands; where it is unknown, lstat says (neither follows links).
            var entries: [(name: String, type: UInt8)] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                }
                if name.hasPrefix(".") { continue }
                entries.append((name, entry.pointee.d_type))
            }
            closedir(handle)
            // Real entries first, links after: what a link leads to is then already known by its own path.
            let ordered = entries.sorted { ($0.type == DT_LNK ? 1 : 0, $0.name) < ($1.type == DT_LNK ? 1 : 0, $1.name) }
            for (name, type) in ordered {
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                var kind = Int32(type)
                if kind == DT_UNKNOWN {
                    var entryInfo = stat()
                    guard lstat(path, &entryInfo) == 0 else { continue }
                    kind = Self.directoryEntryType(entryInfo.st_mode)
                }
                if kind == DT_LNK {
                    guard followSymlinks else { continue }
                    follow(link: path, name: name, into: &found, errors: &errors)
                } else if kind == DT_DIR {
                    var entryInfo = stat()
                    if followSymlinks {
                        guard stat(path, &entryInfo) == 0 else { continue }
                    }
                    visit(directory: path, info: followSymlinks ? entryInfo : nil, into: &found, errors: &errors)
                } else if kind == DT_REG, Discovery.isManifestName(name), isNewFile(path) {
                    found.append(path)
                }
            }
        }

        /// A link met in the walk: followed when it resolves inside the root, never outside it.
        private mutating func follow(link path: String, name: String, into found: inout [String], errors: inout [String]) {
            guard let root, let target = Discovery.resolvedPath(path) else {
                errors.append("\(path): broken symlink; skipped")
                return
            }
            guard target == root || target.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
                errors.append("\(path): symlink to \(target), outside \(root); not followed")
                return
            }
            var info = stat()
            guard stat(target, &info) == 0 else { return }
            if info.st_mode & S_IFMT == S_IFDIR {
                visit(directory: path, info: info, into: &found, errors: &errors)
            } else if info.st_mode & S_IFMT == S_IFREG, Discovery.isManifestName(name), isNewFile(path) {
                found.append(path)
            }
        }

        private static func directoryEntryType(_ mode: mode_t) -> Int32 {
            switch mode & S_IFMT {
            case S_IFDIR: Int32(DT_DIR)
            case S_IFREG: Int32(DT_REG)
            case S_IFLNK: Int32(DT_LNK)
            default: Int32(DT_UNKNOWN)
            }
        }
    }

    static func isManifestName(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: ".") else { return false }
        return manifestExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// The absolute path with every link resolved, or nil when it does not resolve.
    static func resolvedPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The path as reports show it: relative to the working directory when under it, without `./`.
    static func displayPath(_ path: String, workingDirectory: String) -> String {
        var result = path
        let base = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
        if result.hasPrefix("/"), result.hasPrefix(base) { result.removeFirst(base.count) }
        while result.hasPrefix("./") { result.removeFirst(2) }
        // Checked by bytes first: String.contains(String) is slow, and every file passes here.
        guard Self.hasDoubleSlash(result) else { return result }
        while result.contains("//") { result = result.replacingOccurrences(of: "//", with: "/") }
        return result
    }

    private static func hasDoubleSlash(_ path: String) -> Bool {
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/"), previous == UInt8(ascii: "/") { return true }
            previous = byte
        }
        return false
    }

    /// True when `path` is a directory.
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// True when `path` is a regular file (or a link to one).
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// True when `path` names something on disk.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    static func currentDirectory() -> String {
        guard let pointer = getcwd(nil, 0) else { return "." }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

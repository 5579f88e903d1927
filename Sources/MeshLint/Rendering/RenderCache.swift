#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rendered streams kept by the SHA-256 of everything the render read: the engine (its path, size
/// and time), the arguments, and every file under the directories the render may read, by its path
/// in the repository and its content. A commit that touches one root re-renders that root only;
/// the base revision of changed-files mode reuses the head's renders of the roots it did not touch.
///
/// Kustomize's default load restrictor keeps a build's reads under its kustomizations'
/// directories, and Helm reads the chart's directory and the values files it is given: hashing
/// those directories whole covers every input. Entries live in `MESHLINT_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/meshlint/renders`, else `~/.cache/meshlint/renders` (mode 0700; each entry
/// 0600, written to a temporary name and renamed, so a reader never sees half an entry).
struct RenderCache {
    /// nil: no cache (`--no-render-cache`, or no directory could be made).
    let directory: String?

    /// Entries over this size are not kept.
    static let maxEntry = 64 << 20
    /// Directories walked for a key, and files hashed, at most; past them the render is not cached.
    static let maxFiles = 20_000

    static func located(enabled: Bool, environment: [String: String] = ProcessEnvironment.current) -> RenderCache {
        guard enabled else { return RenderCache(directory: nil) }
        let base: String?
        if let named = environment["MESHLINT_CACHE_DIR"], !named.isEmpty {
            base = named
        } else if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = xdg + "/meshlint/renders"
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            base = home + "/.cache/meshlint/renders"
        } else {
            base = nil
        }
        guard let base else { return RenderCache(directory: nil) }
        TemporaryFiles.makeDirectories(base)
        return RenderCache(directory: Discovery.isDirectory(base) ? base : nil)
    }

    /// What was kept for a render: the engine's output, and the directory the render ran in and
    /// the repository it read (a Kustomize origin path is relative to the first).
    struct Entry: Equatable {
        let scratch: String
        let repository: String
        let bytes: [UInt8]
    }

    /// The key of a render: `parts` (engine and arguments, with repository paths relative), and
    /// the files under `directories` and the `files` (absolute), by their paths relative to
    /// `repository`. Nil when the inputs are too many to hash, or one cannot be read.
    static func key(parts: [String], directories: [String], files: [String], repository: String) -> String? {
        var hash = SHA256()
        hash.update("meshlint-render-cache-1\0")
        for part in parts { hash.update(part + "\0") }
        var paths = Set(files)
        for directory in Set(directories) {
            guard let listed = listing(directory, budget: maxFiles - paths.count) else { return nil }
            paths.formUnion(listed)
        }
        guard paths.count <= maxFiles else { return nil }
        for path in paths.sorted() {
            let relative = path == repository ? "." : RepositoryRoot.relative(path, to: repository, workingDirectory: "/") ?? path
            var info = stat()
            guard lstat(path, &info) == 0 else {
                hash.update("missing\0\(relative)\0")
                continue
            }
            if info.st_mode & S_IFMT == S_IFLNK {
                var target = [CChar](repeating: 0, count: 4096)
                let count = readlink(path, &target, target.count - 1)
                hash.update("link\0\(relative)\0\(count > 0 ? String(cString: target) : "")\0")
                continue
            }
            guard case .bytes(let bytes) = FileReader.read(path: path, maxSize: maxEntry) else { return nil }
            hash.update("file\0\(relative)\0\(bytes.count)\0")
            hash.update(bytes)
        }
        return hash.finalize()
    }

    /// The engine's identity: its path, size and modification time (a new version is a new key).
    static func engineIdentity(_ program: String) -> String {
        var info = stat()
        guard stat(program, &info) == 0 else { return program }
        return "\(program)|\(info.st_size)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    func read(_ key: String) -> Entry? {
        guard let directory, case .bytes(let bytes) = FileReader.read(path: directory + "/" + key, maxSize: Self.maxEntry + 8192) else { return nil }
        // Two header lines (the scratch directory, the repository), then the output.
        guard let first = bytes.firstIndex(of: 0x0A), let second = bytes[(first + 1)...].firstIndex(of: 0x0A) else { return nil }
        let scratch = String(decoding: bytes[..<first], as: UTF8.self)
        let repository = String(decoding: bytes[(first + 1)..<second], as: UTF8.self)
        guard scratch.hasPrefix("/"), repository.hasPrefix("/") else { return nil }
        return Entry(scratch: scratch, repository: repository, bytes: Array(bytes[(second + 1)...]))
    }

    func write(_ key: String, _ entry: Entry) {
        guard let directory, entry.bytes.count <= Self.maxEntry, !entry.scratch.contains("\n"), !entry.repository.contains("\n") else { return }
        guard let temporary = TemporaryFiles.file(in: directory, prefix: ".entry") else { return }
        let text = Array((entry.scratch + "\n" + entry.repository + "\n").utf8) + entry.bytes
        if TemporaryFiles.write(bytes: text, to: temporary), rename(temporary, directory + "/" + key) == 0 { return }
        unlink(temporary)
    }

    /// Every regular file and link under `directory`, not following links; nil past `budget`.
    private static func listing(_ directory: String, budget: Int, depth: Int = 0) -> [String]? {
        guard depth <= 32, let handle = opendir(directory) else { return depth == 0 ? [] : nil }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." && name != ".git" { names.append(name) }
        }
        closedir(handle)
        var found: [String] = []
        for name in names {
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                guard let below = listing(path, budget: budget - found.count, depth: depth + 1) else { return nil }
                found += below
            } else {
                found.append(path)
            }
            if found.count > budget { return nil }
        }
        return found
    }
}

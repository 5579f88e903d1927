#if canImport(Glibc)
import Glibc
#endif

/// Private temporary files and directories (mode 0600 / 0700, unpredictable names) in `$TMPDIR`,
/// else `/tmp`.
enum TemporaryFiles {
    static var directory: String {
        getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// A new empty file named `prefix` and a random suffix; nil when none can be made.
    static func file(prefix: String) -> String? {
        file(in: directory, prefix: prefix)
    }

    /// A new empty private file in `parent`, named `prefix` and a random suffix.
    static func file(in parent: String, prefix: String) -> String? {
        var template = Array((parent + "/" + prefix + "-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return nil }
        close(descriptor)
        return path(template)
    }

    /// A new empty directory named `prefix` and a random suffix; nil when none can be made.
    static func directory(prefix: String) -> String? {
        var template = Array((directory + "/" + prefix + "-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { return nil }
        return path(template)
    }

    /// Removes a directory made by `directory(prefix:)` and the files in it (not recursive: the
    /// scratch directories hold files only).
    static func remove(directory path: String) {
        if let handle = opendir(path) {
            while let entry = readdir(handle) {
                // Up to the NUL only: the rest of `d_name` is not initialised.
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                }
                if name != "." && name != ".." { unlink(path + "/" + name) }
            }
            closedir(handle)
        }
        rmdir(path)
    }

    /// Makes `path` and the directories above it (mode 0700).
    static func makeDirectories(_ path: String) {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            mkdir(current, 0o700)
        }
    }

    /// Copies `files` (absolute, below `source`) to the same places below `destination`; links
    /// are copied as links. False when one cannot be.
    static func copy(_ files: [String], from source: String, to destination: String) -> Bool {
        makeDirectories(destination)
        for file in files where file.hasPrefix(source + "/") {
            let target = destination + file.dropFirst(source.count)
            if let slash = target.lastIndex(of: "/") { makeDirectories(String(target[..<slash])) }
            var info = stat()
            guard lstat(file, &info) == 0 else { return false }
            if info.st_mode & S_IFMT == S_IFLNK {
                var link = [CChar](repeating: 0, count: 4096)
                let count = readlink(file, &link, link.count - 1)
                guard count > 0, symlink(link, target) == 0 else { return false }
                continue
            }
            guard case .bytes(let bytes) = FileReader.read(path: file, maxSize: 64 << 20), write(bytes: bytes, to: target) else { return false }
        }
        return true
    }

    /// Removes `path` and everything below it, links as links (never followed).
    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            if let handle = opendir(path) {
                var names: [String] = []
                while let entry = readdir(handle) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                    }
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(handle)
                for name in names { removeTree(path + "/" + name) }
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Writes `text` to a new private file at `path` (mode 0600); false when it cannot.
    static func write(_ text: String, to path: String) -> Bool {
        write(bytes: Array(text.utf8), to: path)
    }

    static func write(bytes: [UInt8], to path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return false }
            written += count
        }
        return true
    }

    private static func path(_ template: [CChar]) -> String {
        String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the manifest files to read: named files as given, directories walked for `.yaml`, `.yml`
/// and `.json`, `-` for standard input.
///
/// Walking uses POSIX calls directly: no symlinks are followed inside directories (a link loop or a
/// link out of the repository must not be walked), hidden entries (`.git`, `.github`) are skipped,
/// and anything but a regular file (a FIFO, a device) is never opened, so it can never block the scan.
struct Discovery {
    enum Input: Sendable, Equatable {
        case file(path: String, display: String)
        case standardInput
    }

    static let manifestExtensions: Set<String> = ["yaml", "yml", "json"]

    /// The inputs, in a deterministic order, and one message for each path that could not be used.
    static func inputs(for paths: [String], workingDirectory: String = currentDirectory()) -> (inputs: [Input], errors: [String]) {
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
                walk(directory: path, into: &found, errors: &errors)
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

    private static func walk(directory: String, into found: inout [String], errors: inout [String]) {
        guard let handle = opendir(directory) else {
            errors.append("\(directory): \(String(cString: strerror(errno)))")
            return
        }
        defer { closedir(handle) }
        // The entry's type comes with it (d_type) on most file systems, which saves a stat per file
        // in a tree of thousands; where it is unknown, lstat says (neither follows symlinks).
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name.hasPrefix(".") { continue }
            entries.append((name, entry.pointee.d_type))
        }
        for (name, type) in entries.sorted(by: { $0.name < $1.name }) {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var isDirectory = Int32(type) == DT_DIR
            var isRegular = Int32(type) == DT_REG
            if Int32(type) == DT_UNKNOWN {
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                isDirectory = info.st_mode & S_IFMT == S_IFDIR
                isRegular = info.st_mode & S_IFMT == S_IFREG
            }
            if isDirectory {
                walk(directory: path, into: &found, errors: &errors)
            } else if isRegular, let dot = name.lastIndex(of: "."),
                      manifestExtensions.contains(name[name.index(after: dot)...].lowercased()) {
                found.append(path)
            }
        }
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

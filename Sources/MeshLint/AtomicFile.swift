import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// Writes a report so that readers never see half of it: a temporary file beside the target,
/// then `rename`, which replaces the target in one step.
///
/// A target that exists and is not a regular file (`/dev/null`, a FIFO, a terminal) is written in
/// place: renaming over it would replace the device with a file.
enum AtomicFile {
    static func write(_ text: String, to path: String) throws {
        var text = text
        try write(to: path) { emit in text.withUTF8(emit) }
    }

    /// Writes what `produce` hands to its `emit`, piece by piece, with the same guarantees: a
    /// large report streams to disk and is still never seen half-written.
    static func write(to path: String, producing produce: ((UnsafeBufferPointer<UInt8>) -> Bool) -> Bool) throws {
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            let descriptor = open(path, O_WRONLY)
            guard descriptor >= 0 else { throw failure(path) }
            defer { close(descriptor) }
            guard produce({ writeAll($0, to: descriptor) }) else { throw failure(path) }
            return
        }
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var template = Array("\(directory.isEmpty ? "/" : directory)/.\(name).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure(path) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let written = produce { writeAll($0, to: descriptor) }
        // mkstemp creates 0600; reports are meant to be read by the rest of the pipeline.
        fchmod(descriptor, 0o644)
        let closed = close(descriptor) == 0
        guard written, closed, rename(temporary, path) == 0 else {
            let error = failure(path)
            unlink(temporary)
            throw error
        }
    }

    static func writeAll(_ buffer: UnsafeBufferPointer<UInt8>, to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if count < 0 { if errno == EINTR { continue } else { return false } }
            offset += count
        }
        return true
    }

    private static func failure(_ path: String) -> ExitCode {
        FileHandle.writeToStandardError("meshlint: cannot write \(path): \(String(cString: strerror(errno)))\n")
        return ExitCode.usageOrIOError
    }
}

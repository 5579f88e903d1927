#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files with POSIX calls, refusing anything over the size limit before reading it.
enum FileReader {
    enum Outcome {
        case bytes([UInt8])
        case tooLarge(Int)
        case failed(String)
    }

    static func read(path: String, maxSize: Int) -> Outcome {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else { return .failed(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failed(String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .failed("not a regular file") }
        let size = Int(info.st_size)
        guard size <= maxSize else { return .tooLarge(size) }
        return readAll(descriptor, expected: size, maxSize: maxSize)
    }

    /// Everything on standard input (bounded by the same size limit). With a deadline, a producer
    /// that stalls (`helm template` waiting on a network) cannot hold the scan past it.
    static func readStandardInput(maxSize: Int, deadline: ContinuousClock.Instant? = nil) -> Outcome {
        readAll(STDIN_FILENO, expected: 64 << 10, maxSize: maxSize, deadline: deadline)
    }

    /// The message of a read that the deadline stopped.
    static let timedOut = "the scan's time limit (--timeout) ran out while waiting for it"

    private static func readAll(_ descriptor: Int32, expected: Int, maxSize: Int, deadline: ContinuousClock.Instant? = nil) -> Outcome {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(expected + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let deadline {
                let remaining = ContinuousClock.now.duration(to: deadline)
                let milliseconds = remaining <= .zero ? 0 : Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
                var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let ready = poll(&request, 1, milliseconds)
                if ready < 0, errno == EINTR { continue }
                if ready == 0 { return .failed(timedOut) }
            }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failed(String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maxSize { return .tooLarge(bytes.count) }
        }
        return .bytes(bytes)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The process's resident memory, from Linux's `/proc/self/status`: what `--timings` prints after
/// each stage, so the stage that holds the memory is as visible as the one that takes the time.
enum ResidentMemory {
    /// Resident bytes now (`VmRSS`) and at the peak so far (`VmHWM`); nil where /proc is missing.
    static func current() -> (now: Int, peak: Int)? {
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var now: Int?, peak: Int?
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("VmRSS:") { now = kilobytes(text) }
            if text.hasPrefix("VmHWM:") { peak = kilobytes(text) }
        }
        guard let now, let peak else { return nil }
        return (now * 1024, peak * 1024)
    }

    /// The number in a line such as `VmRSS:     81234 kB`.
    private static func kilobytes(_ line: String) -> Int? {
        Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }
}

import YAMLModel

/// A JSON value with objects in insertion order, and a writer whose output is byte-for-byte
/// deterministic: the contracts fix the key order, and identical input must give identical bytes.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// An array whose items are made only while it is written, on up to `jobs` threads, each item
    /// dropped once written: a report of thousands of findings never holds all their trees at once.
    case generated(count: Int, jobs: Int?, item: @Sendable (Int) -> JSONValue)

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    /// The value as pretty-printed JSON (two-space indent), ending with a newline.
    func serialized() -> String {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        write(to: &output, indent: 0, drain: nil)
        output.append(UInt8(ascii: "\n"))
        return String(decoding: output, as: UTF8.self)
    }

    /// The value as an item of a pretty-printed array or object at `indent` spaces: the indent
    /// first, no newline after. For writers that stream a document item by item.
    func serialized(indent: Int) -> String {
        var output = [UInt8](repeating: UInt8(ascii: " "), count: indent)
        write(to: &output, indent: indent, drain: nil)
        return String(decoding: output, as: UTF8.self)
    }

    /// The same bytes as `serialized()`, handed to `emit` a megabyte or so at a time, so a large
    /// report is never held whole. Stops, returning false, when `emit` does.
    func serialize(into emit: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        withoutActuallyEscaping(emit) { emit in
            var output: [UInt8] = []
            output.reserveCapacity(Self.drainSize + 65_536)
            var succeeded = true
            let drain: (inout [UInt8]) -> Void = { buffer in
                guard buffer.count >= Self.drainSize else { return }
                if succeeded { succeeded = buffer.withUnsafeBufferPointer(emit) }
                buffer.removeAll(keepingCapacity: true)
            }
            write(to: &output, indent: 0, drain: drain)
            output.append(UInt8(ascii: "\n"))
            return succeeded && output.withUnsafeBufferPointer(emit)
        }
    }

    private static let drainSize = 1 << 20

    // Written as UTF-8 bytes: appending to a String scalar by scalar was the reporters' hot spot.
    private func write(to output: inout [UInt8], indent: Int, drain: ((inout [UInt8]) -> Void)? = nil) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): output.append(contentsOf: String(value).utf8)
        case .string(let value): Self.writeString(value, to: &output)
        case .generated(let count, let jobs, let item):
            guard count > 0 else { return output.append(contentsOf: "[]".utf8) }
            output.append(contentsOf: "[\n".utf8)
            // Chunks written in parallel and joined in order: the bytes are the same for any `jobs`.
            // A batch of chunks at a time, drained before the next, bounds what is held.
            let workers = jobs ?? ProcessInfoCores.count
            let chunkSize = max(1, min(256, count / (4 * workers)))
            let chunks = Array(stride(from: 0, to: count, by: chunkSize))
            let batchSize = 4 * workers
            for batchStart in stride(from: 0, to: chunks.count, by: batchSize) {
                let batch = Array(chunks[batchStart..<min(batchStart + batchSize, chunks.count)])
                let written = batch.parallelMap(jobs: jobs) { start in
                    var chunk: [UInt8] = []
                    for offset in start..<min(start + chunkSize, count) {
                        Self.pad(&chunk, indent + 2)
                        item(offset).write(to: &chunk, indent: indent + 2)
                        chunk.append(contentsOf: (offset == count - 1 ? "\n" : ",\n").utf8)
                    }
                    return chunk
                }
                for chunk in written {
                    output.append(contentsOf: chunk)
                    drain?(&output)
                }
            }
            Self.pad(&output, indent)
            output.append(UInt8(ascii: "]"))
        case .array(let items):
            guard !items.isEmpty else { return output.append(contentsOf: "[]".utf8) }
            output.append(contentsOf: "[\n".utf8)
            for (offset, item) in items.enumerated() {
                Self.pad(&output, indent + 2)
                item.write(to: &output, indent: indent + 2, drain: drain)
                output.append(contentsOf: (offset == items.count - 1 ? "\n" : ",\n").utf8)
            }
            Self.pad(&output, indent)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else { return output.append(contentsOf: "{}".utf8) }
            output.append(contentsOf: "{\n".utf8)
            for (offset, (key, value)) in members.enumerated() {
                Self.pad(&output, indent + 2)
                Self.writeString(key, to: &output)
                output.append(contentsOf: ": ".utf8)
                value.write(to: &output, indent: indent + 2, drain: drain)
                output.append(contentsOf: (offset == members.count - 1 ? "\n" : ",\n").utf8)
            }
            Self.pad(&output, indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func pad(_ output: inout [UInt8], _ count: Int) {
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string: quotes, backslashes and control characters escaped; other bytes as they are
    /// (multi-byte UTF-8 sequences never contain bytes below 0x80, so they pass through whole).
    private static func writeString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // Runs that need no escaping (nearly everything) are copied whole. Escaped besides what
            // JSON requires: DEL, the C1 controls (U+0080–U+009F, CSI among them), the line and
            // paragraph separators, which terminals and JavaScript treat as control or line breaks,
            // and the `[` of `##[`.
            var runStart = 0
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                var width = 1
                var short: StaticString?
                var code: UInt32 = 0
                switch byte {
                case UInt8(ascii: "\""): short = "\\\""
                case UInt8(ascii: "\\"): short = "\\\\"
                case UInt8(ascii: "\n"): short = "\\n"
                case UInt8(ascii: "\r"): short = "\\r"
                case UInt8(ascii: "\t"): short = "\\t"
                case 0x00..<0x20, 0x7F: code = UInt32(byte)
                // `##[` anywhere in a line is a GitHub runner command: JSON printed to a CI log
                // must not hold one, so its `[` is written as an escape.
                case UInt8(ascii: "[") where index >= 2 && bytes[index - 1] == UInt8(ascii: "#") && bytes[index - 2] == UInt8(ascii: "#"):
                    code = 0x5B
                case 0xC2 where index + 1 < count && (0x80...0x9F).contains(bytes[index + 1]):
                    code = UInt32(bytes[index + 1])
                    width = 2
                case 0xE2 where index + 2 < count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    code = bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029
                    width = 3
                default:
                    index += 1
                    continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                if let short {
                    short.withUTF8Buffer { output.append(contentsOf: $0) }
                } else {
                    output.append(contentsOf: "\\u".utf8)
                    for shift in stride(from: 12, through: 0, by: -4) { output.append(hexDigits[Int((code >> UInt32(shift)) & 0xF)]) }
                }
                index += width
                runStart = index
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }
}

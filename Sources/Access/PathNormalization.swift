/// The path a waypoint (or any Istio Envoy) matches `paths` against, under Istio's default
/// `meshConfig.pathNormalization` (`BASE`), as istio.io's "Authorization Policy Normalization"
/// reference lists it: single percent-encoded unreserved characters decoded once (`%2e` is `.`,
/// letters, digits, `-`, `_`, `~`; `%2f` and `%5c` are not), backslashes turned into slashes, and
/// dot segments removed as RFC 3986 (5.2.4) says; the query and fragment are never compared.
/// Repeated slashes are kept (merging them is `MERGE_SLASHES`, not the default).
enum PathNormalization {
    /// `meshConfig.pathNormalization.normalization` (istio.io, "Authorization Policy
    /// Normalization"); the order for the strictest is: `%2F`/`%5C` decoded, then BASE, then
    /// repeated slashes merged.
    enum Mode: String, Sendable {
        case none = "NONE"
        case base = "BASE"
        case mergeSlashes = "MERGE_SLASHES"
        case decodeAndMergeSlashes = "DECODE_AND_MERGE_SLASHES"
    }

    /// The path as an Envoy normalizes it under `mode` (the query and fragment dropped in every mode).
    static func normalize(_ path: String, mode: Mode) -> String {
        switch mode {
        case .none:
            return String(path.prefix { $0 != "?" && $0 != "#" })
        case .base:
            return base(path)
        case .mergeSlashes:
            return mergingSlashes(base(path))
        case .decodeAndMergeSlashes:
            let withoutQuery = String(path.prefix { $0 != "?" && $0 != "#" })
            return mergingSlashes(base(decodingSlashes(withoutQuery)))
        }
    }

    /// `%2F` and `%5C` (any case) as `/` and `\`.
    private static func decodingSlashes(_ path: String) -> String {
        var output: [UInt8] = []
        let bytes = Array(path.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count {
                let pair = [bytes[index + 1], bytes[index + 2] | 0x20]
                if pair == [UInt8(ascii: "2"), UInt8(ascii: "f")] { output.append(UInt8(ascii: "/")); index += 3; continue }
                if pair == [UInt8(ascii: "5"), UInt8(ascii: "c")] { output.append(UInt8(ascii: "\\")); index += 3; continue }
            }
            output.append(bytes[index])
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Runs of `/` as one.
    private static func mergingSlashes(_ path: String) -> String {
        var output = ""
        var previousSlash = false
        for character in path {
            if character == "/", previousSlash { continue }
            previousSlash = character == "/"
            output.append(character)
        }
        return output
    }

    static func base(_ path: String) -> String {
        var text = Substring(path)
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        let decoded = decodeUnreserved(Array(text.utf8)).map { $0 == UInt8(ascii: "\\") ? UInt8(ascii: "/") : $0 }
        return removeDotSegments(String(decoding: decoded, as: UTF8.self))
    }

    /// `%HH` for an unreserved character, decoded once; everything else as it is.
    private static func decodeUnreserved(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                let value = high << 4 | low
                if isUnreserved(value) {
                    output.append(value)
                    index += 3
                    continue
                }
            }
            output.append(bytes[index])
            index += 1
        }
        return output
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    }

    /// RFC 3986 section 5.2.4, on an absolute path.
    static func removeDotSegments(_ path: String) -> String {
        var input = Substring(path)
        var output: [Substring] = []
        // Segments as RFC 3986 moves them: each with its leading "/".
        while !input.isEmpty {
            if input.hasPrefix("../") { input = input.dropFirst(3) }
            else if input.hasPrefix("./") { input = input.dropFirst(2) }
            else if input.hasPrefix("/./") { input = input.dropFirst(2) }
            else if input == "/." { input = "/" }
            else if input.hasPrefix("/../") {
                input = input.dropFirst(3)
                if !output.isEmpty { output.removeLast() }
            } else if input == "/.." {
                input = "/"
                if !output.isEmpty { output.removeLast() }
            } else if input == "." || input == ".." {
                input = ""
            } else {
                let start = input.hasPrefix("/") ? input.index(after: input.startIndex) : input.startIndex
                let end = input[start...].firstIndex(of: "/") ?? input.endIndex
                output.append(input[..<end])
                input = input[end...]
            }
        }
        let result = output.joined()
        return result.isEmpty ? "/" : result
    }
}

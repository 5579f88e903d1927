import YAMLModel

/// A strict RFC 8259 syntax check of a JSON text, with the longest string it holds: the oracle
/// the fuzzer holds the JSON and SARIF writers to (everything escaped, nothing truncated, no
/// runaway string quoting a whole input). It builds no values, so it costs one pass.
struct JSONSyntax {
    struct Problem: Error, CustomStringConvertible, Equatable {
        let offset: Int
        let reason: String
        var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// What a valid text holds.
    struct Summary: Equatable {
        /// The most bytes one string (a key or a value) takes, unescaped.
        var longestString = 0
    }

    private let bytes: [UInt8]
    private var position = 0
    private var summary = Summary()
    /// Deeper than any report MeshLint writes; a check of its own output must not overflow the stack.
    private static let maxDepth = 256

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    static func check(_ bytes: [UInt8]) throws(Problem) -> Summary {
        var checker = JSONSyntax(bytes)
        checker.skipWhitespace()
        try checker.value(depth: 0)
        checker.skipWhitespace()
        guard checker.position == bytes.count else { throw checker.problem("text after the value") }
        return checker.summary
    }

    private func problem(_ reason: String) -> Problem { Problem(offset: position, reason: reason) }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(Problem) {
        guard current == byte else { throw problem("expected \(Character(UnicodeScalar(byte)))") }
        position += 1
    }

    private mutating func value(depth: Int) throws(Problem) {
        guard depth < Self.maxDepth else { throw problem("nested too deep") }
        switch current {
        case UInt8(ascii: "{"): try collection(isObject: true, depth: depth)
        case UInt8(ascii: "["): try collection(isObject: false, depth: depth)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case .some(let byte) where byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte): try number()
        default: throw problem("expected a value")
        }
    }

    /// An object or an array: members separated by commas, an object's each a key and a colon first.
    private mutating func collection(isObject: Bool, depth: Int) throws(Problem) {
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        position += 1
        skipWhitespace()
        if current == close {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            if isObject {
                guard current == UInt8(ascii: "\"") else { throw problem("expected a key") }
                try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
            }
            try value(depth: depth + 1)
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(close)
            return
        }
    }

    private mutating func literal(_ word: StaticString) throws(Problem) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw problem("truncated literal") }
        for index in 0..<count where bytes[position + index] != word.utf8Start[index] {
            throw problem("expected \(word)")
        }
        position += count
    }

    private mutating func number() throws(Problem) {
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, (0x30...0x39).contains(first) else { throw problem("expected a digit") }
        position += 1
        if first != UInt8(ascii: "0") { digits() }
        if current == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw problem("expected a digit after the point") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw problem("expected an exponent") }
        }
    }

    @discardableResult
    private mutating func digits() -> Int {
        let start = position
        while let byte = current, (0x30...0x39).contains(byte) { position += 1 }
        return position - start
    }

    /// A string: no raw control character, only the escapes JSON knows, and well-formed UTF-8.
    private mutating func string() throws(Problem) {
        position += 1
        var length = 0
        while true {
            guard let byte = current else { throw problem("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                summary.longestString = max(summary.longestString, length)
                return
            case UInt8(ascii: "\\"):
                position += 1
                guard let escaped = current else { throw problem("unterminated escape") }
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    length += 1
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.count, bytes[position..<position + 4].allSatisfy(\.isHexDigit) else {
                        throw problem("bad \\u escape")
                    }
                    position += 4
                    length += 1
                default:
                    throw problem("unknown escape")
                }
            case 0x00..<0x20:
                throw problem("raw control character in a string")
            case 0x80...:
                let width = try utf8Sequence()
                // MeshLint's writers escape these too (C1 controls, line and paragraph separators).
                if width == 2, bytes[position] == 0xC2, bytes[position + 1] <= 0x9F { throw problem("raw C1 control in a string") }
                if width == 3, bytes[position] == 0xE2, bytes[position + 1] == 0x80, bytes[position + 2] == 0xA8 || bytes[position + 2] == 0xA9 {
                    throw problem("raw line or paragraph separator in a string")
                }
                position += width
                length += width
            default:
                position += 1
                length += 1
            }
        }
    }

    /// The length of the well-formed UTF-8 sequence at `position`.
    private func utf8Sequence() throws(Problem) -> Int {
        let width = bytes.withUnsafeBufferPointer { TextScreening.utf8SequenceLength($0, at: position) }
        guard width > 0 else { throw problem("invalid UTF-8") }
        return width
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}

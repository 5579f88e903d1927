/// Manifests saved as UTF-16 with a byte-order mark (what some Windows editors write), turned
/// into UTF-8 before anything reads them.
///
/// libyaml decodes UTF-16 itself, but everything else that looks at a file's bytes (line
/// offsets for resuming after an error and for error positions, Helm's `# Source:` comments, the
/// quoted line of a finding) reads UTF-8. Converting once, up front, keeps all of them right;
/// lines and columns are the same in both encodings, since both count code points.
public enum UTF16Input {
    public enum Outcome {
        case utf8([UInt8])
        case invalid(InputProblem)
    }

    /// The UTF-8 text of `bytes` when they start with a UTF-16 byte-order mark (without the mark);
    /// a problem when they are not valid UTF-16; nil when they are not UTF-16 at all.
    public static func transcoded(_ bytes: [UInt8]) -> Outcome? {
        guard bytes.count >= 2 else { return nil }
        let littleEndian: Bool
        switch (bytes[0], bytes[1]) {
        case (0xFF, 0xFE): littleEndian = true
        case (0xFE, 0xFF): littleEndian = false
        default: return nil
        }
        guard bytes.count % 2 == 0 else {
            return .invalid(invalid("an odd number of bytes"))
        }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2 - 1)
        var index = 2
        while index + 1 < bytes.count {
            let (first, second) = (UInt16(bytes[index]), UInt16(bytes[index + 1]))
            units.append(littleEndian ? first | second << 8 : first << 8 | second)
            index += 2
        }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(units.count + units.count / 2)
        let failed = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: true) { utf8.append($0) }
        return failed ? .invalid(invalid("an unpaired surrogate")) : .utf8(utf8)
    }

    private static func invalid(_ reason: String) -> InputProblem {
        InputProblem(kind: .notText, message: "the file starts like UTF-16 but is not valid UTF-16 (\(reason))", span: Span(start: .fileStart, end: .fileStart))
    }
}

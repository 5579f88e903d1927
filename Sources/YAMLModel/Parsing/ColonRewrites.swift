/// Colons that one parse reads as a neutral byte, and the evidence, gathered while composing,
/// that each replacement changed nothing but the byte itself.
///
/// libyaml refuses a plain scalar in a flow collection that holds a `:` followed by `,`, `]` or
/// `}` (`[fd00::, 10.0.0.0/8]`), which go-yaml, and so Kubernetes, reads as part of the scalar.
/// With such a colon replaced by `_`, libyaml reads the scalar to the same end; the composer then
/// puts the colon back into the value (`restore`). The swap is one ASCII byte for another, so
/// every line, column and offset libyaml reports is the original's.
///
/// A replacement is harmless when it lands inside a plain scalar's text after its first
/// character: there libyaml treats `_` as go-yaml treats a `:` followed by `,`, `]` or `}` (as
/// content), so, by induction over the replacements in order, a parse in which every replacement
/// is harmless is go-yaml's reading of the original. Anywhere else (a comment, a quoted or block
/// scalar, a tag or anchor, the start of a token) the replacement may change the meaning, and the
/// parse is not trusted.
struct ColonRewrites {
    /// What stands in for a colon: a plain character wherever it appears, never an indicator,
    /// blank, break or escape letter.
    static let placeholder = UInt8(ascii: "_")

    private enum Status {
        /// Not passed yet; at the end of the parse, not reached (an error stopped libyaml before it).
        case pending
        /// Inside a plain scalar's text, after its first character, and put back.
        case harmless
        /// Passed without landing there.
        case misplaced
    }

    /// The input with the colons replaced.
    let bytes: [UInt8]
    /// Where the replaced colons are, ascending.
    let offsets: [Int]
    /// The same positions as line and column, to match the composer's event marks.
    private let marks: [Mark]
    private let lines: LineIndex
    private var status: [Status]
    /// Replacements before this one have been passed.
    private var passed = 0
    /// Storage `restore` reuses from scalar to scalar.
    private var reusableCounts: [Int] = []

    /// Replaces the colons at `offsets` (ascending) in `original`; `lines` is `original`'s.
    init(original: [UInt8], offsets: [Int], lines: LineIndex) {
        var bytes = original
        for offset in offsets { bytes[offset] = Self.placeholder }
        self.bytes = bytes
        self.offsets = offsets
        marks = original.withUnsafeBufferPointer { lines.marks(atAscendingByteOffsets: offsets, in: $0) }
        self.lines = lines
        status = Array(repeating: .pending, count: offsets.count)
    }

    /// True when the parse read the input as Kubernetes does: every replacement proved harmless,
    /// or was not reached and is a colon known to be content (`knownContent`).
    func readsAsKubernetes(knownContent: Set<Int>) -> Bool {
        offsets.indices.allSatisfy { status[$0] == .harmless || status[$0] == .pending && knownContent.contains(offsets[$0]) }
    }
    /// Replacements the parse passed without their proving harmless.
    var misplaced: [Int] { offsets.indices.filter { status[$0] == .misplaced }.map { offsets[$0] } }
    /// Replacements the parse never reached.
    var unreached: [Int] { offsets.indices.filter { status[$0] == .pending }.map { offsets[$0] } }

    /// Notes that the composer received an event starting at `mark`: a replacement before it that
    /// no plain scalar has claimed never will.
    mutating func pass(to mark: Mark) {
        while passed < marks.count, marks[passed] < mark {
            if status[passed] == .pending { status[passed] = .misplaced }
            passed += 1
        }
    }

    /// Notes that libyaml resumes at `mark` after an error: replacements before it were skipped,
    /// not passed, and stay pending.
    mutating func skip(to mark: Mark) {
        while passed < marks.count, marks[passed] < mark { passed += 1 }
    }

    /// The value of the plain scalar event spanning `start..<end`, with the colons replaced inside
    /// its text put back; nil when there are none.
    mutating func restore(plainValue value: UnsafeBufferPointer<UInt8>, start: Mark, end: Mark) -> [UInt8]? {
        let first = firstIndex(notBefore: start)
        var last = first
        while last < marks.count, marks[last] < end { last += 1 }
        guard first < last else { return nil }
        // A plain scalar keeps every byte that is not a blank or a line break, in order, and ends
        // on such a byte: the k-th of them from the end of the value is the k-th from the end of
        // the event's text, whatever folding did to the lines in between. (A replacement in a tag
        // or an anchor before the text counts past the value's start, and is not put back.)
        // First, how many such bytes of the text come before each replacement, from the first.
        var before = reusableCounts
        before.removeAll(keepingCapacity: true)
        defer { reusableCounts = before }
        var textContent = 0
        bytes.withUnsafeBufferPointer { buffer in
            let base = offsets[first]
            let endOffset = max(lines.byteOffset(of: end, near: (offsets[last - 1], marks[last - 1]), in: buffer), base)
            Self.forEachContentByte(in: UnsafeBufferPointer(rebasing: buffer[base..<endOffset])) { offset in
                if first + before.count < last, base + offset == offsets[first + before.count] { before.append(textContent) }
                textContent += 1
            }
        }
        var valueContent = 0
        Self.forEachContentByte(in: value) { _ in valueContent += 1 }
        /// Where the n-th replacement of the scalar is among the value's such bytes.
        func place(_ replacement: Int) -> Int { valueContent - (textContent - before[replacement]) }
        var restored = Array(value)
        var next = 0
        var counted = 0
        Self.forEachContentByte(in: value) { offset in
            // At place 0 the `_` began the scalar, where a `:` would have been an indicator.
            while next < before.count, place(next) < max(counted, 1) { next += 1 }
            if next < before.count, place(next) == counted, restored[offset] == Self.placeholder {
                restored[offset] = UInt8(ascii: ":")
                status[first + next] = .harmless
                next += 1
            }
            counted += 1
        }
        return restored
    }

    /// The first replacement at or after `mark`.
    private func firstIndex(notBefore mark: Mark) -> Int {
        var low = 0
        var high = marks.count
        while low < high {
            let middle = (low + high) / 2
            if marks[middle] < mark { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Calls `body` with the offset of every byte of `text` that is neither a blank (space, tab)
    /// nor part of a line break (LF, CR, NEL, LS, PS).
    private static func forEachContentByte(in text: UnsafeBufferPointer<UInt8>, _ body: (Int) -> Void) {
        var offset = 0
        while offset < text.count {
            let length: Int
            switch text[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: length = 1
            case 0xC2 where offset + 1 < text.count && text[offset + 1] == 0x85: length = 2
            case 0xE2 where offset + 2 < text.count && text[offset + 1] == 0x80
                && (text[offset + 2] == 0xA8 || text[offset + 2] == 0xA9): length = 3
            default: length = 0
            }
            if length == 0 { body(offset) }
            offset += max(length, 1)
        }
    }
}

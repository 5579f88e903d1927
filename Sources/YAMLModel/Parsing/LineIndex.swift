/// Where each line of a UTF-8 buffer starts, with libyaml's idea of a line break: LF, CR LF, a lone
/// CR, and NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR (YAML 1.1). Byte offsets and marks agree
/// only when both sides count lines the same way.
struct LineIndex {
    /// Byte offset of the first byte of each line; `starts[0] == 0`.
    let starts: [Int]

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        var starts = [0]
        var offset = 0
        let count = buffer.count
        while offset < count {
            let byte = buffer[offset]
            let breakLength: Int
            switch byte {
            case 0x0A: breakLength = 1
            case 0x0D: breakLength = offset + 1 < count && buffer[offset + 1] == 0x0A ? 2 : 1
            case 0xC2 where offset + 1 < count && buffer[offset + 1] == 0x85: breakLength = 2
            case 0xE2 where offset + 2 < count && buffer[offset + 1] == 0x80
                && (buffer[offset + 2] == 0xA8 || buffer[offset + 2] == 0xA9): breakLength = 3
            default: breakLength = 0
            }
            if breakLength > 0 {
                offset += breakLength
                starts.append(offset)
            } else {
                offset += 1
            }
        }
        self.starts = starts
    }

    /// The 1-based line and code-point column of a byte offset.
    func mark(atByteOffset offset: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Mark {
        // The last line start at or before `offset`.
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        var column = 1
        var index = firstColumn(ofLine: low, in: buffer)
        let end = min(offset, buffer.count)
        while index < end {
            if buffer[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return Mark(line: low + 1, column: column)
    }

    /// The marks of ascending byte offsets, in one walk over the text (one `mark(atByteOffset:in:)`
    /// each would walk a long line again for every offset on it).
    func marks(atAscendingByteOffsets offsets: [Int], in buffer: UnsafeBufferPointer<UInt8>) -> [Mark] {
        var marks: [Mark] = []
        marks.reserveCapacity(offsets.count)
        var line = 0
        var position = 0
        var column = 1
        for offset in offsets {
            if line + 1 < starts.count, starts[line + 1] <= offset {
                while line + 1 < starts.count, starts[line + 1] <= offset { line += 1 }
                position = starts[line]
                column = 1
            }
            position = max(position, firstColumn(ofLine: line, in: buffer))
            while position < min(offset, buffer.count) {
                if buffer[position] & 0xC0 != 0x80 { column += 1 }
                position += 1
            }
            marks.append(Mark(line: line + 1, column: column))
        }
        return marks
    }

    /// The byte offset of a 1-based line and code-point column: the inverse of `mark(atByteOffset:in:)`.
    /// A mark past its line's end or the buffer's yields an offset no further than the buffer's end.
    func byteOffset(of mark: Mark, in buffer: UnsafeBufferPointer<UInt8>) -> Int {
        Self.advance(firstColumn(ofLine: min(max(mark.line, 1), starts.count) - 1, in: buffer), byColumns: mark.column - 1, in: buffer)
    }

    /// Where column 1 of 0-based `line` is: the line's start, or just after the UTF-8 byte-order
    /// mark that starts the stream, which libyaml reads without counting a column.
    private func firstColumn(ofLine line: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Int {
        let start = starts[line]
        guard start == 0, buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF else { return start }
        return 3
    }

    /// `byteOffset(of:in:)`, walking from `known`, a byte offset and its mark, when `mark` is at or
    /// after it on the same line (a long line is not walked again from its start).
    func byteOffset(of mark: Mark, near known: (offset: Int, mark: Mark), in buffer: UnsafeBufferPointer<UInt8>) -> Int {
        guard mark.line == known.mark.line, mark.column >= known.mark.column else { return byteOffset(of: mark, in: buffer) }
        return Self.advance(known.offset, byColumns: mark.column - known.mark.column, in: buffer)
    }

    /// The offset `columns` code points after `offset`, or the buffer's end.
    private static func advance(_ offset: Int, byColumns columns: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Int {
        var offset = offset
        var column = 0
        while column < columns, offset < buffer.count {
            offset += 1
            while offset < buffer.count, buffer[offset] & 0xC0 == 0x80 { offset += 1 }
            column += 1
        }
        return offset
    }

    /// The first document boundary at or after 1-based `line` and past byte `minimumOffset`: the
    /// line of a `---` marker, or the line after a `...` marker. YAML forbids both at column 0
    /// inside content, so they are safe places to resume after a broken document.
    func documentBoundary(fromLine line: Int, after minimumOffset: Int, in buffer: UnsafeBufferPointer<UInt8>) -> (offset: Int, line: Int)? {
        var index = max(line - 1, 0)
        while index < starts.count {
            let start = starts[index]
            if start > minimumOffset, Self.isMarker(0x2D, at: start, in: buffer) {
                return (start, index + 1)
            }
            if Self.isMarker(0x2E, at: start, in: buffer), index + 1 < starts.count, starts[index + 1] > minimumOffset {
                return (starts[index + 1], index + 2)
            }
            index += 1
        }
        return nil
    }

    /// `---` or `...` at `offset`, followed by a space, a tab, a line break or the end.
    private static func isMarker(_ character: UInt8, at offset: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard offset + 3 <= buffer.count,
              buffer[offset] == character, buffer[offset + 1] == character, buffer[offset + 2] == character
        else { return false }
        guard offset + 3 < buffer.count else { return true }
        let next = buffer[offset + 3]
        return next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D
    }
}

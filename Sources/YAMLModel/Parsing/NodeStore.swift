#if canImport(Glibc)
import Glibc
#endif

/// Every node of one parsed file, stored as flat arrays.
///
/// A platform repository holds millions of nodes. As individual values with their own arrays and
/// strings, each cost about 150 bytes and several allocations; here a node costs its 12-byte record
/// and 4 bytes in its parent's child list, short scalars that repeat (keys, mostly) share their
/// bytes, and a file costs a handful of allocations however many nodes it holds. The store is
/// immutable once built, so `Node`s (a store and an index) share it freely between threads.
final class NodeStore: NodeReading, @unchecked Sendable {
    // Read through raw pointers: a lookup is pointer arithmetic, with no reference counting of
    // arrays on every key compared. Written once, in `init`, and freed in `deinit`; never mutated
    // in between, which is what makes sharing the store between threads safe.
    private let recordStorage: UnsafeMutableBufferPointer<NodeRecord>
    private let childStorage: UnsafeMutableBufferPointer<UInt32>
    private let byteStorage: UnsafeMutableBufferPointer<UInt8>
    let tags: [String]
    private let wide: [UInt32: NodeTable.WideRecord]
    private let tagOf: [UInt32: Int]

    init(_ table: NodeTable) {
        recordStorage = Self.copy(table.records)
        childStorage = Self.copy(table.children)
        byteStorage = Self.copy(table.bytes)
        tags = table.tags
        wide = table.wide
        tagOf = table.tagOf
    }

    deinit {
        recordStorage.deallocate()
        childStorage.deallocate()
        byteStorage.deallocate()
    }

    /// An exact-size copy: the builders' spare capacity does not stay for the whole scan.
    private static func copy<Element>(_ array: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let storage = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(array.count, 1))
        _ = storage.initialize(from: array)
        return UnsafeMutableBufferPointer(rebasing: storage[0..<array.count])
    }

    var recordCount: Int { recordStorage.count }
    var byteCount: Int { byteStorage.count }
    var childListCount: Int { childStorage.count }
    /// Bytes the store holds: records, child lists and scalar bytes.
    var footprint: Int {
        recordStorage.count * MemoryLayout<NodeRecord>.stride + childStorage.count * 4 + byteStorage.count
    }

    @inline(__always) func record(_ index: Int) -> NodeRecord { recordStorage[index] }
    @inline(__always) func child(at position: Int) -> Int { Int(childStorage[position]) }

    @inline(__always) func withBytes<Result>(from first: Int, count: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        body(UnsafeBufferPointer(rebasing: byteStorage[first..<first + count]))
    }

    func wideRecord(_ index: Int) -> NodeTable.WideRecord { wide[UInt32(index)]! }
    func tagPosition(of index: Int) -> Int? { tagOf[UInt32(index)] }
}

/// Reading nodes from flat arrays: what the frozen `NodeStore` and the composer's `NodeTable`
/// share, written over a few primitives each provides.
protocol NodeReading {
    var tags: [String] { get }
    func record(_ index: Int) -> NodeRecord
    func child(at position: Int) -> Int
    func withBytes<Result>(from first: Int, count: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result
    func wideRecord(_ index: Int) -> NodeTable.WideRecord
    func tagPosition(of index: Int) -> Int?
}

extension NodeReading {
    func kind(_ index: Int) -> Node.Kind { record(index).kind }

    func count(_ index: Int) -> Int {
        let record = record(index)
        return record.isWide ? wideRecord(index).count : Int(record.shortCount)
    }

    func span(_ index: Int) -> Span {
        let record = record(index)
        if record.isWide { return wideRecord(index).span }
        let line = Int(record.line)
        return Span(
            start: Mark(line: line, column: Int(record.startColumn)),
            end: Mark(line: line + Int(record.endLineDelta), column: Int(record.endColumn)))
    }

    func tag(_ index: Int) -> String? {
        guard record(index).isTagged, let position = tagPosition(of: index) else { return nil }
        return tags[position]
    }

    /// Entries in `children`: twice the pairs of a mapping.
    func childCount(_ index: Int) -> Int {
        switch kind(index) {
        case .scalar: 0
        case .sequence: count(index)
        case .mapping: 2 * count(index)
        }
    }

    /// The UTF-8 bytes of scalar `index`, in place.
    func withScalarBytes<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        withBytes(from: Int(record(index).first), count: count(index), body)
    }

    /// The text of scalar `index`.
    func text(_ index: Int) -> String {
        withScalarBytes(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// True when `index` is a scalar whose bytes are exactly `expected`.
    func scalarEquals(_ index: Int, _ expected: UnsafeBufferPointer<UInt8>) -> Bool {
        let record = record(index)
        guard record.kind == .scalar else { return false }
        let count = record.isWide ? wideRecord(index).count : Int(record.shortCount)
        guard count == expected.count else { return false }
        if count == 0 { return true }
        return withBytes(from: Int(record.first), count: count) { memcmp($0.baseAddress!, expected.baseAddress!, count) == 0 }
    }

    func scalarEquals(_ index: Int, _ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { scalarEquals(index, $0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { scalarEquals(index, $0) }
    }

    /// True when `index` is a scalar whose bytes begin with `prefix`.
    func scalarHasPrefix(_ index: Int, _ prefix: UnsafeBufferPointer<UInt8>) -> Bool {
        let record = record(index)
        guard record.kind == .scalar else { return false }
        let count = record.isWide ? wideRecord(index).count : Int(record.shortCount)
        guard count >= prefix.count else { return false }
        if prefix.isEmpty { return true }
        return withBytes(from: Int(record.first), count: prefix.count) { memcmp($0.baseAddress!, prefix.baseAddress!, prefix.count) == 0 }
    }

    /// True when `a` and `b` are scalars with the same bytes.
    func sameScalar(_ a: Int, _ b: Int) -> Bool {
        guard kind(a) == .scalar else { return false }
        return withScalarBytes(a) { scalarEquals(b, $0) }
    }

    /// The record of child number `offset` of a collection (a mapping's keys and values alternate).
    func childIndex(of collection: NodeRecord, _ offset: Int) -> Int {
        collection.isContiguous ? Int(collection.first) + offset : child(at: Int(collection.first) + offset)
    }

    /// The key and value records of the entry whose key is `key`, in mapping `index`.
    func entry(inMapping index: Int, key: UnsafeBufferPointer<UInt8>) -> (key: Int, value: Int)? {
        let mapping = record(index)
        let end = 2 * count(index)
        var offset = 0
        while offset < end {
            let keyIndex = childIndex(of: mapping, offset)
            if scalarEquals(keyIndex, key) { return (keyIndex, childIndex(of: mapping, offset + 1)) }
            offset += 2
        }
        return nil
    }

    func entry(inMapping index: Int, key: String) -> (key: Int, value: Int)? {
        key.utf8.withContiguousStorageIfAvailable { entry(inMapping: index, key: $0) }
            ?? Array(key.utf8).withUnsafeBufferPointer { entry(inMapping: index, key: $0) }
    }

    /// Nodes in the subtree under `index`, itself included, counting every alias's expansion.
    func subtreeSize(_ index: Int) -> Int {
        guard kind(index) != .scalar else { return 1 }
        let collection = record(index)
        var size = 1
        for offset in 0..<childCount(index) {
            size += subtreeSize(childIndex(of: collection, offset))
        }
        return size
    }
}

/// The flat arrays behind a `NodeStore`, built by the composer and then frozen.
struct NodeTable: NodeReading, Sendable {
    private(set) var records: [NodeRecord] = []
    /// The children of each collection, contiguous: a sequence's items, or a mapping's keys and
    /// values alternating. An alias is the index of the anchored node, so aliases share storage.
    private(set) var children: [UInt32] = []
    private(set) var bytes: [UInt8] = []
    /// What does not fit a record: positions past column 65,535, spans over 254 lines, counts over
    /// 65,534. Rare in manifests (a long one-line JSON file, a 10 MB scalar), so kept aside.
    private(set) var wide: [UInt32: WideRecord] = [:]
    /// The explicit tag of each tagged node, by position in `tags`.
    private(set) var tagOf: [UInt32: Int] = [:]
    private(set) var tags: [String] = []

    struct WideRecord: Sendable {
        let span: Span
        let count: Int
    }

    func wideRecord(_ index: Int) -> WideRecord { wide[UInt32(index)]! }
    func tagPosition(of index: Int) -> Int? { tagOf[UInt32(index)] }
    func record(_ index: Int) -> NodeRecord { records[index] }
    func child(at position: Int) -> Int { Int(children[position]) }

    func withBytes<Result>(from first: Int, count: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[first..<first + count])) }
    }

    // MARK: Building

    /// Appends a scalar whose bytes were already appended at `first` (or found there: see `intern`).
    mutating func appendScalar(span: Span, style: Node.Style, tag: Int?, first: Int, count: Int) -> Int {
        append(span: span, kind: .scalar, style: style, tag: tag, first: first, count: count)
    }

    /// Appends a collection whose children are `childIndices`. When they are consecutive records
    /// (a mapping or list of scalars: labels, ports, selectors), no child list is stored at all.
    mutating func appendCollection(
        span: Span, kind: Node.Kind, style: Node.Style, tag: Int?, childIndices: ArraySlice<UInt32>
    ) -> Int {
        let count = kind == .mapping ? childIndices.count / 2 : childIndices.count
        var contiguous = true
        if let start = childIndices.first {
            for (offset, index) in childIndices.enumerated() where index != start &+ UInt32(truncatingIfNeeded: offset) {
                contiguous = false
                break
            }
        }
        if contiguous {
            return append(span: span, kind: kind, style: style, tag: tag, first: Int(childIndices.first ?? 0), count: count, contiguous: true)
        }
        let first = children.count
        children.append(contentsOf: childIndices)
        return append(span: span, kind: kind, style: style, tag: tag, first: first, count: count)
    }

    private mutating func append(
        span: Span, kind: Node.Kind, style: Node.Style, tag: Int?, first: Int, count: Int, contiguous: Bool = false
    ) -> Int {
        let index = records.count
        let lines = span.end.line - span.start.line
        let fits = span.start.column <= Int(UInt8.max) && span.end.column <= Int(UInt8.max)
            && lines >= 0 && lines <= Int(UInt8.max) && count <= Int(UInt8.max) && span.start.line <= NodeRecord.maxLine
        records.append(NodeRecord(
            line: fits ? UInt32(span.start.line) : 0, first: UInt32(truncatingIfNeeded: first),
            startColumn: fits ? UInt8(span.start.column) : 0, endColumn: fits ? UInt8(span.end.column) : 0,
            shortCount: fits ? UInt8(count) : 0, endLineDelta: fits ? UInt8(lines) : 0,
            kind: kind, style: style, isTagged: tag != nil, isWide: !fits, isContiguous: contiguous))
        if !fits { wide[UInt32(index)] = WideRecord(span: span, count: count) }
        if let tag { tagOf[UInt32(index)] = tag }
        return index
    }

    /// The position of `tag` in the tag table, added when new.
    mutating func tagPosition(_ tag: String) -> Int {
        if let known = tags.firstIndex(of: tag) { return known }
        tags.append(tag)
        return tags.count - 1
    }

    mutating func appendBytes(_ buffer: UnsafeBufferPointer<UInt8>) -> Int {
        let first = bytes.count
        bytes.append(contentsOf: buffer)
        return first
    }

    var sizes: (records: Int, children: Int, bytes: Int) { (records.count, children.count, bytes.count) }

    /// Empties the table, keeping its arrays' capacity for the next file parsed on this thread.
    mutating func reset() {
        records.removeAll(keepingCapacity: true)
        children.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        wide = [:]
        tagOf = [:]
        tags = []
    }

    /// Forgets everything appended since `sizes` were `marks` (a document that was abandoned).
    mutating func truncate(to marks: (records: Int, children: Int, bytes: Int)) {
        if !wide.isEmpty { wide = wide.filter { Int($0.key) < marks.records } }
        if !tagOf.isEmpty { tagOf = tagOf.filter { Int($0.key) < marks.records } }
        records.removeSubrange(marks.records...)
        children.removeSubrange(marks.children...)
        bytes.removeSubrange(marks.bytes...)
    }
}

/// One node's fixed-size record in a `NodeTable`: 12 bytes.
///
/// Sized for what manifests hold: columns, line spans and counts up to 255, lines up to 16 million.
/// A node past any of these (a long line, a large scalar or list, a document of many lines) is
/// marked wide and its span and count are kept aside, which a few in a thousand nodes are.
struct NodeRecord: Sendable {
    static let maxLine = Int(UInt32(0xFF_FFFF))

    /// The first line (low 24 bits) and the flags (high 8 bits): kind (2 bits), style (3 bits),
    /// tagged, wide, contiguous children (1 bit each).
    private let lineAndInfo: UInt32
    /// A scalar's first byte in `bytes`; a collection's first child in `children`, or its first
    /// child record when the children are contiguous records.
    let first: UInt32
    let startColumn: UInt8
    let endColumn: UInt8
    /// A scalar's byte count; a sequence's items; a mapping's entries (when not wide).
    let shortCount: UInt8
    let endLineDelta: UInt8

    init(
        line: UInt32, first: UInt32, startColumn: UInt8, endColumn: UInt8, shortCount: UInt8, endLineDelta: UInt8,
        kind: Node.Kind, style: Node.Style, isTagged: Bool, isWide: Bool, isContiguous: Bool = false
    ) {
        let info = kind.code | style.code << 2 | (isTagged ? 1 << 5 : 0) | (isWide ? 1 << 6 : 0) | (isContiguous ? 1 << 7 : 0)
        lineAndInfo = line & 0xFF_FFFF | UInt32(info) << 24
        self.first = first
        self.startColumn = startColumn
        self.endColumn = endColumn
        self.shortCount = shortCount
        self.endLineDelta = endLineDelta
    }

    var line: UInt32 { lineAndInfo & 0xFF_FFFF }
    private var info: UInt8 { UInt8(truncatingIfNeeded: lineAndInfo >> 24) }

    var kind: Node.Kind { Node.Kind(code: info & 3) }
    var style: Node.Style { Node.Style(code: info >> 2 & 7) }
    var isTagged: Bool { info & 1 << 5 != 0 }
    var isWide: Bool { info & 1 << 6 != 0 }
    var isContiguous: Bool { info & 1 << 7 != 0 }
}

extension Node.Kind {
    fileprivate var code: UInt8 {
        switch self {
        case .scalar: 0
        case .sequence: 1
        case .mapping: 2
        }
    }

    fileprivate init(code: UInt8) {
        self = code == 1 ? .sequence : code == 2 ? .mapping : .scalar
    }
}

extension Node.Style {
    fileprivate var code: UInt8 {
        switch self {
        case .plain: 0
        case .singleQuoted: 1
        case .doubleQuoted: 2
        case .literal: 3
        case .folded: 4
        case .block: 5
        case .flow: 6
        }
    }

    fileprivate init(code: UInt8) {
        switch code {
        case 1: self = .singleQuoted
        case 2: self = .doubleQuoted
        case 3: self = .literal
        case 4: self = .folded
        case 5: self = .block
        case 6: self = .flow
        default: self = .plain
        }
    }
}

import Glibc

/// Every node of one parsed file, stored as flat arrays: a fixed-size record per node, the child
/// indices of every collection, and the scalars' UTF-8 bytes.
///
/// A platform repository holds millions of nodes. As individual values with their own arrays and
/// strings, each cost about 150 bytes and several allocations; here a node costs its 28-byte record
/// and 4 bytes in its parent's child list, and a file costs five allocations, however many nodes it
/// holds. The store is immutable once built, so `Node`s (a store and an index) share it freely
/// between threads.
final class NodeStore: Sendable {
    let records: [NodeRecord]
    /// The children of each collection, contiguous: a sequence's items, or a mapping's keys and
    /// values alternating. An alias is the index of the anchored node, so aliases share storage.
    let children: [UInt32]
    let bytes: [UInt8]
    /// Explicit tags, expanded; a record refers to one by position + 1 (0: no tag).
    let tags: [String]

    init(records: [NodeRecord], children: [UInt32], bytes: [UInt8], tags: [String]) {
        // Exact-size copies: the builders' spare capacity would otherwise stay for the whole scan.
        self.records = Self.trimmed(records)
        self.children = Self.trimmed(children)
        self.bytes = Self.trimmed(bytes)
        self.tags = tags
    }

    private static func trimmed<Element>(_ array: [Element]) -> [Element] {
        array.capacity - array.count > array.count / 8 ? array.withUnsafeBufferPointer { Array($0) } : array
    }

    /// The text of scalar `record`.
    func text(of record: NodeRecord) -> String {
        bytes.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(record.first)..<Int(record.first + record.count)]), as: UTF8.self)
        }
    }

    /// True when scalar `record`'s bytes are exactly `expected`.
    func scalarEquals(_ record: NodeRecord, _ expected: UnsafeBufferPointer<UInt8>) -> Bool {
        guard record.kind == .scalar, Int(record.count) == expected.count else { return false }
        if expected.isEmpty { return true }
        return bytes.withUnsafeBufferPointer { buffer in
            memcmp(buffer.baseAddress! + Int(record.first), expected.baseAddress!, expected.count) == 0
        }
    }

    /// The position in `children` of the value whose key is `key`, in mapping `record`.
    func valuePosition(in record: NodeRecord, key: UnsafeBufferPointer<UInt8>) -> Int? {
        records.withUnsafeBufferPointer { records in
            children.withUnsafeBufferPointer { children in
                bytes.withUnsafeBufferPointer { bytes in
                    var position = Int(record.first)
                    let end = position + 2 * Int(record.count)
                    while position < end {
                        let candidate = records[Int(children[position])]
                        if candidate.kind == .scalar, Int(candidate.count) == key.count,
                           key.isEmpty || memcmp(bytes.baseAddress! + Int(candidate.first), key.baseAddress!, key.count) == 0 {
                            return position + 1
                        }
                        position += 2
                    }
                    return nil
                }
            }
        }
    }

    /// Nodes in the subtree under `index`, itself included, counting every alias's expansion.
    func subtreeSize(_ index: Int) -> Int {
        let record = records[index]
        guard record.kind != .scalar else { return 1 }
        var size = 1
        let start = Int(record.first)
        for position in start..<start + record.childCount {
            size += subtreeSize(Int(children[position]))
        }
        return size
    }
}

/// One node's fixed-size record in a `NodeStore`.
struct NodeRecord: Sendable {
    var startLine: UInt32
    var startColumn: UInt32
    var endLine: UInt32
    var endColumn: UInt32
    /// A scalar's first byte in `bytes`; a collection's first child in `children`.
    var first: UInt32
    /// A scalar's byte count; a sequence's items; a mapping's entries.
    var count: UInt32
    /// Kind (2 bits), style (3 bits), then the tag's position + 1 (0: no tag).
    var info: UInt32

    init(span: Span, kind: Node.Kind, style: Node.Style, tag: Int, first: Int, count: Int) {
        startLine = UInt32(truncatingIfNeeded: span.start.line)
        startColumn = UInt32(truncatingIfNeeded: span.start.column)
        endLine = UInt32(truncatingIfNeeded: span.end.line)
        endColumn = UInt32(truncatingIfNeeded: span.end.column)
        self.first = UInt32(truncatingIfNeeded: first)
        self.count = UInt32(truncatingIfNeeded: count)
        info = UInt32(kind.code) | UInt32(style.code) << 2 | UInt32(truncatingIfNeeded: tag) << 5
    }

    var kind: Node.Kind { Node.Kind(code: info & 3) }
    var style: Node.Style { Node.Style(code: info >> 2 & 7) }
    /// The tag's position in `tags` + 1, or 0.
    var tag: Int { Int(info >> 5) }
    /// Entries in `children`: twice the pairs of a mapping.
    var childCount: Int {
        switch kind {
        case .scalar: 0
        case .sequence: Int(count)
        case .mapping: 2 * Int(count)
        }
    }

    var span: Span {
        Span(
            start: Mark(line: Int(startLine), column: Int(startColumn)),
            end: Mark(line: Int(endLine), column: Int(endColumn)))
    }
}

extension Node.Kind {
    fileprivate var code: UInt8 {
        switch self {
        case .scalar: 0
        case .sequence: 1
        case .mapping: 2
        }
    }

    fileprivate init(code: UInt32) {
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

    fileprivate init(code: UInt32) {
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

extension NodeStore {
    func scalarEquals(_ record: NodeRecord, _ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { scalarEquals(record, $0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { scalarEquals(record, $0) }
    }

    func valuePosition(in record: NodeRecord, key: String) -> Int? {
        key.utf8.withContiguousStorageIfAvailable { valuePosition(in: record, key: $0) }
            ?? Array(key.utf8).withUnsafeBufferPointer { valuePosition(in: record, key: $0) }
    }
}

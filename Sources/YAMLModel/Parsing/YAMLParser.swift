internal import CLibYAML
#if canImport(Glibc)
import Glibc
#endif

/// Builds `Node` trees straight from libyaml's event stream, into one `NodeStore` per stream.
///
/// We drive the event parser rather than libyaml's document loader so that every node keeps exact
/// start and end marks, duplicate keys are seen, and nesting and alias expansion are bounded while
/// reading, not after a tree already exhausted memory.
public enum YAMLParser {
    /// Parses a whole YAML (or JSON) stream. Never throws: problems are returned with positions.
    ///
    /// After a syntax error, or a document nested past the depth limit, parsing resumes at the next
    /// document marker, so one broken document does not hide the others in its file. (Resuming also
    /// bounds time: libyaml rescans its whole flow-level stack for every token, so letting it read a
    /// document nested 100,000 deep to the end would take minutes.)
    ///
    /// `pruning` names subtrees that are skipped, never built (see `Pruning`); when an alias refers
    /// to an anchor inside one, the file is parsed again whole.
    ///
    /// A plain scalar such as `fd00::` in a flow collection, which libyaml refuses and Kubernetes
    /// reads, is read as Kubernetes does (see `FlowColonRepair`).
    public static func parse(
        _ bytes: [UInt8], limits: ParseLimits = .default, pruning: Pruning = .none, scratch: ParseScratch? = nil
    ) -> ParseResult {
        let first = parsePass(bytes, limits: limits, pruning: pruning, scratch: scratch)
        // Offsets into UTF-16 text cannot be patched byte for byte.
        guard !first.refusedColons.isEmpty, !startsLikeUTF16(bytes) else { return first.result }
        return FlowColonRepair.reparse(bytes, after: first, limits: limits) { rewrites in
            parsePass(rewrites.bytes, limits: limits, pruning: pruning, scratch: scratch, rewrites: rewrites)
        }
    }

    /// One parse of the whole stream; with `rewrites`, of the stream with those colons replaced,
    /// put back into the values they land in.
    private static func parsePass(
        _ bytes: [UInt8], limits: ParseLimits, pruning: Pruning, scratch: ParseScratch?, rewrites: ColonRewrites? = nil
    ) -> ParsePass {
        if limits.isPastDeadline {
            var result = ParseResult()
            result.problems.append(.timeLimitReached())
            return ParsePass(result: result, rewrites: rewrites)
        }
        var composer = Composer(limits: limits, pruning: pruning, rewrites: rewrites)
        scratch?.lend(to: &composer)
        defer { scratch?.takeBack(from: &composer) }
        bytes.withUnsafeBufferPointer { buffer in
            // UTF-16 input cannot be cut at byte offsets found by scanning for ASCII markers.
            let resumable = !startsLikeUTF16(bytes)
            // The file's lines, counted once and only when needed (an error, or no final break).
            var lines: LineIndex?
            if !Self.endsWithLineBreak(buffer) {
                let counted = LineIndex(buffer)
                composer.phantomLine = counted.starts.count + 1
                composer.endOfText = counted.mark(atByteOffset: buffer.count, in: buffer)
                lines = counted
            }
            var segmentStart = 0
            while true {
                composer.lineOffset = lines.map { $0.mark(atByteOffset: segmentStart, in: buffer).line - 1 } ?? 0
                let segment = UnsafeBufferPointer(rebasing: buffer[segmentStart...])
                guard let stoppedAtLine = parseSegment(segment, startingAt: segmentStart, of: buffer, lines: &lines, into: &composer),
                      resumable
                else { return }
                if lines == nil { lines = LineIndex(buffer) }
                guard let boundary = lines?.documentBoundary(fromLine: stoppedAtLine, after: segmentStart, in: buffer) else {
                    return
                }
                composer.skipInterruptedDocument()
                composer.rewrites?.skip(to: Mark(line: boundary.line, column: 1))
                // A file of many broken documents is many stretches: the deadline is checked between them too.
                if composer.limits.isPastDeadline {
                    composer.fail(.timeLimitReached(at: Mark(line: boundary.line, column: 1)))
                    return
                }
                segmentStart = boundary.offset
            }
        }
        // Rare: the whole-file parse makes its own buffers, so this composer's go back once, below.
        if composer.needsWholeTree { return parsePass(bytes, limits: limits, pruning: .none, scratch: nil, rewrites: rewrites) }
        return ParsePass(result: composer.finish(), refusedColons: composer.refusedColons, rewrites: composer.rewrites)
    }

    /// Parses one stretch of the input. Returns nil at the end of the stream, or the 1-based line at
    /// which parsing stopped early (a syntax error, or the depth limit).
    private static func parseSegment(
        _ segment: UnsafeBufferPointer<UInt8>, startingAt byteOffset: Int, of buffer: UnsafeBufferPointer<UInt8>,
        lines: inout LineIndex?, into composer: inout Composer
    ) -> Int? {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer {
            parser.deallocate()
            event.deallocate()
        }
        guard yaml_parser_initialize(parser) != 0 else {
            composer.fail(InputProblem(kind: .syntaxError, message: "libyaml could not allocate a parser", span: .fileStart))
            return nil
        }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_input_string(parser, segment.baseAddress, segment.count)
        while true {
            composer.events &+= 1
            // The clock is read every few thousand events: cheap, and a few milliseconds at most.
            if composer.events & 4095 == 0, composer.limits.isPastDeadline {
                composer.fail(.timeLimitReached(at: composer.clamped(Mark(parser.pointee.mark, lineOffset: composer.lineOffset))))
                composer.skipInterruptedDocument()
                return nil
            }
            guard yaml_parser_parse(parser, event) != 0 else {
                if lines == nil, parser.pointee.error == YAML_READER_ERROR { lines = LineIndex(buffer) }
                if let colon = FlowColonRepair.refusedColon(parser.pointee, lineOffset: composer.lineOffset, in: buffer, lines: &lines) {
                    composer.refusedColons.append(colon)
                }
                let problem = parserError(parser.pointee, byteOffset: byteOffset, in: buffer, lines: lines, composer: composer)
                composer.fail(problem)
                return problem.span.start.line
            }
            defer { yaml_event_delete(event) }
            if event.pointee.type == YAML_STREAM_END_EVENT { return nil }
            composer.handle(event.pointee)
            if let line = composer.stopRequestedAtLine { return line }
        }
    }

    /// True when the input starts with a UTF-16 byte-order mark (or what could begin one).
    private static func startsLikeUTF16(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && (bytes[0] == 0xFF || bytes[0] == 0xFE)
    }

    /// True when the input ends in a line break (LF, CR, NEL, LS or PS), as files nearly always do.
    private static func endsWithLineBreak(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let last = buffer.last else { return true }
        let count = buffer.count
        if last == 0x0A || last == 0x0D { return true }
        if last == 0x85, count >= 2, buffer[count - 2] == 0xC2 { return true }
        return (last == 0xA8 || last == 0xA9) && count >= 3 && buffer[count - 3] == 0xE2 && buffer[count - 2] == 0x80
    }

    private static func parserError(
        _ parser: yaml_parser_t, byteOffset: Int, in buffer: UnsafeBufferPointer<UInt8>, lines: LineIndex?, composer: Composer
    ) -> InputProblem {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown YAML error"
        if parser.error == YAML_READER_ERROR, let lines {
            // Reader errors carry a byte offset, not a mark.
            let mark = lines.mark(atByteOffset: byteOffset + Int(parser.problem_offset), in: buffer)
            return InputProblem(kind: .syntaxError, message: problem, span: Span(start: mark, end: mark))
        }
        // At the end of a stream that does not end in a line break, libyaml moves its mark to the
        // start of a line that is not there; a finding must point into the file.
        let mark = composer.clamped(Mark(parser.problem_mark, lineOffset: composer.lineOffset))
        let lineOffset = composer.lineOffset
        var message = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            let contextMark = Mark(parser.context_mark, lineOffset: lineOffset)
            message += " (\(context) at line \(contextMark.line), column \(contextMark.column))"
        }
        return InputProblem(kind: .syntaxError, message: message, span: Span(start: mark, end: mark))
    }
}

extension Mark {
    init(_ mark: yaml_mark_t, lineOffset: Int) {
        self.init(line: Int(mark.line) + 1 + lineOffset, column: Int(mark.column) + 1)
    }
}

/// Buffers one thread reuses from file to file: a platform repository is thousands of small files,
/// and allocating, growing and freeing each one's arrays afresh cost time and left the heap
/// fragmented. Not shared between threads: each worker makes its own.
public final class ParseScratch {
    fileprivate var table = NodeTable()
    fileprivate var childStack: [UInt32] = []
    fileprivate var interned = InternTable()

    public init() {}

    fileprivate func lend(to composer: inout Composer) {
        swap(&table, &composer.table)
        swap(&childStack, &composer.childStack)
        swap(&interned, &composer.interned)
    }

    fileprivate func takeBack(from composer: inout Composer) {
        swap(&table, &composer.table)
        swap(&childStack, &composer.childStack)
        swap(&interned, &composer.interned)
        table.reset()
        childStack.removeAll(keepingCapacity: true)
        interned.clear()
    }
}

/// The state of composing nodes from events for one stream.
///
/// Nodes are appended to flat arrays as their events arrive (a collection when it ends, after its
/// children), and become a `NodeStore` when the stream ends.
private struct Composer {
    /// A sequence or mapping whose end event has not arrived yet.
    struct Frame {
        let isMapping: Bool
        let start: Mark
        let tag: Int?
        let style: Node.Style
        let anchor: String?
        /// Where this collection's children begin in `childStack` (a mapping's keys and values alternate).
        let childStart: Int
        /// Built only for large mappings, where scanning the keys for duplicates would be quadratic.
        var keyIndex: [String: Int]?
        var size = 1
        /// Where this collection is in the pruning trie (nil: nothing below it is pruned).
        var trie: Int?
        /// The trie node of the pending key's value.
        var pendingTrie: Int?
        /// Keys whose values were pruned (record indices), still checked for duplicates.
        var prunedKeys: [Int] = []
    }

    /// A completed document: its root's record and where it was.
    struct DocumentEntry {
        let root: Int
        let index: Int
        let span: Span
    }

    /// Beyond this many entries a mapping's duplicate check uses a dictionary.
    private static let linearKeyScanLimit = 16

    let limits: ParseLimits
    var result = ParseResult()
    var frames: [Frame] = []
    var anchors: [String: (index: Int, size: Int)] = [:]
    var documentIndex = 0
    var documentStart = Mark.fileStart
    var root: Int?
    /// Set when the current document hit a limit or an undefined alias: its remaining events are ignored.
    var abandoned = false
    /// Lines before the stretch of input being parsed (libyaml's marks start at 0 in each stretch).
    var lineOffset = 0
    /// When the input does not end in a line break, libyaml ends it on a line that is not there:
    /// marks from that line on are moved to just after the last character (`endOfText`).
    var phantomLine: Int?
    var endOfText = Mark.fileStart
    /// Events read in this file, over all its stretches: when to look at the clock.
    var events = 0
    /// Colons this pass reads replaced, put back into plain scalars (nil: none, the usual case).
    var rewrites: ColonRewrites?
    /// `rewrites != nil`, kept as a flag: every event asks, and the usual answer must cost nothing.
    let hasRewrites: Bool
    /// The value of the scalar event being handled, with replaced colons put back (see `noteRewrites`).
    var restoredValue: [UInt8]?
    /// Where libyaml refused a colon that Kubernetes reads as content (see `FlowColonRepair`).
    var refusedColons: [Int] = []

    /// `mark`, moved off the line after the last when the input has no final line break.
    func clamped(_ mark: Mark) -> Mark {
        guard let phantomLine, mark.line >= phantomLine else { return mark }
        return endOfText
    }
    /// Set when parsing must stop and resume at the next document (the depth limit was hit here).
    var stopRequestedAtLine: Int?

    // What becomes the NodeStore.
    var table = NodeTable()
    /// Short scalars already stored, by a hash of their bytes and length: repeated keys and values
    /// share one copy of their bytes.
    var interned = InternTable()
    /// The children of every open collection, innermost last.
    var childStack: [UInt32] = []
    var documents: [DocumentEntry] = []
    /// The sizes of the arrays when the current document started, to drop an abandoned one's nodes.
    var documentMarks = (records: 0, children: 0, bytes: 0)

    /// Scalars up to this many bytes are interned (keys, names, ports, label values).
    private static let internLimit = 32

    let pruning: Pruning
    /// The document's `kind`, once read (pruning depends on it).
    var documentKind: String?
    /// The pruning trie of the document's kind, looked up once when `kind` is read.
    var documentTrie: Int?
    /// The next value event starts a pruned subtree.
    var pruningNextValue = false
    /// Depth inside a pruned subtree (0: not in one).
    var prunedDepth = 0
    var prunedAnchors: Set<String> = []
    /// An alias referred to an anchor inside a pruned subtree: the file must be parsed whole.
    var needsWholeTree = false

    init(limits: ParseLimits, pruning: Pruning = .none, rewrites: ColonRewrites? = nil) {
        self.limits = limits
        self.pruning = pruning
        self.rewrites = rewrites
        hasRewrites = rewrites != nil
    }

    /// The store and the documents that point into it.
    mutating func finish() -> ParseResult {
        let store = NodeStore(table)
        result.documents = documents.map { Document(root: Node(store: store, index: $0.root), index: $0.index, span: $0.span) }
        return result
    }

    /// Consumes the events of a pruned subtree; true when `event` belonged to one.
    private mutating func prune(_ event: yaml_event_t, start: Mark, end: Mark) -> Bool {
        guard pruningNextValue || prunedDepth > 0 else { return false }
        var anchor: UnsafeMutablePointer<yaml_char_t>?
        switch event.type {
        case YAML_SCALAR_EVENT: anchor = event.data.scalar.anchor
        case YAML_SEQUENCE_START_EVENT: anchor = event.data.sequence_start.anchor
        case YAML_MAPPING_START_EVENT: anchor = event.data.mapping_start.anchor
        default: break
        }
        if let name = string(anchor) { prunedAnchors.insert(name) }
        switch event.type {
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            prunedDepth += 1
            if frames.count + prunedDepth > limits.maxDepth {
                abandon(InputProblem(
                    kind: .limitExceeded,
                    message: "nesting deeper than \(limits.maxDepth) levels; the document is skipped",
                    span: Span(start: start, end: end)))
                stopRequestedAtLine = start.line
                prunedDepth = 0
            }
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            prunedDepth -= 1
        default:
            break
        }
        pruningNextValue = false
        return true
    }

    mutating func fail(_ problem: InputProblem) {
        result.problems.append(problem)
    }

    /// Drops the document that an early stop cut short and gets ready for the next stretch.
    mutating func skipInterruptedDocument() {
        dropCurrentDocument()
        abandoned = false
        stopRequestedAtLine = nil
        documentIndex += 1
        pruningNextValue = false
        prunedDepth = 0
    }

    /// Forgets the open collections and the nodes of the document being built.
    private mutating func dropCurrentDocument() {
        frames.removeAll()
        anchors.removeAll()
        childStack.removeAll()
        root = nil
        if table.sizes != documentMarks {
            table.truncate(to: documentMarks)
            // Interned entries may point at bytes just dropped.
            interned.removeAll()
        }
    }

    mutating func handle(_ event: yaml_event_t) {
        let start = clamped(Mark(event.start_mark, lineOffset: lineOffset))
        let end = clamped(Mark(event.end_mark, lineOffset: lineOffset))
        // Before pruning: a replaced colon in a pruned scalar must still be shown harmless.
        if hasRewrites { noteRewrites(event, start: start, end: end) }
        if !abandoned, prune(event, start: start, end: end) { return }
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documentMarks = table.sizes
            dropCurrentDocument()
            abandoned = false
            documentStart = start
            documentKind = nil
            documentTrie = nil
            pruningNextValue = false
            prunedDepth = 0
            prunedAnchors.removeAll()
        case YAML_DOCUMENT_END_EVENT:
            if !abandoned, let root {
                documents.append(DocumentEntry(root: root, index: documentIndex, span: Span(start: documentStart, end: end)))
            }
            // What is kept is kept: a syntax error before the next document's start event must
            // drop only what came after this one (found by fuzzing: the finished document's nodes
            // were dropped while it stayed listed, and reading it read past the store).
            root = nil
            documentMarks = table.sizes
            documentIndex += 1
            frames.removeAll()
            anchors.removeAll()
            childStack.removeAll()
        case YAML_SCALAR_EVENT where !abandoned:
            let data = event.data.scalar
            let first: Int
            if hasRewrites, let restored = restoredValue.take() {
                first = restored.withUnsafeBufferPointer { storeBytes($0) }
            } else {
                first = data.value.map { pointer in
                    pointer.withMemoryRebound(to: UInt8.self, capacity: data.length) {
                        storeBytes(UnsafeBufferPointer(start: $0, count: data.length))
                    }
                } ?? table.bytes.count
            }
            let index = table.appendScalar(
                span: Span(start: start, end: end), style: Self.style(data.style), tag: tagPosition(data.tag),
                first: first, count: data.length)
            if let name = string(data.anchor) { anchors[name] = (index, 1) }
            complete(index, size: 1)
        case YAML_ALIAS_EVENT where !abandoned:
            let name = string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                if prunedAnchors.contains(name) { needsWholeTree = true }
                abandon(InputProblem(kind: .syntaxError, message: "found undefined alias *\(name)", span: Span(start: start, end: end)))
                return
            }
            result.aliasExpansion += target.size
            guard result.aliasExpansion <= limits.maxAliasExpansion else {
                abandon(InputProblem(
                    kind: .limitExceeded,
                    message: "aliases expand to more than \(limits.maxAliasExpansion) nodes (an alias bomb?); the document is skipped",
                    span: Span(start: start, end: end)))
                return
            }
            complete(target.index, size: target.size, built: false)
        case YAML_SEQUENCE_START_EVENT where !abandoned:
            let data = event.data.sequence_start
            open(isMapping: false, start: start, tag: tagPosition(data.tag), anchor: string(data.anchor),
                 style: data.style == YAML_FLOW_SEQUENCE_STYLE ? .flow : .block, end: end)
        case YAML_MAPPING_START_EVENT where !abandoned:
            let data = event.data.mapping_start
            open(isMapping: true, start: start, tag: tagPosition(data.tag), anchor: string(data.anchor),
                 style: data.style == YAML_FLOW_MAPPING_STYLE ? .flow : .block, end: end)
        case YAML_SEQUENCE_END_EVENT where !abandoned, YAML_MAPPING_END_EVENT where !abandoned:
            guard let frame = frames.popLast() else { return }
            var childCount = childStack.count - frame.childStart
            if frame.isMapping, childCount % 2 == 1 {
                // A key whose value never came (only after an error, which drops the document anyway).
                childStack.removeLast()
                childCount -= 1
            }
            let index = table.appendCollection(
                span: Span(start: frame.start, end: end), kind: frame.isMapping ? .mapping : .sequence, style: frame.style,
                tag: frame.tag, childIndices: childStack[frame.childStart...])
            childStack.removeSubrange(frame.childStart...)
            if let anchor = frame.anchor { anchors[anchor] = (index, frame.size) }
            complete(index, size: frame.size)
        default:
            break
        }
    }

    /// Shows the replaced colons the event passes or holds to `rewrites`; for a plain scalar holding
    /// some, keeps its value with them put back in `restoredValue`.
    private mutating func noteRewrites(_ event: yaml_event_t, start: Mark, end: Mark) {
        rewrites?.pass(to: start)
        restoredValue = nil
        guard event.type == YAML_SCALAR_EVENT else { return }
        let data = event.data.scalar
        guard data.style == YAML_PLAIN_SCALAR_STYLE, let pointer = data.value else { return }
        restoredValue = pointer.withMemoryRebound(to: UInt8.self, capacity: data.length) { value in
            rewrites?.restore(plainValue: UnsafeBufferPointer(start: value, count: data.length), start: start, end: end)
        }
    }

    private mutating func open(isMapping: Bool, start: Mark, tag: Int?, anchor: String?, style: Node.Style, end: Mark) {
        guard frames.count < limits.maxDepth else {
            abandon(InputProblem(
                kind: .limitExceeded,
                message: "nesting deeper than \(limits.maxDepth) levels; the document is skipped",
                span: Span(start: start, end: end)))
            stopRequestedAtLine = start.line
            return
        }
        var frame = Frame(isMapping: isMapping, start: start, tag: tag, style: style, anchor: anchor, childStart: childStack.count)
        if let parent = frames.last {
            frame.trie = parent.isMapping ? parent.pendingTrie : parent.trie.flatMap { pruning.child(of: $0, "*") }
        }
        frames.append(frame)
    }

    private mutating func abandon(_ problem: InputProblem) {
        result.problems.append(problem)
        abandoned = true
        dropCurrentDocument()
    }

    /// Hands a finished node to its parent, or makes it the document's root.
    private mutating func complete(_ index: Int, size: Int, built: Bool = true) {
        if built { result.nodesBuilt += 1 }
        guard !frames.isEmpty else {
            root = index
            return
        }
        let last = frames.count - 1
        frames[last].size += size
        guard frames[last].isMapping else {
            childStack.append(UInt32(truncatingIfNeeded: index))
            return
        }
        guard (childStack.count - frames[last].childStart) % 2 == 1 else {
            completeKey(index, frame: last)
            return
        }
        childStack.append(UInt32(truncatingIfNeeded: index))
        if last == 0, !pruning.isEmpty, table.kind(index) == .scalar, table.scalarEquals(Int(childStack[childStack.count - 2]), "kind") {
            documentKind = table.text(index)
            documentTrie = documentKind.flatMap { pruning.root(of: $0) }
        }
    }

    /// Adds key `index` to the mapping of frame `last`, unless its value is pruned.
    private mutating func completeKey(_ index: Int, frame last: Int) {
        let isScalar = table.kind(index) == .scalar
        if isScalar, let problem = Self.duplicate(of: index, in: &frames[last], table: table, childStack: childStack) {
            result.problems.append(problem)
        }
        frames[last].pendingTrie = nil
        var parentTrie = frames[last].trie
        if parentTrie == nil, last == 0 { parentTrie = documentTrie }
        if let parentTrie, isScalar, let child = table.withScalarBytes(index, { pruning.child(of: parentTrie, bytes: $0) }) {
            if pruning.drops(child) {
                frames[last].prunedKeys.append(index)
                pruningNextValue = true
                return
            }
            frames[last].pendingTrie = child
        }
        childStack.append(UInt32(truncatingIfNeeded: index))
    }

    /// The problem when key `key` repeats an earlier key of the mapping being built.
    private static func duplicate(
        of key: Int, in frame: inout Frame, table: NodeTable, childStack: [UInt32]
    ) -> InputProblem? {
        guard table.kind(key) == .scalar else { return nil }
        var first: Int? = frame.prunedKeys.first { table.sameScalar($0, key) }
        let pairCount = (childStack.count - frame.childStart) / 2
        if first != nil {
            // A duplicate of a pruned key.
        } else if pairCount < Self.linearKeyScanLimit {
            for position in stride(from: frame.childStart, to: childStack.count, by: 2)
            where table.sameScalar(Int(childStack[position]), key) {
                first = Int(childStack[position])
                break
            }
        } else {
            if frame.keyIndex == nil {
                var index: [String: Int] = [:]
                for position in stride(from: frame.childStart, to: childStack.count, by: 2) {
                    let keyIndex = Int(childStack[position])
                    if table.kind(keyIndex) == .scalar, index[table.text(keyIndex)] == nil {
                        index[table.text(keyIndex)] = keyIndex
                    }
                }
                frame.keyIndex = index
            }
            let name = table.text(key)
            first = frame.keyIndex?[name]
            if first == nil { frame.keyIndex?[name] = key }
        }
        guard let first else { return nil }
        let firstSpan = table.span(first)
        return InputProblem(
            kind: .duplicateKey,
            message: "duplicate key \"\(table.text(key))\" (first at line \(firstSpan.start.line), column \(firstSpan.start.column))",
            span: table.span(key))
    }

    /// The position of an explicit tag in the table, or nil.
    private mutating func tagPosition(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> Int? {
        string(pointer).map { table.tagPosition($0) }
    }

    /// Stores a scalar's bytes, or finds the same short scalar stored before; returns where they are.
    private mutating func storeBytes(_ scalar: UnsafeBufferPointer<UInt8>) -> Int {
        guard scalar.count > 0, scalar.count <= Self.internLimit else { return table.appendBytes(scalar) }
        // Eight bytes at a time, multiplied and folded, then the length: a collision only costs a
        // missed share, since the bytes are compared before they are shared.
        var hash = UInt64(scalar.count) &* 0x9E37_79B9_7F4A_7C15
        let raw = UnsafeRawPointer(scalar.baseAddress!)
        var position = 0
        while position + 8 <= scalar.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            position += 8
        }
        if position < scalar.count {
            var tail: UInt64 = 0
            for index in position..<scalar.count { tail = tail << 8 | UInt64(scalar[index]) }
            hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
            hash ^= hash >> 29
        }
        if let offset = interned.offset(for: hash), offset + scalar.count <= table.bytes.count,
           table.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress! + offset, scalar.baseAddress!, scalar.count) == 0 }) {
            return offset
        }
        let offset = table.appendBytes(scalar)
        interned.insert(hash, offset: offset)
        return offset
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> Node.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}

/// Where short scalars' bytes were stored, by their hash: open addressing over two flat arrays,
/// because the standard dictionary re-hashes every key and was a quarter of composing time.
struct InternTable {
    private var hashes: [UInt64] = []
    private var offsets: [UInt32] = []
    private var used = 0

    /// The offset stored for `hash`, if any.
    func offset(for hash: UInt64) -> Int? {
        guard !hashes.isEmpty else { return nil }
        let key = hash | 1
        let mask = hashes.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while hashes[slot] != 0 {
            if hashes[slot] == key { return Int(offsets[slot]) }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Records `offset` for `hash`, replacing an earlier entry of the same hash.
    mutating func insert(_ hash: UInt64, offset: Int) {
        if (used + 1) * 2 > hashes.count { grow() }
        let key = hash | 1
        let mask = hashes.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while hashes[slot] != 0, hashes[slot] != key { slot = (slot + 1) & mask }
        if hashes[slot] == 0 { used += 1 }
        hashes[slot] = key
        offsets[slot] = UInt32(truncatingIfNeeded: offset)
    }

    mutating func removeAll() {
        hashes = []
        offsets = []
        used = 0
    }

    /// Empties the table for the next file, keeping a modest capacity (a huge file's table is
    /// not worth clearing again for every small one after it).
    mutating func clear() {
        guard hashes.count <= 1 << 14 else { return removeAll() }
        for slot in hashes.indices { hashes[slot] = 0 }
        used = 0
    }

    private mutating func grow() {
        let old = (hashes, offsets)
        let capacity = max(256, hashes.count * 2)
        hashes = Array(repeating: 0, count: capacity)
        offsets = Array(repeating: 0, count: capacity)
        used = 0
        for (key, offset) in zip(old.0, old.1) where key != 0 { insert(key, offset: Int(offset)) }
    }
}

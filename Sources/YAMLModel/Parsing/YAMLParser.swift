internal import CLibYAML

/// Builds `Node` trees straight from libyaml's event stream.
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
    public static func parse(_ bytes: [UInt8], limits: ParseLimits = .default, pruning: Pruning = .none) -> ParseResult {
        var composer = Composer(limits: limits, pruning: pruning)
        bytes.withUnsafeBufferPointer { buffer in
            // UTF-16 input cannot be cut at byte offsets found by scanning for ASCII markers.
            let resumable = !(buffer.count >= 2 && (buffer[0] == 0xFF || buffer[0] == 0xFE))
            var lines: LineIndex?
            var segmentStart = 0
            while true {
                composer.lineOffset = lines.map { $0.mark(atByteOffset: segmentStart, in: buffer).line - 1 } ?? 0
                let segment = UnsafeBufferPointer(rebasing: buffer[segmentStart...])
                guard let stoppedAtLine = parseSegment(segment, startingAt: segmentStart, into: &composer), resumable
                else { return }
                if lines == nil { lines = LineIndex(buffer) }
                guard let boundary = lines?.documentBoundary(fromLine: stoppedAtLine, after: segmentStart, in: buffer) else {
                    return
                }
                composer.skipInterruptedDocument()
                segmentStart = boundary.offset
            }
        }
        if composer.needsWholeTree { return parse(bytes, limits: limits, pruning: .none) }
        return composer.result
    }

    /// Parses one stretch of the input. Returns nil at the end of the stream, or the 1-based line at
    /// which parsing stopped early (a syntax error, or the depth limit).
    private static func parseSegment(
        _ segment: UnsafeBufferPointer<UInt8>, startingAt byteOffset: Int, into composer: inout Composer
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
            guard yaml_parser_parse(parser, event) != 0 else {
                let problem = parserError(parser.pointee, segment: segment, byteOffset: byteOffset, lineOffset: composer.lineOffset)
                composer.fail(problem)
                return problem.span.start.line
            }
            defer { yaml_event_delete(event) }
            if event.pointee.type == YAML_STREAM_END_EVENT { return nil }
            composer.handle(event.pointee)
            if let line = composer.stopRequestedAtLine { return line }
        }
    }

    private static func parserError(
        _ parser: yaml_parser_t, segment: UnsafeBufferPointer<UInt8>, byteOffset: Int, lineOffset: Int
    ) -> InputProblem {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown YAML error"
        if parser.error == YAML_READER_ERROR {
            // Reader errors carry a byte offset, not a mark.
            var mark = LineIndex(segment).mark(atByteOffset: Int(parser.problem_offset), in: segment)
            mark.line += lineOffset
            return InputProblem(kind: .syntaxError, message: problem, span: Span(start: mark, end: mark))
        }
        let mark = Mark(parser.problem_mark, lineOffset: lineOffset)
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

/// The state of composing nodes from events for one stream.
private struct Composer {
    /// A sequence or mapping whose end event has not arrived yet.
    struct Frame {
        let isMapping: Bool
        let start: Mark
        let tag: String?
        let style: Node.Style
        let anchor: String?
        var items: [Node] = []
        var pairs: [Node.Pair] = []
        var pendingKey: Node?
        /// Built only for large mappings, where scanning `pairs` for duplicates would be quadratic.
        var keyIndex: [String: Int]?
        var size = 1
        /// Where this collection is in the pruning trie (nil: nothing below it is pruned).
        var trie: Int?
        /// The trie node of the pending key's value.
        var pendingTrie: Int?
        /// Keys whose values were pruned, still checked for duplicates.
        var prunedKeys: [Node] = []
    }

    /// Beyond this many entries a mapping's duplicate check uses a dictionary.
    private static let linearKeyScanLimit = 16

    let limits: ParseLimits
    var result = ParseResult()
    var frames: [Frame] = []
    var anchors: [String: Node] = [:]
    var documentIndex = 0
    var documentStart = Mark.fileStart
    var root: Node?
    /// Set when the current document hit a limit or an undefined alias: its remaining events are ignored.
    var abandoned = false
    /// Lines before the stretch of input being parsed (libyaml's marks start at 0 in each stretch).
    var lineOffset = 0
    /// Set when parsing must stop and resume at the next document (the depth limit was hit here).
    var stopRequestedAtLine: Int?

    let pruning: Pruning
    /// The document's `kind`, once read (pruning depends on it).
    var documentKind: String?
    /// The next value event starts a pruned subtree.
    var pruningNextValue = false
    /// Depth inside a pruned subtree (0: not in one).
    var prunedDepth = 0
    var prunedAnchors: Set<String> = []
    /// An alias referred to an anchor inside a pruned subtree: the file must be parsed whole.
    var needsWholeTree = false

    init(limits: ParseLimits, pruning: Pruning = .none) {
        self.limits = limits
        self.pruning = pruning
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
        frames.removeAll()
        anchors.removeAll()
        root = nil
        abandoned = false
        stopRequestedAtLine = nil
        documentIndex += 1
        pruningNextValue = false
        prunedDepth = 0
    }

    mutating func handle(_ event: yaml_event_t) {
        let start = Mark(event.start_mark, lineOffset: lineOffset)
        let end = Mark(event.end_mark, lineOffset: lineOffset)
        if !abandoned, prune(event, start: start, end: end) { return }
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            frames.removeAll()
            anchors.removeAll()
            abandoned = false
            root = nil
            documentStart = start
            documentKind = nil
            pruningNextValue = false
            prunedDepth = 0
            prunedAnchors.removeAll()
        case YAML_DOCUMENT_END_EVENT:
            if !abandoned, let root {
                result.documents.append(Document(root: root, index: documentIndex, span: Span(start: documentStart, end: end)))
            }
            documentIndex += 1
            frames.removeAll()
            anchors.removeAll()
        case YAML_SCALAR_EVENT where !abandoned:
            let data = event.data.scalar
            let text = data.value.map { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: data.length) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self)
                }
            } ?? ""
            let node = Node(
                content: .scalar(text), span: Span(start: start, end: end), tag: string(data.tag),
                style: Self.style(data.style), subtreeSize: 1)
            register(node, anchor: data.anchor)
            complete(node)
        case YAML_ALIAS_EVENT where !abandoned:
            let name = string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                if prunedAnchors.contains(name) { needsWholeTree = true }
                abandon(InputProblem(kind: .syntaxError, message: "found undefined alias *\(name)", span: Span(start: start, end: end)))
                return
            }
            result.aliasExpansion += target.subtreeSize
            guard result.aliasExpansion <= limits.maxAliasExpansion else {
                abandon(InputProblem(
                    kind: .limitExceeded,
                    message: "aliases expand to more than \(limits.maxAliasExpansion) nodes (an alias bomb?); the document is skipped",
                    span: Span(start: start, end: end)))
                return
            }
            complete(target, built: false)
        case YAML_SEQUENCE_START_EVENT where !abandoned:
            let data = event.data.sequence_start
            open(isMapping: false, start: start, tag: string(data.tag), anchor: string(data.anchor),
                 style: data.style == YAML_FLOW_SEQUENCE_STYLE ? .flow : .block, end: end)
        case YAML_MAPPING_START_EVENT where !abandoned:
            let data = event.data.mapping_start
            open(isMapping: true, start: start, tag: string(data.tag), anchor: string(data.anchor),
                 style: data.style == YAML_FLOW_MAPPING_STYLE ? .flow : .block, end: end)
        case YAML_SEQUENCE_END_EVENT where !abandoned, YAML_MAPPING_END_EVENT where !abandoned:
            guard let frame = frames.popLast() else { return }
            let content: Node.Content = frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items)
            let node = Node(
                content: content, span: Span(start: frame.start, end: end), tag: frame.tag,
                style: frame.style, subtreeSize: frame.size)
            if let anchor = frame.anchor { anchors[anchor] = node }
            complete(node)
        default:
            break
        }
    }

    private mutating func open(isMapping: Bool, start: Mark, tag: String?, anchor: String?, style: Node.Style, end: Mark) {
        guard frames.count < limits.maxDepth else {
            abandon(InputProblem(
                kind: .limitExceeded,
                message: "nesting deeper than \(limits.maxDepth) levels; the document is skipped",
                span: Span(start: start, end: end)))
            stopRequestedAtLine = start.line
            return
        }
        var frame = Frame(isMapping: isMapping, start: start, tag: tag, style: style, anchor: anchor)
        if let parent = frames.last {
            frame.trie = parent.isMapping ? parent.pendingTrie : parent.trie.flatMap { pruning.child(of: $0, "*") }
        }
        frames.append(frame)
    }

    private mutating func abandon(_ problem: InputProblem) {
        result.problems.append(problem)
        abandoned = true
        frames.removeAll()
        anchors.removeAll()
    }

    private mutating func register(_ node: Node, anchor: UnsafeMutablePointer<yaml_char_t>?) {
        if let name = string(anchor) { anchors[name] = node }
    }

    /// Hands a finished node to its parent, or makes it the document's root.
    private mutating func complete(_ node: Node, built: Bool = true) {
        if built { result.nodesBuilt += 1 }
        guard !frames.isEmpty else {
            root = node
            return
        }
        let last = frames.count - 1
        frames[last].size += node.subtreeSize
        guard frames[last].isMapping else {
            frames[last].items.append(node)
            return
        }
        guard let key = frames[last].pendingKey else {
            if let problem = Self.duplicate(of: node, in: &frames[last]) { result.problems.append(problem) }
            frames[last].pendingTrie = nil
            let parentTrie = frames[last].trie ?? (last == 0 ? documentKind.flatMap(pruning.root(of:)) : nil)
            if let parentTrie, let text = node.scalar, let child = pruning.child(of: parentTrie, text) {
                if pruning.drops(child) {
                    frames[last].prunedKeys.append(node)
                    pruningNextValue = true
                    return
                }
                frames[last].pendingTrie = child
            }
            frames[last].pendingKey = node
            return
        }
        frames[last].pairs.append(Node.Pair(key: key, value: node))
        frames[last].pendingKey = nil
        if last == 0, !pruning.isEmpty, key.scalar == "kind" { documentKind = node.string }
    }

    /// The problem when `key` repeats an earlier key of the mapping being built.
    private static func duplicate(of key: Node, in frame: inout Frame) -> InputProblem? {
        guard let text = key.scalar else { return nil }
        var first: Node? = frame.prunedKeys.first { $0.scalar == text }
        if first != nil {
            // A duplicate of a pruned key.
        } else if frame.pairs.count < linearKeyScanLimit {
            first = frame.pairs.first { $0.key.scalar == text }?.key
        } else {
            if frame.keyIndex == nil {
                var index: [String: Int] = [:]
                for (offset, pair) in frame.pairs.enumerated() {
                    if let name = pair.key.scalar, index[name] == nil { index[name] = offset }
                }
                frame.keyIndex = index
            }
            if let offset = frame.keyIndex?[text] { first = frame.pairs[offset].key }
            // The key being checked becomes pair number `pairs.count` once its value arrives.
            if first == nil { frame.keyIndex?[text] = frame.pairs.count }
        }
        guard let first else { return nil }
        return InputProblem(
            kind: .duplicateKey,
            message: "duplicate key \"\(text)\" (first at line \(first.span.start.line), column \(first.span.start.column))",
            span: key.span)
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

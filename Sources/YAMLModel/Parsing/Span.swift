/// A position in a source file: 1-based line and 1-based column counted in Unicode code points,
/// the way libyaml counts them (SARIF calls this `unicodeCodePoints`).
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    // Stored in 32 bits: a span is then 16 bytes, and the index holds hundreds of thousands of
    // them (every label, selector and binding keeps where it was written). Files are capped far
    // below 2^31 lines or columns.
    private var storedLine: Int32
    private var storedColumn: Int32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = Int32(clamping: newValue) }
    }

    public init(line: Int, column: Int) {
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
    }

    /// The first character of a file, used for findings about a whole file (too large, binary).
    public static let fileStart = Mark(line: 1, column: 1)

    public static func < (lhs: Mark, rhs: Mark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// A region of a source file. `end` is exclusive: it is the position just after the last character,
/// which is what SARIF's `endColumn` means, so spans go to reporters unchanged.
public struct Span: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var start: Mark
    public var end: Mark

    public init(start: Mark, end: Mark) {
        self.start = start
        self.end = max(start, end)
    }

    /// A span of `length` code points on one line.
    public init(line: Int, column: Int, length: Int = 1) {
        self.init(start: Mark(line: line, column: column), end: Mark(line: line, column: column + max(length, 1)))
    }

    /// The smallest span covering both, e.g. a label's key through its value.
    public func union(_ other: Span) -> Span {
        Span(start: min(start, other.start), end: max(end, other.end))
    }

    public static let fileStart = Span(line: 1, column: 1)

    public static func < (lhs: Span, rhs: Span) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }

    public var description: String { "\(start)-\(end)" }
}

/// A value read from YAML together with where it was written, so that a rule reading it can point at it.
public struct Spanned<Value: Sendable>: Sendable {
    public let value: Value
    /// The span of the value itself.
    public let span: Span
    /// The span of the mapping key the value belongs to, when it belongs to one.
    public let keySpan: Span?

    public init(_ value: Value, span: Span, keySpan: Span? = nil) {
        self.value = value
        self.span = span
        self.keySpan = keySpan
    }

    /// From the key (when there is one) through the value: where a finding about an entry belongs.
    public var entrySpan: Span { keySpan.map { $0.union(span) } ?? span }
}

extension Spanned: Equatable where Value: Equatable {}
extension Spanned: Hashable where Value: Hashable {}

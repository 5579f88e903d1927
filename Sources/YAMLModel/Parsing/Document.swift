/// One document of a YAML stream (the text between `---` separators).
public struct Document: Sendable {
    public let root: Node
    /// Position in the stream, from 0, counting every document libyaml reported (empty ones too).
    public let index: Int
    public let span: Span
}

/// What parsing one file produced: the documents that parsed completely and the problems found.
///
/// A document cut short by a syntax error or a limit is dropped (its half-built tree would mislead
/// every rule); the documents before it are kept, and after a limit so are those after it.
public struct ParseResult: Sendable {
    public var documents: [Document] = []
    public var problems: [InputProblem] = []
    /// Nodes built from events: a measure of work that aliases cannot inflate.
    public var nodesBuilt = 0
    /// Nodes that aliases expanded to, in total (what `maxAliasExpansion` bounds).
    public var aliasExpansion = 0

    public init() {}
}

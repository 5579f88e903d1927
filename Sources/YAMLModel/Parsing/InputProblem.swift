/// Something wrong with an input file itself, found while reading or parsing it.
///
/// Each kind becomes a finding of its own rule (`yaml-syntax-error`, ...), placed at `span`;
/// the parser never throws, so one bad file never stops the scan of the others.
public struct InputProblem: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// libyaml refused the text, or a composed document is malformed (undefined alias).
        case syntaxError
        /// A mapping repeats a key; Kubernetes' decoders reject it or keep one silently.
        case duplicateKey
        /// A file size, nesting depth or alias expansion limit was exceeded.
        case limitExceeded
        /// The file is not text: NUL bytes or invalid UTF-8.
        case notText
        /// The file holds Helm (Go template) syntax and must be rendered first.
        case helmTemplate
        /// The scan's time limit ran out before the file was read, or while it was.
        case incomplete
        /// A kustomization read as a file: Kustomize did not build it, so what it applies
        /// (namespace, labels, patches) is not in the input as the cluster receives it.
        case kustomizationNotRendered
    }

    public let kind: Kind
    public let message: String
    public let span: Span

    public init(kind: Kind, message: String, span: Span) {
        self.kind = kind
        self.message = message
        self.span = span
    }
}

/// Bounds that keep hostile input from taking unbounded time or memory.
public struct ParseLimits: Sendable, Hashable {
    /// Largest file read, in bytes (default 64 MiB).
    public var maxFileSize: Int
    /// Deepest nesting of sequences and mappings (default 512).
    public var maxDepth: Int
    /// Most nodes that aliases of one file may expand to, in total (default 100,000).
    public var maxAliasExpansion: Int

    /// When the whole scan must stop (`--timeout`): a file not begun by then is not read, and one
    /// being read stops at its next few thousand events. nil: no limit.
    public var deadline: ContinuousClock.Instant?

    public init(
        maxFileSize: Int = 64 << 20, maxDepth: Int = 512, maxAliasExpansion: Int = 100_000,
        deadline: ContinuousClock.Instant? = nil
    ) {
        self.maxFileSize = maxFileSize
        self.maxDepth = maxDepth
        self.maxAliasExpansion = maxAliasExpansion
        self.deadline = deadline
    }

    /// True once the deadline has passed.
    public var isPastDeadline: Bool {
        guard let deadline else { return false }
        return ContinuousClock.now >= deadline
    }

    public static let `default` = ParseLimits()
}

extension InputProblem {
    /// A file the scan's time limit left unread, or read only up to `mark`.
    public static func timeLimitReached(at mark: Mark? = nil) -> InputProblem {
        guard let mark else {
            return InputProblem(
                kind: .incomplete, message: "not read: the scan's time limit (--timeout) ran out first; its findings are missing",
                span: .fileStart)
        }
        return InputProblem(
            kind: .incomplete,
            message: "read only to line \(mark.line): the scan's time limit (--timeout) ran out; the findings of the rest are missing",
            span: Span(start: mark, end: mark))
    }
}

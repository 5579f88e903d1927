/// When the scan must stop (`--timeout`), as a rule sees it. A rule whose work grows with the
/// input (a custom rule over every resource, access cases through the evaluator) asks between
/// units of work and returns what it has; the linter then reports it as stopped, and the scan as
/// incomplete, never as complete.
public struct Deadline: Sendable {
    public let instant: ContinuousClock.Instant?

    public static let none = Deadline(nil)

    public init(_ instant: ContinuousClock.Instant?) {
        self.instant = instant
    }

    public var hasPassed: Bool {
        guard let instant else { return false }
        return ContinuousClock.now >= instant
    }
}

import YAMLModel

/// Facts rules need that manifests do not hold, from the configuration file.
public struct LintSettings: Sendable {
    /// The audiences an identity provider puts in its tokens, declared in `.meshlint.yaml`
    /// (`identity.audiences`), keyed by issuer URL or by `service.namespace`.
    public var expectedAudiences: [String: ExpectedAudiences]
    /// The configuration's `ignore` entries, expired ones included (a rule reports those).
    public var ignores: [IgnoreEntry]
    /// The day the scan runs, for `expires` dates.
    public var today: CalendarDate
    /// `identity.requireJWT`: every HTTP request through a waypoint must carry a validated JWT,
    /// so a waypoint serving HTTP without a RequestAuthentication is a gap even where no manifest
    /// mentions tokens.
    public var requireJWT = false

    public init(
        expectedAudiences: [String: ExpectedAudiences] = [:], ignores: [IgnoreEntry] = [],
        today: CalendarDate = CalendarDate(year: 2026, month: 1, day: 1)
    ) {
        self.expectedAudiences = expectedAudiences
        self.ignores = ignores
        self.today = today
    }
}

/// Audiences declared for an issuer or a service, and where the declaration is written.
public struct ExpectedAudiences: Sendable {
    public let values: [String]
    /// The configuration file and the span of the entry, for related locations.
    public let file: String?
    public let span: Span?

    public init(values: [String], file: String? = nil, span: Span? = nil) {
        self.values = values
        self.file = file
        self.span = span
    }
}

import YAMLModel

/// Facts rules need that manifests do not hold, from the configuration file.
public struct LintSettings: Sendable {
    /// The audiences an identity provider puts in its tokens, declared in `.meshlint.yaml`
    /// (`identity.audiences`), keyed by issuer URL or by `service.namespace`.
    public var expectedAudiences: [String: ExpectedAudiences]

    public init(expectedAudiences: [String: ExpectedAudiences] = [:]) {
        self.expectedAudiences = expectedAudiences
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

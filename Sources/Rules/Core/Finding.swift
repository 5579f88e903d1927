import YAMLModel

/// The identity of a resource as findings name it: `Kind namespace/name`.
public struct ResourceRef: Sendable, Hashable {
    public let apiVersion: String
    public let kind: String
    /// nil for cluster-scoped kinds.
    public let namespace: String?
    public let name: String

    public init(apiVersion: String, kind: String, namespace: String?, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public init(_ resource: Resource) {
        self.init(apiVersion: resource.apiVersion, kind: resource.kind, namespace: resource.namespace, name: resource.name)
    }

    public var display: String {
        namespace.map { "\(kind) \($0)/\(name)" } ?? "\(kind) \(name)"
    }
}

/// Another place that explains a finding: the waypoint, the policy, the namespace label.
public struct RelatedLocation: Sendable, Hashable {
    public let message: String
    public let file: String
    public let span: Span
    public let resource: ResourceRef?

    public init(message: String, file: String, span: Span, resource: ResourceRef?) {
        self.message = message
        self.file = file
        self.span = span
        self.resource = resource
    }

    /// A location in `resource`, described by `message`.
    public init(_ message: String, in resource: Resource, at span: Span? = nil) {
        self.init(message: message, file: resource.file, span: span ?? resource.nameSpan, resource: ResourceRef(resource))
    }
}

/// One problem found: which rule, how serious, where exactly, about what, and how to fix it.
public struct Finding: Sendable, Hashable {
    public let ruleID: String
    public var severity: Severity
    public let message: String
    public let file: String
    public let span: Span
    /// nil for a finding about no single resource (a syntax error).
    public let resource: ResourceRef?
    public let related: [RelatedLocation]
    public let remediation: String

    public init(
        ruleID: String, severity: Severity, message: String, file: String, span: Span,
        resource: ResourceRef?, related: [RelatedLocation] = [], remediation: String
    ) {
        self.ruleID = ruleID
        self.severity = severity
        self.message = message
        self.file = file
        self.span = span
        self.resource = resource
        self.related = related
        self.remediation = remediation
    }

    /// The order of every report: file, line, column, then rule, then message for ties.
    public static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        (lhs.file, lhs.span.start.line, lhs.span.start.column, lhs.ruleID, lhs.message)
            < (rhs.file, rhs.span.start.line, rhs.span.start.column, rhs.ruleID, rhs.message)
    }
}

import YAMLModel

/// Everything known about a rule apart from its logic: what `meshlint rules` and `explain` print,
/// what SARIF's `tool.driver.rules` carries, and the examples the test suite runs.
public struct RuleDescription: Sendable {
    /// Stable, kebab-case, never reused.
    public let id: String
    /// A short title, e.g. "Ambient namespace without default deny".
    public let name: String
    /// One sentence: what the rule finds.
    public let summary: String
    /// Why it matters in an ambient mesh.
    public let rationale: String
    /// The generic fix; findings may give a more specific one.
    public let remediation: String
    public let severity: Severity
    /// What part of the mesh the rule is about: `meshlint rules` groups by it.
    public let area: RuleArea
    /// Keywords for filtering (SARIF `properties.tags`); `security` marks a security rule.
    public let tags: [String]
    /// For security rules, how serious a finding is, 0.1 to 10.0 (CVSS-like: critical above 9.0,
    /// high from 7.0, medium from 4.0, low below): GitHub code scanning ranks alerts by it.
    public let securitySeverity: Double?
    /// How often a finding is a true problem.
    public let precision: Precision
    /// istio.io (or other authoritative) pages backing the rule's semantics.
    public let references: [String]
    /// The kinds the rule reads.
    public let inputs: [GroupKind]
    /// YAML that must trigger the rule exactly where `↓` marks.
    public let triggeringExamples: [Example]
    /// YAML that must not trigger the rule.
    public let nonTriggeringExamples: [Example]

    public init(
        id: String, name: String, summary: String, rationale: String, remediation: String, severity: Severity,
        area: RuleArea, tags: [String], securitySeverity: Double? = nil, precision: Precision,
        references: [String] = [], inputs: [GroupKind] = [],
        triggeringExamples: [Example], nonTriggeringExamples: [Example]
    ) {
        self.id = id
        self.name = name
        self.summary = summary
        self.rationale = rationale
        self.remediation = remediation
        self.severity = severity
        self.area = area
        self.tags = tags
        self.securitySeverity = securitySeverity
        self.precision = precision
        self.references = references
        self.inputs = inputs
        self.triggeringExamples = triggeringExamples
        self.nonTriggeringExamples = nonTriggeringExamples
    }
}

/// The part of the mesh a rule is about.
public enum RuleArea: String, Sendable, CaseIterable {
    /// Which namespaces and pods are in ambient, and with which data plane.
    case enrollment = "Enrollment"
    /// Waypoints: binding, listeners, traffic types, scaling, ingress.
    case waypoints = "Waypoints"
    /// AuthorizationPolicy: where it is enforced and what it admits.
    case authorization = "Authorization"
    /// RequestAuthentication and JWTs; PeerAuthentication (mTLS).
    case authentication = "Authentication"
    /// The mesh's installation: versions of Istio and the Gateway API.
    case platform = "Platform"
    /// The input itself: YAML, files, MeshLint's own annotations and configuration.
    case input = "Input"
}

/// How often a rule's findings are true problems (SARIF's `precision` property).
public enum Precision: String, Sendable {
    /// The finding follows from the manifests alone, by Istio's own semantics.
    case veryHigh = "very-high"
    case high
    /// Depends on facts the manifests may not hold (what a client does, what a token carries).
    case medium
    case low
}

/// A YAML input for a rule's example test. In a triggering example, `↓` marks the first character
/// of each node a finding must start at; the marker is removed before parsing.
public struct Example: Sendable {
    public static let marker: Character = "↓"

    public let yaml: String
    public let rootNamespace: String
    public let limits: ParseLimits
    /// Configuration the example runs with (e.g. declared audiences).
    public let settings: LintSettings
    /// A `.meshlint.yaml` the example runs with, which may carry `↓` markers of its own (a finding
    /// about the configuration itself lands in that file). Read by the example tests, which use the
    /// configuration parser; it replaces `settings` and `rootNamespace` when given.
    public let configuration: String?
    /// The day the example runs on, for `expires` dates in its configuration.
    public let today: CalendarDate
    /// Where the example is written, so a failing example points at its own line in the rule file.
    public let fileID: String
    public let filePath: String
    public let line: Int
    public let column: Int

    public init(
        _ yaml: String, rootNamespace: String = WellKnown.defaultRootNamespace, limits: ParseLimits = .default,
        settings: LintSettings = LintSettings(), configuration: String? = nil,
        today: CalendarDate = CalendarDate(year: 2026, month: 6, day: 1),
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
    ) {
        self.yaml = yaml
        self.rootNamespace = rootNamespace
        self.limits = limits
        self.settings = settings
        self.configuration = configuration
        self.today = today
        self.fileID = fileID
        self.filePath = filePath
        self.line = line
        self.column = column
    }

    /// The YAML without markers, and the positions the markers stood at.
    public var unmarked: (yaml: String, marks: [Mark]) { Self.unmark(yaml) }

    /// Any text without markers, and the positions the markers stood at.
    public static func unmark(_ yaml: String) -> (yaml: String, marks: [Mark]) {
        // Bytes, not Characters: comparing Characters normalises each one, and rule documentation
        // unmarks every example on every SARIF report.
        let markerBytes = Array(String(marker).utf8)
        let bytes = Array(yaml.utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count)
        var marks: [Mark] = []
        var line = 1
        var column = 1
        var offset = 0
        while offset < bytes.count {
            if bytes[offset] == markerBytes[0], bytes[offset...].starts(with: markerBytes) {
                marks.append(Mark(line: line, column: column))
                offset += markerBytes.count
                continue
            }
            let byte = bytes[offset]
            text.append(byte)
            offset += 1
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1  // columns count code points: continuation bytes add none
            }
        }
        return marks.isEmpty ? (yaml, []) : (String(decoding: text, as: UTF8.self), marks)
    }
}

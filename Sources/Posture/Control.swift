import YAMLModel

/// The controls the posture report checks in every namespace, in the order of its matrix.
public enum ControlID: String, Sendable, CaseIterable {
    case dataplane
    case mtls
    case defaultDeny = "default-deny"
    case waypoint
    case jwtValidation = "jwt-validation"
    case tokenRequired = "token-required"
    case l7Policies = "l7-policies"

    /// The column heading.
    public var title: String {
        switch self {
        case .dataplane: "Data plane"
        case .mtls: "mTLS"
        case .defaultDeny: "Default deny"
        case .waypoint: "Waypoint"
        case .jwtValidation: "JWT validation"
        case .tokenRequired: "Token required"
        case .l7Policies: "L7 policies"
        }
    }

    /// The built-in rules whose findings show that this control is missing or weak.
    public var rules: [String] {
        switch self {
        case .dataplane: ["conflicting-dataplane-labels", "waypoint-label-without-ambient"]
        case .mtls: ["peer-authentication-not-strict"]
        case .defaultDeny: ["ambient-namespace-without-default-deny", "overly-broad-allow", "empty-selector-in-ambient", "waypoint-admits-any-identity"]
        case .waypoint: ["singleton-waypoint", "unknown-waypoint", "waypoint-traffic-type-mismatch", "waypoint-listener-invalid", "waypoint-bypass-possible", "ingress-bypasses-waypoint", "waypoint-bypassed-by-sidecar-callers"]
        case .jwtValidation: ["waypoint-without-request-authentication", "jwt-audience-mismatch", "jwt-audience-unrestricted", "jwt-issuer-jwks-mismatch", "request-authentication-without-waypoint"]
        case .tokenRequired: ["jwt-not-required"]
        case .l7Policies: ["l7-policy-without-waypoint", "authorization-policy-invalid", "policy-target-invalid", "jwt-scope-claim-not-split"]
        }
    }
}

/// How far a namespace meets a control. Reports show each with a symbol *and* a word, never by
/// colour alone.
public enum ControlState: String, Sendable {
    case met
    case partial
    case missing
    /// The control does not apply (mTLS policy in a namespace outside the mesh, say).
    case notApplicable = "not-applicable"

    public var symbol: String {
        switch self {
        case .met: "✔"
        case .partial: "◐"
        case .missing: "✘"
        case .notApplicable: "–"
        }
    }
}

/// A resource that provides (or weakens) a control, and where.
public struct Evidence: Sendable, Equatable {
    /// `Kind namespace/name`.
    public let resource: String
    public let file: String
    public let line: Int
    public let column: Int
    /// What this resource contributes: "sets mode STRICT", "a namespace-wide ALLOW with no rules".
    public let detail: String

    public init(resource: String, file: String, line: Int, column: Int, detail: String) {
        self.resource = resource
        self.file = file
        self.line = line
        self.column = column
        self.detail = detail
    }

    public init(_ detail: String, in resource: Resource, at span: Span? = nil) {
        let mark = (span ?? resource.nameSpan).start
        self.init(
            resource: "\(resource.kind) " + (resource.namespace.map { "\($0)/" } ?? "") + resource.name,
            file: resource.origin.file, line: mark.line, column: mark.column, detail: detail)
    }

    public var location: String { "\(file):\(line):\(column)" }
}

/// One control of one namespace: its state, the word a cell shows, and the evidence.
public struct Control: Sendable {
    public let id: ControlID
    public var state: ControlState
    /// The word (or short phrase) shown in the matrix: "STRICT", "mesh-wide", "ledger-waypoint ×2".
    public let value: String
    /// A sentence saying why the state is what it is.
    public var explanation: String
    public var evidence: [Evidence]
    /// Findings in the namespace from the rules that bear on this control (fingerprints).
    public var findings: [String] = []
}

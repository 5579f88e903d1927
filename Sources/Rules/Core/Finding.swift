import YAMLModel

/// The identity of a resource as findings name it: `Kind namespace/name`.
public struct ResourceRef: Sendable, Hashable {
    public let apiVersion: String
    public let kind: String
    /// nil for cluster-scoped kinds.
    public let namespace: String?
    public let name: String

    public init(apiVersion: String, kind: String, namespace: String?, name: String) {
        // Kubernetes names are at most 253 characters; a longer one is hostile input, cut so that
        // no report carries it whole.
        self.apiVersion = Finding.capped(apiVersion, to: Self.maxFieldLength)
        self.kind = Finding.capped(kind, to: Self.maxFieldLength)
        self.namespace = namespace.map { Finding.capped($0, to: Self.maxFieldLength) }
        self.name = Finding.capped(name, to: Self.maxFieldLength)
    }

    static let maxFieldLength = 1_000

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
        self.message = Finding.capped(message, to: Finding.maxMessageLength)
        self.file = file
        self.span = span
        self.resource = resource
    }

    /// A location in `resource`, described by `message`.
    public init(_ message: String, in resource: Resource, at span: Span? = nil) {
        self.init(
            message: message, file: resource.file, span: resource.reportSpan(span ?? resource.nameSpan),
            resource: ResourceRef(resource))
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
    /// Where in the resource the finding points (`spec.rules[0].to[0].operation.methods`), when it
    /// points inside one.
    public let fieldPath: String?
    /// The resource's place in the input, for suppression annotations.
    public let origin: ResourceOrigin?
    /// In changed-files mode: reported because the change caused it, though it lands elsewhere.
    public var viaChange = false
    /// A note because the input may not hold what the rule looked for (`Absence.notInInput`): a
    /// severity override for the rule does not raise it, since nothing was proven.
    public var isInconclusive = false
    /// The secret values of the finding's resource (`SecretValues`): its message and fix never
    /// carry them, and a report that quotes the source line hides them there too.
    public var secretValues: [String] = []
    /// The environments (Kustomize roots) the finding was found in; empty for plain files.
    public var environments: [String] = []

    public init(
        ruleID: String, severity: Severity, message: String, file: String, span: Span,
        resource: ResourceRef?, related: [RelatedLocation] = [], remediation: String, fieldPath: String? = nil,
        origin: ResourceOrigin? = nil
    ) {
        self.ruleID = ruleID
        self.severity = severity
        self.message = Finding.capped(message, to: Finding.maxMessageLength)
        self.file = file
        self.span = span
        self.resource = resource
        self.related = related
        self.remediation = Finding.capped(remediation, to: Finding.maxRemediationLength)
        self.fieldPath = fieldPath.map { Finding.capped($0, to: Finding.maxMessageLength) }
        self.origin = origin
    }

    /// Messages and fixes quote values from the input (a name, an audience, a path). These caps
    /// keep a finding about a ten-megabyte scalar from carrying it into every report, and into a
    /// SARIF file that others may read.
    public static let maxMessageLength = 2_000
    public static let maxRemediationLength = 8_000

    /// `text` cut to at most `limit` UTF-8 bytes, between two code points, saying how much was cut.
    static func capped(_ text: String, to limit: Int) -> String {
        let count = text.utf8.count
        guard count > limit else { return text }
        let marker = "… (\(count) bytes, cut)"
        let budget = max(limit - marker.utf8.count, 0)
        let scalars = text.unicodeScalars
        var used = 0
        var end = scalars.startIndex
        // Stops at the budget: a ten-megabyte message costs no more than a short one.
        for index in scalars.indices {
            let width = UTF8.width(scalars[index])
            if used + width > budget { break }
            used += width
            end = scalars.index(after: index)
        }
        return String(scalars[..<end]) + marker
    }

    /// The same finding placed at another location (changed-files mode moves it into a changed file).
    public func moved(to file: String, span: Span) -> Finding {
        copy(file: file, span: span)
    }

    /// This finding with one more related location.
    public func adding(related location: RelatedLocation) -> Finding {
        copy(related: related + [location])
    }

    /// This finding as a note, with `sentence` (why it is only one) added to its message: it
    /// proved nothing, so a severity override of its rule does not raise it.
    public func noted(_ sentence: String) -> Finding {
        var note = copy(severity: .note, message: message + " " + sentence)
        note.isInconclusive = true
        return note
    }

    /// This finding as a note saying that the object it looked for may be defined outside the
    /// input, and how to declare namespace `namespace` complete so that its absence counts.
    public func inconclusive(namespace: String) -> Finding {
        noted(Self.notInInputSentence(namespace: namespace))
    }

    /// This finding placed elsewhere (a rendered object's source), or in other environments.
    public func relocated(
        file: String? = nil, span: Span? = nil, message: String? = nil, related: [RelatedLocation]? = nil, environments: [String]? = nil
    ) -> Finding {
        var moved = copy(message: message, file: file, span: span, related: related)
        if let environments { moved.environments = environments }
        return moved
    }

    /// A copy with some fields replaced; the flags carry over.
    private func copy(
        severity: Severity? = nil, message: String? = nil, file: String? = nil, span: Span? = nil,
        related: [RelatedLocation]? = nil
    ) -> Finding {
        var copy = Finding(
            ruleID: ruleID, severity: severity ?? self.severity, message: message ?? self.message, file: file ?? self.file,
            span: span ?? self.span, resource: resource, related: related ?? self.related, remediation: remediation,
            fieldPath: fieldPath, origin: origin)
        copy.viaChange = viaChange
        copy.isInconclusive = isInconclusive
        copy.secretValues = secretValues
        copy.environments = environments
        return copy
    }

    /// Why an absence is only a note, and how to make it count.
    public static func notInInputSentence(namespace: String) -> String {
        if namespace == "*" {
            return "Only a note: the input may hold just part of the mesh (the object can be defined in another "
                + "repository); if it holds all of it, declare that with `complete: [\"*\"]` in .meshlint.yaml or `--complete '*'`."
        }
        return notInNamespaceSentence(namespace)
    }

    private static func notInNamespaceSentence(_ namespace: String) -> String {
        "Only a note: the input may hold just part of namespace \(namespace) "
            + "(the object can be defined in another repository); if it holds all of it, declare that with "
            + "`complete: [\(namespace)]` in .meshlint.yaml or `--complete \(namespace)`."
    }

    /// A stable identity for the finding that does not change when lines move: a hash of the rule,
    /// the resource (kind, namespace/name) and the field path. A finding about no resource (an input
    /// problem) uses the file and its message without numbers.
    public var fingerprint: String {
        let identity: String
        if let resource {
            identity = [ruleID, resource.kind, resource.namespace ?? "", resource.name, fieldPath ?? ""].joined(separator: "|")
        } else {
            identity = [ruleID, file, String(message.filter { !$0.isNumber })].joined(separator: "|")
        }
        return Fingerprint.hex(of: identity)
    }

    /// The order of every report: file, line, column, then rule, then message for ties.
    public static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        (lhs.file, lhs.span.start.line, lhs.span.start.column, lhs.ruleID, lhs.message)
            < (rhs.file, rhs.span.start.line, rhs.span.start.column, rhs.ruleID, rhs.message)
    }
}

/// A 128-bit FNV-1a hash in hex: stable across runs, platforms and versions (Swift's `Hasher` is
/// seeded per process, so it cannot be used for anything stored).
public enum Fingerprint {
    public static func hex(of text: String) -> String {
        var high: UInt64 = 0x6c62272e07bb0142
        var low: UInt64 = 0x62b821756295c58d
        for byte in text.utf8 {
            low ^= UInt64(byte)
            // Multiply the 128-bit state by the FNV-128 prime 2^88 + 0x13B.
            let (carry, productLow) = low.multipliedFullWidth(by: 0x13B)
            high = high &* 0x13B &+ carry &+ (low << 24)
            low = productLow
        }
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

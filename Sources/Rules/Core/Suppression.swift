import YAMLModel

/// A day, as `expires` dates in the configuration are written (`2026-12-31`).
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `YYYY-MM-DD`; nil for anything else, or an impossible date.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...CalendarDate.days(inMonth: month, year: year)).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(width - text.count, 0)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// `Kind namespace/name` (or `Kind name` for cluster-scoped kinds), each part a glob:
/// `AuthorizationPolicy payments/*`, `* legacy/*`.
public struct ResourcePattern: Sendable, Hashable, CustomStringConvertible {
    public let kind: Glob
    public let namespace: Glob?
    public let name: Glob

    /// Reads a pattern; nil when it is not `Kind name` or `Kind namespace/name`.
    public init?(_ text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        kind = Glob(String(parts[0]))
        let target = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        switch target.count {
        case 1:
            namespace = nil
            name = Glob(String(target[0]))
        case 2:
            namespace = Glob(String(target[0]))
            name = Glob(String(target[1]))
        default:
            return nil
        }
    }

    public var description: String {
        "\(kind) " + (namespace.map { "\($0)/" } ?? "") + "\(name)"
    }

    public func matches(_ resource: ResourceRef) -> Bool {
        guard kind.matches(resource.kind), name.matches(resource.name) else { return false }
        switch (namespace, resource.namespace) {
        case (nil, nil): return true
        case (let pattern?, let value?): return pattern.matches(value)
        case (let pattern?, nil): return pattern.pattern == "*"
        case (nil, _?): return false
        }
    }
}

/// One `ignore` entry of the configuration: which findings it suppresses, why, until when.
public struct IgnoreEntry: Sendable {
    /// A rule id, or nil for every rule.
    public let rule: String?
    public let resource: ResourcePattern?
    public let paths: [Glob]
    public let reason: String
    public let expires: CalendarDate?
    /// Where the entry is written: the configuration file and the spans of the entry and its `expires`.
    public let file: String
    public let span: Span
    public let expiresSpan: Span?

    public init(
        rule: String?, resource: ResourcePattern?, paths: [Glob], reason: String, expires: CalendarDate?,
        file: String, span: Span, expiresSpan: Span?
    ) {
        self.rule = rule
        self.resource = resource
        self.paths = paths
        self.reason = reason
        self.expires = expires
        self.file = file
        self.span = span
        self.expiresSpan = expiresSpan
    }

    /// What the entry suppresses, as one comparable text: `rule <id|*> resource <pattern> paths <globs>`.
    public var identity: String {
        "rule \(rule ?? "*") resource \(resource?.description ?? "*") paths \(paths.isEmpty ? "*" : paths.map(\.pattern).joined(separator: ","))"
    }

    /// True once `expires` has passed (the entry is valid through that day).
    public func isExpired(on today: CalendarDate) -> Bool {
        expires.map { $0 < today } ?? false
    }

    /// True when the entry covers the finding: every criterion it sets matches.
    public func matches(_ finding: Finding) -> Bool {
        if let rule, rule != finding.ruleID { return false }
        if let resource {
            guard let ref = finding.resource, resource.matches(ref) else { return false }
        }
        if !paths.isEmpty, !paths.contains(where: { $0.matches(finding.file) }) { return false }
        return true
    }
}

/// The annotation that suppresses a rule on one resource: `ignore.meshlint.io/<rule-id>: "<reason>"`.
public enum SuppressionAnnotation {
    public static let prefix = "ignore.meshlint.io/"

    /// The rule ids a resource's annotations name, with the reason (possibly empty) and its spans.
    public static func entries(of resource: Resource) -> [(ruleID: String, entry: Spanned<String>.Entry)] {
        resource.annotations.entries(withKeyPrefix: prefix).map { entry in
            (String(entry.key.dropFirst(prefix.count)), entry)
        }
    }

    /// The reason a resource gives for suppressing `ruleID`, when it gives a non-empty one.
    public static func reason(for ruleID: String, on resource: Resource) -> Spanned<String>.Entry? {
        guard let entry = resource.annotations[prefix + ruleID] else { return nil }
        return entry.value.trimmingWhitespace.isEmpty ? nil : entry
    }
}

extension String {
    var trimmingWhitespace: String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed())
    }
}

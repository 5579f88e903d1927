import Posture
import Rules
import YAMLModel

/// What the Markdown and HTML renderings of the posture report share: anchors, cell texts, the
/// order of sections, so that the two say the same things.
extension PostureReport {
    /// The fragment id of one control's evidence: `ev-<namespace>-<control>`.
    static func evidenceAnchor(_ namespace: String, _ control: ControlID) -> String { "ev-\(anchorSafe(namespace))-\(control.rawValue)" }
    static func namespaceAnchor(_ namespace: String) -> String { "ns-\(anchorSafe(namespace))" }
    static func findingsAnchor(_ namespace: String) -> String { "findings-\(namespace.isEmpty ? "cluster" : anchorSafe(namespace))" }

    /// A name as it may stand in an id and a `#fragment`: a Kubernetes name (lower-case letters,
    /// digits, `-`, `.`) unchanged, any other byte as `_` and two hex digits. A hostile name (quotes,
    /// angle brackets, spaces) thus cannot leave the attribute or the Markdown link it is put in,
    /// and two different names never share an anchor.
    static func anchorSafe(_ name: String) -> String {
        var result = ""
        result.reserveCapacity(name.utf8.count)
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16)
                result += "_" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    /// A matrix cell: symbol and word, never the colour alone.
    static func cell(_ control: Control) -> String { "\(control.state.symbol) \(control.value)" }

    static func callers(_ count: Int) -> String { count == 1 ? "1 caller" : "\(count) callers" }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "–" : "\((part * 100 + whole / 2) / whole)%"
    }

    /// The namespaces of the matrix in groups: by data plane mode, ambient first.
    var namespaceGroups: [(title: String, namespaces: [NamespacePosture])] {
        let order: [(DataplaneMode, String)] = [
            (.ambient, "Ambient namespaces"), (.sidecar, "Sidecar namespaces"), (.none, "Namespaces outside the mesh"),
            (.unknown, "Namespaces whose object is not in the input"),
        ]
        return order.compactMap { mode, title in
            let members = namespaces.filter { $0.dataplaneMode == mode }
            return members.isEmpty ? nil : (title, members)
        }
    }

    var modeCounts: String {
        summary.namespacesByMode.map { "\($0.count) \($0.mode.rawValue)" }.joined(separator: ", ")
    }

    /// Findings by fingerprint, to show the findings a control's evidence points to.
    var findingsByFingerprint: [String: ReportFinding] {
        Dictionary(findings.map { ($0.fingerprint, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// How many callers an access row names before "and N more".
    static let callersShown = 12

    /// One group of callers of an access row, as a sentence: who, then what gets through.
    static func describe(_ group: AccessGroup) -> String {
        var who: [String]
        if group.anyIdentity {
            // The group counts the synthetic "any other mesh identity" too; the input's are the rest.
            who = ["any mesh identity (\(group.count - group.callers.count - 1) of the input)"] + group.callers
        } else {
            who = Array(group.callers.prefix(callersShown))
            if group.callers.count > callersShown { who.append("and \(group.callers.count - callersShown) more") }
        }
        return who.joined(separator: ", ") + ": " + group.allowedWhen.joined(separator: "; ")
    }
}

extension PostureReport.ReportFinding {
    var firstLine: String { String(message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "") }
    var rest: String? {
        let parts = message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count > 1 ? String(parts[1]) : nil
    }
    var location: String { "\(file):\(line):\(column)" }
}

/// A rendering of the posture report: one method per section, called in one order by `sections`.
protocol PostureRendering {
    var comparison: PostureComparison? { get }
    func summary(_ out: inout [String])
    func change(_ comparison: PostureComparison, _ out: inout [String])
    func matrix(_ out: inout [String])
    func evidence(_ out: inout [String])
    func access(_ out: inout [String])
    func migration(_ out: inout [String])
    func expectations(_ out: inout [String])
    func compliance(_ out: inout [String])
    func findings(_ out: inout [String])
}

extension PostureRendering {
    /// Every section after the header, in the report's order.
    func sections(_ out: inout [String]) {
        summary(&out)
        if let comparison { change(comparison, &out) }
        matrix(&out)
        evidence(&out)
        access(&out)
        migration(&out)
        expectations(&out)
        compliance(&out)
        findings(&out)
    }
}

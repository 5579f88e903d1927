/// How serious a finding is. `error`: a gap or breakage certain from the input; `warning`: likely
/// wrong, or a posture gap; `note`: worth knowing.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

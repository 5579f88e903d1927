/// How long each stage of a command took, and each rule, for `--timings`: where a slow scan
/// spends its time, and which of a team's own rules is the expensive one.
struct Timings {
    private(set) var stages: [(name: String, duration: Duration, peakResident: Int?)] = []
    var rules: [(id: String, duration: Duration)] = []
    /// Facts printed after the stages (what the parsed files keep).
    var notes: [String] = []
    private let clock = ContinuousClock()
    /// Whether anyone will read the figures: reading peak memory costs a read of /proc per stage,
    /// and the notes a pass over every file, which a scan without `--timings` should not pay.
    let isReported: Bool

    init(reported: Bool = true) {
        isReported = reported
    }

    /// Runs `work`, recording its duration under `name`.
    mutating func measure<T>(_ name: String, _ work: () throws -> T) rethrows -> T {
        let start = clock.now
        defer { record(name, start.duration(to: clock.now)) }
        return try work()
    }

    mutating func record(_ name: String, _ duration: Duration) {
        stages.append((name, duration, isReported ? ResidentMemory.current()?.peak : nil))
    }

    /// Adds a note, made only when the figures are reported.
    mutating func note(_ text: @autoclosure () -> String) {
        if isReported { notes.append(text()) }
    }

    /// The table printed to standard error: stages in order, then the slowest rules.
    func report(slowestRules count: Int = 10) -> String {
        var lines = ["timings (wall milliseconds; peak resident memory so far):"]
        for (name, duration, peak) in stages {
            let memory = peak.map { String(repeating: " ", count: max(0, 6 - String($0 >> 20).count)) + "\($0 >> 20) MB" } ?? "     ? MB"
            lines.append("  \(Self.milliseconds(duration))  \(memory)  \(name)")
        }
        lines += notes
        if !rules.isEmpty {
            let total = rules.reduce(Duration.zero) { $0 + $1.duration }
            lines.append("rules (CPU time on all cores \(Self.milliseconds(total)) ms; the \(min(count, rules.count)) slowest):")
            for (id, duration) in rules.sorted(by: { $0.duration > $1.duration || ($0.duration == $1.duration && $0.id < $1.id) }).prefix(count) {
                lines.append("  \(Self.milliseconds(duration))  \(id)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let tenths = Int(seconds) * 10_000 + Int(attoseconds / 100_000_000_000_000)
        let text = "\(tenths / 10).\(tenths % 10)"
        return String(repeating: " ", count: max(0, 8 - text.count)) + text
    }
}

import MeshLintConfig
import Rules

/// What the configuration changed about a scan, shown in the text, Markdown and SARIF reports: a
/// `.meshlint.yaml` comes with the pull request, and a scan it silenced (`exclude: ["**"]`, every
/// rule disabled, a blanket `ignore`, an edited baseline) must say so where people look, not
/// report "no findings".
struct EffectiveConfiguration {
    /// The configuration file read (display path), if any.
    var file: String?
    /// `--no-nested-config`: only the file given with `--config` (or none) counts.
    var pinned = false
    /// Rules that did not run, by id.
    var disabled: [String] = []
    /// Rules whose severity the configuration changed: from their own, to the configured one.
    var relevelled: [(rule: String, from: Severity, to: Severity)] = []
    var ignoreEntries = 0
    var excludePatterns: [String] = []
    var baselineFile: String?
    /// Things a reader must know about how the configuration was chosen: a nested `.meshlint.yaml`
    /// that replaced its parent, a repository configuration set aside for a pinned one.
    var notices: [String] = []

    init() {}

    init(configuration: Configuration, rules: [RuleDescription], disabled: Set<String>, baseline: String?, pinned: Bool, notices: [String]) {
        file = configuration.path
        self.pinned = pinned
        self.disabled = disabled.sorted()
        let defaults = Dictionary(rules.map { ($0.id, $0.severity) }, uniquingKeysWith: { first, _ in first })
        relevelled = configuration.rules.compactMap { id, setting in
            guard let to = setting.severity, let from = defaults[id], from != to, !disabled.contains(id) else { return nil }
            return (id, from, to)
        }.sorted { $0.rule < $1.rule }
        ignoreEntries = configuration.ignores.count
        excludePatterns = configuration.exclude.map(\.pattern)
        baselineFile = baseline
        self.notices = notices
    }

    /// Nothing in effect beyond the defaults, and nothing hidden.
    func isQuiet(_ summary: Scanner.Summary) -> Bool {
        file == nil && disabled.isEmpty && relevelled.isEmpty && ignoreEntries == 0 && excludePatterns.isEmpty
            && baselineFile == nil && notices.isEmpty && summary.suppressed == 0 && summary.baselined == 0 && summary.excluded == 0
    }

    /// One line per fact, for the text and Markdown reports (values are escaped by the caller).
    func lines(_ summary: Scanner.Summary) -> [String] {
        var lines: [String] = []
        lines.append("configuration: " + (file.map { $0 + (pinned ? " (pinned: --no-nested-config)" : "") }
            ?? (pinned ? "none (pinned: --no-nested-config)" : "none")))
        if !disabled.isEmpty { lines.append("rules disabled (\(disabled.count)): " + Self.listed(disabled)) }
        if !relevelled.isEmpty {
            lines.append("severities changed (\(relevelled.count)): "
                + Self.listed(relevelled.map { "\($0.rule) \($0.from.rawValue) -> \($0.to.rawValue)" }))
        }
        if ignoreEntries > 0 || summary.suppressed > 0 {
            lines.append("suppressed: \(summary.suppressed) finding\(summary.suppressed == 1 ? "" : "s") "
                + "(\(ignoreEntries) ignore entr\(ignoreEntries == 1 ? "y" : "ies") in the configuration, and annotations)")
        }
        if !excludePatterns.isEmpty || summary.excluded > 0 {
            lines.append("excluded: \(summary.excluded) file\(summary.excluded == 1 ? "" : "s") not read "
                + "(exclude: \(excludePatterns.isEmpty ? "none" : Self.listed(excludePatterns)))")
        }
        if let baselineFile {
            lines.append("baselined: \(summary.baselined) finding\(summary.baselined == 1 ? "" : "s") hidden by \(baselineFile)")
        }
        lines += notices.map { "notice: " + $0 }
        return lines
    }

    private static func listed(_ items: [String]) -> String {
        items.count <= 12 ? items.joined(separator: ", ") : items.prefix(12).joined(separator: ", ") + " and \(items.count - 12) more"
    }
}

/// How a repository's own `.meshlint.yaml` weakens a pinned one (`--config FILE --no-nested-config`):
/// each way is a reason to fail the run, since the pull request may have written it.
enum ConfigurationWeakening {
    static func reasons(repository: Configuration, pinned: Configuration, rules: [RuleDescription]) -> [String] {
        let defaults = Dictionary(rules.map { ($0.id, $0.severity) }, uniquingKeysWith: { first, _ in first })
        var reasons: [String] = []
        for (id, setting) in repository.rules.sorted(by: { $0.key < $1.key }) {
            let pinnedSetting = pinned.rules[id]
            if setting.enabled == false && pinnedSetting?.enabled != false {
                reasons.append("it disables rule \(id), which the pinned configuration runs")
            }
            if let lowered = setting.severity, let current = pinnedSetting?.severity ?? defaults[id], lowered < current {
                reasons.append("it lowers rule \(id) from \(current.rawValue) to \(lowered.rawValue)")
            }
        }
        let pinnedExcludes = Set(pinned.exclude.map(\.pattern))
        for pattern in repository.exclude.map(\.pattern) where !pinnedExcludes.contains(pattern) {
            reasons.append("it adds exclude \"\(pattern)\"")
        }
        let pinnedIgnores = Set(pinned.ignores.map(\.identity))
        for entry in repository.ignores where !pinnedIgnores.contains(entry.identity) {
            reasons.append("it adds an ignore entry (\(entry.identity))")
        }
        return reasons
    }
}

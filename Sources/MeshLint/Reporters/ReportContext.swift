import Rules

/// What reporters need beyond the findings: where paths are rooted and which rules exist.
struct ReportContext {
    /// Absolute path of the repository root (see `RepositoryRoot`).
    var repositoryRoot: String
    var workingDirectory: String
    /// Every rule of the catalogue, in catalogue order (SARIF lists them all, not only those that fired).
    var rules: [RuleDescription] = RuleCatalog.builtIn.map { $0.description }
    /// Appended to SARIF's `automationDetails.id` (`meshlint/<category>/`), for several scans per repository.
    var sarifCategory: String?
    /// Text output lists suppressed findings too.
    var showSuppressed = false
    /// SARIF carries suppressed findings as results with `suppressions`.
    var includeSuppressedInSARIF = false
    /// What the configuration changed about the scan (text, Markdown and SARIF show it).
    var configuration = EffectiveConfiguration()
    /// Threads reporters may use (`--jobs`; nil: every core). Output is the same for any number.
    var jobs: Int?

    /// A finding's file as a path from the repository root, or nil when it lies outside it (stdin).
    func repositoryPath(_ file: String) -> String? {
        guard file != Scanner.standardInputName else { return nil }
        // A named standard input (`--stdin-filename`) or a rendered template path is taken as
        // written: relative to the repository root.
        guard file.hasPrefix("/") || Discovery.exists(file) else { return file.hasPrefix("/") ? nil : file }
        return RepositoryRoot.relative(file, to: repositoryRoot, workingDirectory: workingDirectory)
    }
}

import Rules
import YAMLModel
#if canImport(Glibc)
import Glibc
#endif

/// `.meshlint.yaml`: what a repository tells MeshLint that its manifests do not.
///
/// Validated strictly: an unknown key or a value of the wrong type is an error with its position
/// and the expected shape, never silently ignored (a typo in a setting must not turn a check off).
public struct Configuration: Sendable {
    public static let fileName = ".meshlint.yaml"

    /// The file read, as reports show it; nil for the empty default.
    public var path: String?
    public var rootNamespace: String?
    /// `meshConfig.trustDomain` (default `cluster.local`).
    public var trustDomain: String?
    public var limits = Limits()
    /// `identity.audiences`: issuer URL or `service.namespace` → accepted audiences.
    public var audiences: [String: AudienceEntry] = [:]
    /// `identity.requireJWT`: every HTTP request through a waypoint must carry a JWT.
    public var requireJWT = false
    /// `rules`: per rule id, whether it runs and at which severity.
    public var rules: [String: RuleSetting] = [:]
    /// `assume.namespaces`: labels of namespaces whose object is not in the repository.
    public var assumedNamespaces: [String: Labels] = [:]
    /// `complete`: namespaces (Istio-style patterns: `*`, `team-*`) whose every object is in the
    /// input, so that an object missing from it is missing from the cluster.
    public var completeNamespaces: [String] = []
    /// `ignore`: findings suppressed by rule, resource pattern and path, each with its reason.
    public var ignores: [IgnoreEntry] = []
    /// `exclude`: paths (globs, from the scanned root) never read.
    public var exclude: [Glob] = []
    /// `rulesDirs`: directories of custom rule files, relative to the configuration file.
    public var rulesDirs: [String] = []
    /// `report.sensitiveNamespaces`: the namespaces (globs) whose access the posture report summarises;
    /// nil: every namespace with a waypoint.
    public var sensitiveNamespaces: [Glob]?
    /// `render`: how Helm charts are released and which roots are not rendered.
    public var render = Render()

    public init(path: String? = nil) {
        self.path = path
    }

    public struct Limits: Sendable, Equatable {
        public var maxFileSize: Int?
        public var maxDepth: Int?
        public var maxAliasExpansion: Int?

        public init(maxFileSize: Int? = nil, maxDepth: Int? = nil, maxAliasExpansion: Int? = nil) {
            self.maxFileSize = maxFileSize
            self.maxDepth = maxDepth
            self.maxAliasExpansion = maxAliasExpansion
        }
    }

    /// `render:`. Paths are relative to the configuration file's directory. The engines are never
    /// named here (a pull request controls this file): only `--kustomize`/`--helm` name them.
    public struct Render: Sendable, Equatable {
        /// `render.releases`: Helm releases of the charts named; a chart with entries here is
        /// rendered as these releases only.
        public var releases: [HelmRelease] = []
        /// `render.skip`: roots (globs, from the configuration's directory) read as files, not rendered.
        public var skip: [Glob] = []
        /// `render.names`: an environment's name in reports, by its root (from the configuration's
        /// directory) or the name MeshLint gives it.
        public var names: [String: String] = [:]
        /// `render.clusters`: environments deployed into one cluster, checked as one mesh: by the
        /// cluster's name, globs on environment names or roots.
        public var clusters: [Cluster] = []
        /// `render.repositories`: Argo CD `repoURL`s of other repositories, and the local
        /// directory (from the configuration's directory) each is checked out in.
        public var repositories: [String: String] = [:]

        public init() {}
    }

    public struct Cluster: Sendable, Equatable {
        public var name: String
        public var patterns: [Glob]

        public init(name: String, patterns: [Glob]) {
            self.name = name
            self.patterns = patterns
        }
    }

    public struct HelmRelease: Sendable, Equatable {
        /// The chart's directory.
        public var chart: String
        /// The environment's name in reports; default: the chart's path, with the values file.
        public var name: String?
        /// The release name (default: the chart's name).
        public var release: String?
        /// The release namespace (default `default`, as `helm template`).
        public var namespace: String?
        /// Values files, relative to the chart's directory; nil: the chart's environment values
        /// files (`values-prod.yaml`), one release each, or its own values alone.
        public var values: [String]?
        public var span: Span
    }

    public struct AudienceEntry: Sendable, Equatable {
        public var values: [String]
        public var span: Span
    }

    public struct RuleSetting: Sendable, Equatable {
        public var enabled: Bool?
        public var severity: Severity?
    }

    /// A configuration problem, reported as `file:line:col: message` and exit 2.
    public struct Problem: Error, CustomStringConvertible {
        public let file: String
        public let mark: Mark
        public let message: String

        public init(file: String, mark: Mark, message: String) {
            self.file = file
            self.mark = mark
            self.message = message
        }

        public var description: String { "\(file):\(mark.line):\(mark.column): \(message)" }
    }

    /// The settings rules read, for a scan run on `today`.
    public func lintSettings(today: CalendarDate) -> LintSettings {
        var settings = LintSettings(
            expectedAudiences: audiences.mapValues { ExpectedAudiences(values: $0.values, file: path, span: $0.span) },
            ignores: ignores, today: today)
        settings.requireJWT = requireJWT
        return settings
    }

    /// The index options: the root namespace (unless overridden), the assumed namespaces and the
    /// complete ones (the configuration's and `completeNamespaces` from the command line).
    public func indexOptions(rootNamespace override: String? = nil, completeNamespaces extra: [String] = []) -> MeshIndexOptions {
        MeshIndexOptions(
            rootNamespace: override ?? rootNamespace,
            assumedNamespaces: assumedNamespaces, trustDomain: trustDomain,
            completeNamespaces: completeNamespaces + extra)
    }

    // MARK: Finding

    /// The nearest `.meshlint.yaml` in `directory` (absolute) or above it.
    public static func find(from directory: String) -> String? {
        var components = directory.split(separator: "/").map(String.init).filter { $0 != "." }
        while true {
            let candidate = "/" + (components + [fileName]).joined(separator: "/")
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { return candidate }
            guard !components.isEmpty else { return nil }
            components.removeLast()
        }
    }

    // MARK: Parsing

    /// The `rulesDirs` of a configuration, read before the whole file: the rules they hold must be
    /// loaded first, so that `rules:` and `ignore:` may name them. Problems are left to `parse`.
    public static func rulesDirectories(in bytes: [UInt8]) -> [String] {
        YAMLParser.parse(bytes).documents.first?.root["rulesDirs"]?.items.compactMap(\.string) ?? []
    }

    static let topLevelKeys = "rootNamespace, trustDomain, rules, rulesDirs, assume, complete, identity, ignore, limits, exclude, report, render"

    /// Parses a configuration. `customRuleIDs` are the ids of rules loaded from rules.d, which
    /// `rules:` and `ignore:` may name like built-in ones.
    public static func parse(_ bytes: [UInt8], file: String, customRuleIDs: Set<String> = []) throws -> Configuration {
        let parsed = YAMLParser.parse(bytes)
        if let problem = parsed.problems.first {
            throw Problem(file: file, mark: problem.span.start, message: problem.message)
        }
        var configuration = Configuration(path: file)
        guard let root = parsed.documents.first?.root, !root.isNull else { return configuration }
        let reader = Reader(file: file, customRuleIDs: customRuleIDs)
        for pair in try reader.mapping(root, shape: "a mapping of \(topLevelKeys)") {
            switch pair.key.scalar {
            case "rootNamespace":
                configuration.rootNamespace = try reader.string(pair.value, field: "rootNamespace")
            case "trustDomain":
                configuration.trustDomain = try reader.string(pair.value, field: "trustDomain")
            case "limits":
                configuration.limits = try reader.limits(pair.value)
            case "identity":
                (configuration.audiences, configuration.requireJWT) = try reader.identity(pair.value)
            case "rules":
                configuration.rules = try reader.rules(pair.value)
            case "assume":
                configuration.assumedNamespaces = try reader.assume(pair.value)
            case "complete":
                configuration.completeNamespaces = try reader.strings(pair.value, field: "complete")
            case "ignore":
                configuration.ignores = try reader.ignores(pair.value)
            case "rulesDirs":
                configuration.rulesDirs = try reader.strings(pair.value, field: "rulesDirs")
            case "exclude":
                configuration.exclude = try reader.strings(pair.value, field: "exclude").map(Glob.init)
            case "report":
                for field in try reader.mapping(pair.value, shape: "report: {sensitiveNamespaces: [...]}") {
                    guard field.key.scalar == "sensitiveNamespaces" else {
                        throw reader.unknown(field.key, expected: "sensitiveNamespaces")
                    }
                    configuration.sensitiveNamespaces = try reader.strings(field.value, field: "report.sensitiveNamespaces").map(Glob.init)
                }
            case "render":
                configuration.render = try reader.render(pair.value)
            default:
                throw reader.unknown(pair.key, expected: topLevelKeys)
            }
        }
        return configuration
    }
}

/// Typed reads that fail with the position and the expected shape.
private struct Reader {
    let file: String
    let customRuleIDs: Set<String>
    typealias Problem = Configuration.Problem

    func mapping(_ node: Node, shape: String) throws -> PairList {
        guard node.kind == .mapping else { throw Problem(file: file, mark: node.span.start, message: "expected \(shape)") }
        return node.pairs
    }

    func string(_ node: Node, field: String) throws -> String {
        guard node.kind == .scalar, let text = node.string, !text.isEmpty else {
            throw Problem(file: file, mark: node.span.start, message: "\(field) must be a non-empty string")
        }
        return text
    }

    func strings(_ node: Node, field: String) throws -> [String] {
        guard node.kind == .sequence else {
            throw Problem(file: file, mark: node.span.start, message: "\(field) must be a list of strings")
        }
        return try node.items.map { try string($0, field: field) }
    }

    func positiveInt(_ node: Node, field: String) throws -> Int {
        guard let value = node.int, value > 0, node.style == .plain else {
            throw Problem(file: file, mark: node.span.start, message: "\(field) must be a positive integer")
        }
        return value
    }

    func bool(_ node: Node, field: String) throws -> Bool {
        guard let value = node.bool, node.style == .plain else {
            throw Problem(file: file, mark: node.span.start, message: "\(field) must be true or false")
        }
        return value
    }

    func unknown(_ key: Node, expected: String) -> Problem {
        Problem(file: file, mark: key.span.start, message: "unknown key \"\(key.scalar ?? "?")\"; expected one of: \(expected)")
    }

    func ruleID(_ node: Node, field: String) throws -> String {
        let id = try string(node, field: field)
        guard RuleCatalog.rule(withID: id) != nil || customRuleIDs.contains(id) else {
            throw Problem(file: file, mark: node.span.start, message: "\(field): no rule \"\(id)\" (see `meshlint rules`)")
        }
        return id
    }

    func render(_ node: Node) throws -> Configuration.Render {
        var render = Configuration.Render()
        for entry in try mapping(node, shape: "render: {releases: [...], skip: [...], names: {...}, clusters: {...}}") {
            switch entry.key.scalar {
            case "skip":
                render.skip = try strings(entry.value, field: "render.skip").map(Glob.init)
            case "repositories":
                for pair in try mapping(entry.value, shape: "render.repositories: {<repoURL>: <local directory>}") {
                    render.repositories[try string(pair.key, field: "render.repositories key")] = try string(pair.value, field: "render.repositories value")
                }
            case "names":
                for pair in try mapping(entry.value, shape: "render.names: {<root or environment>: <name>}") {
                    render.names[try string(pair.key, field: "render.names key")] = try string(pair.value, field: "render.names value")
                }
            case "clusters":
                for pair in try mapping(entry.value, shape: "render.clusters: {<cluster>: [<environment or root glob>, ...]}") {
                    render.clusters.append(Configuration.Cluster(
                        name: try string(pair.key, field: "render.clusters key"),
                        patterns: try strings(pair.value, field: "render.clusters.\(pair.key.scalar ?? "")").map(Glob.init)))
                }
            case "releases":
                guard entry.value.kind == .sequence else {
                    throw Problem(file: file, mark: entry.value.span.start, message: "render.releases must be a list of {chart, name, release, namespace, values}")
                }
                render.releases = try entry.value.items.map(release)
            default:
                throw unknown(entry.key, expected: "releases, skip, names, clusters, repositories")
            }
        }
        return render
    }

    func release(_ node: Node) throws -> Configuration.HelmRelease {
        let keys = "chart, name, release, namespace, values"
        var chart: String?
        var release = Configuration.HelmRelease(chart: "", span: node.span)
        for field in try mapping(node, shape: "a release: {\(keys)}") {
            switch field.key.scalar {
            case "chart": chart = try string(field.value, field: "render.releases.chart")
            case "name": release.name = try string(field.value, field: "render.releases.name")
            case "release":
                let name = try string(field.value, field: "render.releases.release")
                guard Self.isDNSLabel(name, maxLength: 53) else {
                    throw Problem(file: file, mark: field.value.span.start, message: "render.releases.release must be a Helm release name (lower-case letters, digits and -, at most 53)")
                }
                release.release = name
            case "namespace":
                let namespace = try string(field.value, field: "render.releases.namespace")
                guard Self.isDNSLabel(namespace, maxLength: 63) else {
                    throw Problem(file: file, mark: field.value.span.start, message: "render.releases.namespace must be a namespace name")
                }
                release.namespace = namespace
            case "values": release.values = try strings(field.value, field: "render.releases.values")
            default: throw unknown(field.key, expected: keys)
            }
        }
        guard let chart else { throw Problem(file: file, mark: node.span.start, message: "a release needs chart: (the chart's directory)") }
        release.chart = chart
        return release
    }

    static func isDNSLabel(_ text: String, maxLength: Int) -> Bool {
        guard !text.isEmpty, text.utf8.count <= maxLength, text.first != "-", text.last != "-" else { return false }
        return text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }

    func limits(_ node: Node) throws -> Configuration.Limits {
        var limits = Configuration.Limits()
        for entry in try mapping(node, shape: "limits: {maxFileSize, maxDepth, maxAliasExpansion}") {
            let value = try positiveInt(entry.value, field: "limits.\(entry.key.scalar ?? "")")
            switch entry.key.scalar {
            case "maxFileSize": limits.maxFileSize = value
            case "maxDepth": limits.maxDepth = value
            case "maxAliasExpansion": limits.maxAliasExpansion = value
            default: throw unknown(entry.key, expected: "maxFileSize, maxDepth, maxAliasExpansion")
            }
        }
        return limits
    }

    func identity(_ node: Node) throws -> (audiences: [String: Configuration.AudienceEntry], requireJWT: Bool) {
        var audiences: [String: Configuration.AudienceEntry] = [:]
        var requireJWT = false
        let shape = "identity: {audiences: {<issuer or service.namespace>: [audience, ...]}, requireJWT: true|false}"
        for entry in try mapping(node, shape: shape) {
            switch entry.key.scalar {
            case "audiences":
                for audience in try mapping(entry.value, shape: "audiences: {<issuer URL or service.namespace>: [audience, ...]}") {
                    let key = try string(audience.key, field: "identity.audiences key")
                    let values = try strings(audience.value, field: "identity.audiences[\(key)]")
                    audiences[key] = Configuration.AudienceEntry(values: values, span: audience.key.span.union(audience.value.span))
                }
            case "requireJWT":
                requireJWT = try bool(entry.value, field: "identity.requireJWT")
            default:
                throw unknown(entry.key, expected: "audiences, requireJWT")
            }
        }
        return (audiences, requireJWT)
    }

    func rules(_ node: Node) throws -> [String: Configuration.RuleSetting] {
        var settings: [String: Configuration.RuleSetting] = [:]
        for entry in try mapping(node, shape: "rules: {<rule-id>: {enabled: true|false, severity: error|warning|note}}") {
            let id = try ruleID(entry.key, field: "rules")
            var setting = Configuration.RuleSetting()
            for field in try mapping(entry.value, shape: "rules.\(id): {enabled: true|false, severity: error|warning|note}") {
                switch field.key.scalar {
                case "enabled":
                    setting.enabled = try bool(field.value, field: "rules.\(id).enabled")
                case "severity":
                    guard let severity = field.value.string.flatMap(Severity.init(rawValue:)) else {
                        throw Problem(file: file, mark: field.value.span.start, message: "rules.\(id).severity must be error, warning or note")
                    }
                    setting.severity = severity
                default:
                    throw unknown(field.key, expected: "enabled, severity")
                }
            }
            settings[id] = setting
        }
        return settings
    }

    func assume(_ node: Node) throws -> [String: Labels] {
        var namespaces: [String: Labels] = [:]
        for entry in try mapping(node, shape: "assume: {namespaces: {<name>: {labels: {...}}}}") {
            guard entry.key.scalar == "namespaces" else { throw unknown(entry.key, expected: "namespaces") }
            for namespace in try mapping(entry.value, shape: "assume.namespaces: {<name>: {labels: {<key>: <value>}}}") {
                let name = try string(namespace.key, field: "assume.namespaces key")
                for field in try mapping(namespace.value, shape: "assume.namespaces.\(name): {labels: {<key>: <value>}}") {
                    guard field.key.scalar == "labels" else { throw unknown(field.key, expected: "labels") }
                    for label in try mapping(field.value, shape: "labels: {<key>: <value>}") where label.value.kind != .scalar {
                        throw Problem(file: file, mark: label.value.span.start, message: "a label value must be a string")
                    }
                    namespaces[name] = Labels(node: field.value)
                }
            }
        }
        return namespaces
    }

    func ignores(_ node: Node) throws -> [IgnoreEntry] {
        guard node.kind == .sequence else {
            throw Problem(file: file, mark: node.span.start, message: "ignore must be a list of {rule, resource, paths, reason, expires}")
        }
        return try node.items.map { item in
            var rule: String?
            var resource: ResourcePattern?
            var paths: [Glob] = []
            var reason: String?
            var expires: CalendarDate?
            var expiresSpan: Span?
            for field in try mapping(item, shape: "an ignore entry: {rule, resource, paths, reason, expires}") {
                switch field.key.scalar {
                case "rule":
                    rule = try ruleID(field.value, field: "ignore.rule")
                case "resource":
                    let text = try string(field.value, field: "ignore.resource")
                    guard let pattern = ResourcePattern(text) else {
                        throw Problem(file: file, mark: field.value.span.start,
                                      message: "ignore.resource must be \"Kind namespace/name\" or \"Kind name\" (globs allowed), e.g. \"AuthorizationPolicy payments/*\"")
                    }
                    resource = pattern
                case "paths":
                    paths = try strings(field.value, field: "ignore.paths").map(Glob.init)
                case "reason":
                    reason = try string(field.value, field: "ignore.reason")
                case "expires":
                    let text = try string(field.value, field: "ignore.expires")
                    guard let date = CalendarDate(text) else {
                        throw Problem(file: file, mark: field.value.span.start, message: "ignore.expires must be a date, YYYY-MM-DD")
                    }
                    expires = date
                    expiresSpan = field.value.span
                default:
                    throw unknown(field.key, expected: "rule, resource, paths, reason, expires")
                }
            }
            guard let reason else {
                throw Problem(file: file, mark: item.span.start, message: "an ignore entry needs a reason: say why the finding is accepted")
            }
            guard rule != nil || resource != nil || !paths.isEmpty else {
                throw Problem(file: file, mark: item.span.start, message: "an ignore entry needs at least one of rule, resource, paths")
            }
            return IgnoreEntry(
                rule: rule, resource: resource, paths: paths, reason: reason, expires: expires,
                file: file, span: item.span, expiresSpan: expiresSpan)
        }
    }
}

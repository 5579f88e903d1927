import Access
import ArgumentParser
import MeshLintConfig
import Rules
import YAMLModel

/// `meshlint access`: who may call what, evaluated from the manifests as the ambient mesh decides.
struct AccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "Evaluate one request against the manifests: the decision and the trace of every policy considered.",
        subcommands: [AccessCheckCommand.self, AccessMatrixCommand.self, AccessDiffCommand.self],
        defaultSubcommand: AccessCheckCommand.self)
}

struct AccessCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Evaluate one request (the default `meshlint access` command).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "Files or directories holding the manifests (default: the current directory).")
    var paths: [String] = []

    @Option(help: "The caller: <namespace>/<service-account>, anonymous, or ingress:<namespace>/<gateway>.")
    var from: String

    @Option(help: "The destination: <service>.<namespace>:<port>.")
    var to: String

    @Option(help: "HTTP method.")
    var method: String = "GET"

    @Option(help: "Request path.")
    var path: String = "/"

    @Option(help: "Host (default: the Service's cluster name).")
    var host: String?

    @Option(help: "A request header, Name:value. Repeatable.")
    var header: [String] = []

    @Option(help: "A JWT claim, name=value (a name given twice is a list). Repeatable.")
    var claim: [String] = []

    @Option(name: .customLong("token-in"), help: "Where the token travels: bearer (Authorization: Bearer, the default), header:NAME, param:NAME or cookie:NAME.")
    var tokenIn: String?

    @Flag(name: .customLong("no-token"), help: "Send no token (the default when no --claim is given).")
    var noToken = false

    @Flag(help: "Dial a pod of the Service directly (pod-IP traffic), not the Service's address.")
    var direct = false

    @Option(help: "Exit 1 unless the decision is this (allow, deny, 401, 403, refused).")
    var expect: String?

    @Option(name: [.short, .long], help: "text or json.")
    var format: Format = .text

    @Option(help: "Configuration file (default: the nearest .meshlint.yaml).")
    var config: String?

    @Option(help: "The environment (a Kustomize root, Helm release or Argo CD Application with variants); default: each in turn.")
    var env: String?

    @Flag(name: .customLong("no-render"), help: "Read kustomizations and chart templates as files instead of rendering them.")
    var noRender = false

    func validate() throws {
        if noToken && !claim.isEmpty { throw ValidationError("--no-token and --claim exclude each other") }
        if let expect, AccessDecision(rawValue: expect) == nil {
            throw ValidationError("--expect must be allow, deny, 401, 403 or refused")
        }
    }

    func run() throws {
        let scanPaths = paths.isEmpty ? ["."] : paths
        try PathConfinement().require(scanPaths.map { ("path", $0) })
        let configuration: Configuration
        do {
            configuration = try Configuration.resolve(explicit: config, paths: scanPaths)
        } catch let problem as Configuration.Problem {
            FileHandle.writeToStandardError("meshlint: \(problem)\n")
            throw ExitCode.usageOrIOError
        }
        let render = Meshes.renderRequest(configuration, enabled: !noRender, workingDirectory: Discovery.currentDirectory())
        let meshes = try Meshes.select(Meshes.read(paths: scanPaths, configuration: configuration, render: render, deadline: .none).meshes, env: env)

        // The request in each environment in turn (one mesh: the input as a whole).
        var results: [(name: String?, result: AccessResult)] = []
        for mesh in meshes {
            do {
                var accessRequest = AccessRequest(
                    caller: try AccessSpecification.caller(from),
                    destination: try AccessSpecification.destination(to, direct: direct, index: mesh.index),
                    method: method, path: path, host: host, headers: try AccessSpecification.headers(header),
                    token: claim.isEmpty ? nil : try AccessSpecification.claims(claim))
                if let tokenIn { accessRequest.tokenLocation = try AccessSpecification.tokenLocation(tokenIn) }
                if let warning = Self.unknownCaller(accessRequest.caller, in: mesh.index) {
                    FileHandle.writeToStandardError("meshlint: warning: \(mesh.name.map { "\($0): " } ?? "")\(warning)\n")
                }
                results.append((mesh.name, try AccessEvaluator(index: mesh.index).evaluate(accessRequest)))
            } catch {
                FileHandle.writeToStandardError("meshlint: \(mesh.name.map { "\($0): " } ?? "")\(error)\n")
                throw ExitCode.usageOrIOError
            }
        }
        let named = results.count > 1 || results.first?.name != nil
        switch format {
        case .text:
            FileHandle.writeToStandardOutput(results.map { named ? "Environment \($0.name ?? "(shared)"):\n\($0.result.description)\n" : $0.result.description + "\n" }
                .joined(separator: "\n"))
        case .json:
            guard named else {
                FileHandle.writeToStandardOutput(Self.json(results[0].result).serialized())
                break
            }
            FileHandle.writeToStandardOutput(JSONValue.object([("environments", .array(results.map { entry in
                guard case .object(let fields) = Self.json(entry.result) else { return .null }
                return .object([("environment", entry.name.map(JSONValue.string) ?? .null)] + fields)
            }))]).serialized())
        }
        if let expect, results.contains(where: { $0.result.decision.rawValue != expect }) { throw ExitCode.findings }
    }

    /// A warning when the caller is an identity nothing in the input runs as (no workload, no
    /// ServiceAccount): a misspelt `--from` is evaluated as a stranger, which is rarely meant.
    static func unknownCaller(_ caller: AccessCaller, in index: MeshIndex) -> String? {
        guard case .identity(let identity) = caller else { return nil }
        let known = Set(index.workloads.map { index.identity(of: $0) }
            + index.serviceAccounts.map { MeshIdentity(namespace: $0.namespace ?? "default", serviceAccount: $0.name) })
        guard !known.contains(identity) else { return nil }
        let name = "\(identity.namespace)/\(identity.serviceAccount)"
        let nearest = known.map { ("\($0.namespace)/\($0.serviceAccount)", $0) }
            .map { ($0.0, NameSimilarity.editDistance($0.0, name, limit: 3)) }
            .filter { $0.1 <= 2 }.min { ($0.1, $0.0) < ($1.1, $1.0) }
        return "no workload or ServiceAccount in the input runs as \(name); it is evaluated as written"
            + (nearest.map { " (did you mean \($0.0)?)" } ?? "")
    }

    static func json(_ result: AccessResult) -> JSONValue {
        func step(_ step: AccessStep) -> JSONValue {
            .object([
                ("message", .string(step.message)),
                ("outcome", .string(step.outcome.rawValue)),
                ("file", step.file.map(JSONValue.string) ?? .null),
                ("span", step.span.map(JSONReporter.span) ?? .null),
            ])
        }
        return .object([
            ("decision", .string(result.decision.rawValue)),
            ("uncertain", .bool(result.isUncertain)),
            ("uncertainties", .array(result.uncertainties.map(JSONValue.string))),
            ("path", .array(result.trace.path.map(step))),
            ("hops", .array(result.trace.hops.map { hop in
                .object([
                    ("place", .string(hop.title)),
                    ("decision", .string(hop.decision.rawValue)),
                    ("steps", .array(hop.steps.map(step))),
                ])
            })),
        ])
    }
}

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
        let request = Scanner.Request(paths: scanPaths, indexOptions: configuration.indexOptions())
        let (inputs, discoveryErrors) = Discovery.inputs(for: scanPaths)
        let (manifests, _, readErrors) = Scanner.read(inputs, request: request)
        for error in discoveryErrors + readErrors { FileHandle.writeToStandardError("meshlint: \(error)\n") }
        let index = MeshIndex(resources: manifests.flatMap(\.resources), options: request.indexOptions)

        let result: AccessResult
        do {
            let accessRequest = AccessRequest(
                caller: try AccessSpecification.caller(from),
                destination: try AccessSpecification.destination(to, direct: direct, index: index),
                method: method, path: path, host: host, headers: try AccessSpecification.headers(header),
                token: claim.isEmpty ? nil : try AccessSpecification.claims(claim))
            result = try AccessEvaluator(index: index).evaluate(accessRequest)
        } catch {
            FileHandle.writeToStandardError("meshlint: \(error)\n")
            throw ExitCode.usageOrIOError
        }
        switch format {
        case .text: FileHandle.writeToStandardOutput(result.description + "\n")
        case .json: FileHandle.writeToStandardOutput(Self.json(result).serialized())
        }
        if let expect, result.decision.rawValue != expect { throw ExitCode.findings }
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

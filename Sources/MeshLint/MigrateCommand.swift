import Access
import ArgumentParser
import MeshLintConfig
import Migration
import Rules
import YAMLModel

/// `meshlint migrate`: what moving a namespace from sidecars to ambient does to its access, and
/// the patch that keeps it.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "What moving a namespace from sidecars to ambient changes, and the patch that keeps its access.",
        discussion: """
            The namespace is moved as the migration guide does it (istio.io, "Migrate from Sidecar to \
            Ambient"): the ambient label on, sidecar injection off, and the namespace bound to the \
            waypoint named with --waypoint, found in it, or needed for its HTTP rules. Each policy is \
            shown with how it is enforced today and after the move; the converted policies (new objects, \
            applied before the labels flip) are written with --write-patch; the access into and out of \
            the namespace is compared today, after the move as is, and after the move with the patch. \
            Exit status: 0 when the move with the patch changes no access, 1 when it newly allows or \
            denies a request, 2 on usage errors.
            """)

    @Argument(help: "Files or directories holding the manifests (default: the current directory).")
    var paths: [String] = []

    @Option(help: "The namespace to move to ambient.")
    var namespace: String

    @Option(help: "The waypoint to bind the namespace to (default: the one in the namespace, or a new one named waypoint when needed).")
    var waypoint: String?

    @Option(name: [.short, .long], help: "text, json or markdown.")
    var format: MatrixFormat = .text

    @Option(name: .customLong("write-patch"), help: "Write the converted policies to this file (YAML), to apply before the labels flip.")
    var writePatch: String?

    @Option(help: "Configuration file (default: the nearest .meshlint.yaml).")
    var config: String?

    @Option(help: "The environment (a Kustomize root, Helm release or Argo CD Application with variants); default: the only one.")
    var env: String?

    @Flag(name: .customLong("no-render"), help: "Read kustomizations and chart templates as files instead of rendering them.")
    var noRender = false

    func validate() throws {
        guard PlainName.isPlain(namespace) else { throw ValidationError("--namespace must be a Kubernetes namespace name") }
        if let waypoint, !PlainName.isPlain(waypoint) { throw ValidationError("--waypoint must be a Kubernetes name") }
    }

    func run() throws {
        let scanPaths = paths.isEmpty ? ["."] : paths
        try PathConfinement().require(scanPaths.map { ("path", $0) } + (writePatch.map { [("--write-patch", $0)] } ?? []))
        let configuration: Configuration
        do {
            configuration = try Configuration.resolve(explicit: config, paths: scanPaths)
        } catch let problem as Configuration.Problem {
            FileHandle.writeToStandardError("meshlint: \(problem)\n")
            throw ExitCode.usageOrIOError
        }
        let render = Meshes.renderRequest(configuration, enabled: !noRender, workingDirectory: Discovery.currentDirectory())
        let meshes = try Meshes.select(Meshes.read(paths: scanPaths, configuration: configuration, render: render, deadline: .none).meshes, env: env)
        guard meshes.count == 1 else {
            FileHandle.writeToStandardError("meshlint: the input has \(meshes.count) environments; choose one with --env\n")
            throw ExitCode.usageOrIOError
        }
        let report: MigrationReport
        do {
            report = try Migration.plan(
                index: meshes[0].index, namespace: namespace, waypoint: waypoint, audiences: configuration.mintedAudiences,
                patchFile: writePatch ?? "migration-patch.yaml")
        } catch {
            FileHandle.writeToStandardError("meshlint: \(error)\n")
            throw ExitCode.usageOrIOError
        }
        if let writePatch {
            try AtomicFile.write(report.patchYAML, to: writePatch)
        }
        switch format {
        case .text: FileHandle.writeToStandardOutput(MigrationText.render(report, patchFile: writePatch))
        case .json: FileHandle.writeToStandardOutput(MigrationJSON.render(report).serialized())
        case .markdown: FileHandle.writeToStandardOutput(MigrationMarkdown.render(report, patchFile: writePatch))
        }
        if !report.keepsAccess { throw ExitCode.findings }
    }
}

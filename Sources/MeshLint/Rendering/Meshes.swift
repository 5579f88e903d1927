import ArgumentParser
import MeshLintConfig
import Posture
import Rules
import YAMLModel

/// One mesh of the input, indexed: an environment (a Kustomize root, a Helm release, an Argo CD
/// Application, with the cluster parts it shares) or, without any, the whole input.
struct Mesh {
    /// nil for the whole input (no environments).
    let name: String?
    let index: MeshIndex
    /// Its rendered streams: the way back from a rendered object to its source.
    var renders: [any RenderedStream] = []

    /// `evidence` placed in the source when it names a line of a rendered stream.
    func sourced(_ evidence: Evidence) -> Evidence {
        guard let render = renders.first(where: { $0.file.path == evidence.file }),
              let resource = render.file.resources.first(where: { $0.node.span.start.line <= evidence.line && evidence.line <= $0.node.span.end.line })
        else { return evidence }
        let mark = Mark(line: evidence.line, column: evidence.column)
        guard let location = render.location(of: Span(start: mark, end: mark), in: resource) else { return evidence }
        return Evidence(resource: evidence.resource, file: location.file, line: location.span.start.line,
                        column: location.span.start.column, detail: evidence.detail)
    }
}

/// The meshes the access commands and the posture report look at: the input rendered as `meshlint
/// scan` renders it, each environment indexed on its own; `--env NAME` picks one, and without it
/// each is taken in turn.
enum Meshes {
    /// The render settings of a command that reads meshes: the configuration's, engines from
    /// PATH or their environment variables.
    static func renderRequest(_ configuration: Configuration, enabled: Bool, workingDirectory: String) -> RenderRequest {
        var request = RenderRequest()
        request.enabled = enabled
        request.releases = configuration.render.releases
        request.skip = configuration.render.skip
        request.names = configuration.render.names
        request.clusters = configuration.render.clusters
        request.repositories = configuration.render.repositories
        request.configurationDirectory = configuration.path.map {
            RepositoryRoot.absolute(ScanCommand.directory(of: $0), workingDirectory: workingDirectory)
        }
        return request
    }

    /// The meshes under `paths` (as the working tree has them), and whether every file was read.
    static func read(
        paths: [String], configuration: Configuration, render: RenderRequest, deadline: Deadline,
        workingDirectory: String = Discovery.currentDirectory()
    ) -> (meshes: [Mesh], complete: Bool, rendered: Bool) {
        var request = Scanner.Request(paths: paths, indexOptions: configuration.indexOptions())
        request.deadline = deadline.instant
        let (inputs, discoveryErrors) = Discovery.inputs(for: paths, workingDirectory: workingDirectory)
        let (manifests, _, readErrors) = Scanner.read(inputs, request: request)
        for error in discoveryErrors + readErrors { FileHandle.writeToStandardError("meshlint: \(error)\n") }
        var timings = Timings(reported: false)
        let (environments, read) = Environments.make(
            manifests, request: render, workingDirectory: workingDirectory, deadline: deadline.instant, timings: &timings)
        let complete = !read.contains { $0.problems.contains { $0.kind == .incomplete } }
        let meshes = environments.map { Mesh(name: $0.name, index: MeshIndex(resources: $0.files.flatMap(\.resources), options: request.indexOptions)) }
        let rendered = environments.contains { !$0.renders.isEmpty }
        return (meshes.isEmpty ? [Mesh(name: nil, index: MeshIndex(resources: [], options: request.indexOptions))] : meshes, complete, rendered)
    }

    /// The meshes as they were at `revision`: read from git when nothing is rendered, else the
    /// revision's files checked out into a temporary tree and rendered there (names as at head).
    static func read(
        at revision: String, paths: [String], configuration: Configuration, render: RenderRequest, deadline: Deadline, rendered: Bool
    ) throws -> (meshes: [Mesh], complete: Bool) {
        guard rendered, render.enabled else {
            let (index, complete) = try ManifestSnapshot.index(at: revision, paths: paths, configuration: configuration, deadline: deadline)
            return ([Mesh(name: nil, index: index)], complete)
        }
        let workingDirectory = Discovery.currentDirectory()
        let anchor = RepositoryRoot.absolute(paths.first ?? ".", workingDirectory: workingDirectory)
        var change = try ChangeSet.fromGit(since: revision, directory: Discovery.isDirectory(anchor) ? anchor : ScanCommand.directory(of: anchor),
                                           workingDirectory: workingDirectory)
        change.changed = []
        guard let checkout = BaseCheckout(change, paths: paths, workingDirectory: workingDirectory) else {
            throw ChangeSetError("could not check out \(revision) (is the working directory inside the work tree?)")
        }
        defer { checkout.remove() }
        var baseRender = render
        baseRender.configurationDirectory = render.configurationDirectory.flatMap(checkout.mirrored)
        let base = read(paths: checkout.paths, configuration: configuration, render: baseRender, deadline: deadline,
                        workingDirectory: checkout.workingDirectory)
        return (base.meshes, base.complete)
    }

    /// `meshes`, or the one named `env`; an unknown name stops the command with the names there are.
    static func select(_ meshes: [Mesh], env: String?) throws -> [Mesh] {
        guard let env else { return meshes }
        if let found = meshes.first(where: { $0.name == env }) { return [found] }
        let names = meshes.compactMap(\.name)
        FileHandle.writeToStandardError(
            "meshlint: no environment \(env) in the input; "
                + (names.isEmpty ? "it renders to one mesh (no Kustomize root, Helm chart or Argo CD Application has variants)\n"
                    : "the environments are: \(names.joined(separator: ", "))\n"))
        throw ExitCode.usageOrIOError
    }
}

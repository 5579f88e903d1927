import ArgumentParser
import MeshLintConfig
#if canImport(Glibc)
import Glibc
#endif

/// `meshlint init`: a commented starter `.meshlint.yaml`.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write a commented starter .meshlint.yaml.")

    @Option(name: [.short, .long], help: "Where to write it.")
    var output: String = Configuration.fileName

    @Flag(help: "Replace an existing file.")
    var force = false

    func run() throws {
        if !force && Discovery.exists(output) {
            FileHandle.writeToStandardError("meshlint: \(output) exists; use --force to replace it\n")
            throw ExitCode.usageOrIOError
        }
        try AtomicFile.write(Self.starter, to: output)
        FileHandle.writeToStandardOutput("wrote \(output)\n")
    }

    /// Every key, each explained, with the defaults in force (so the file is valid as written).
    static let starter = """
        # MeshLint configuration. Found from the scanned path upward, or given with --config.
        # Every key is optional; an unknown key or a wrong type is an error (exit 2).

        # meshConfig.rootNamespace of the mesh: policies there apply mesh-wide.
        rootNamespace: istio-system

        # Rules: turn one off, or change its severity (error, warning, note).
        rules:
          singleton-waypoint:
            enabled: true
            severity: warning

        # Namespaces whose Namespace object is not in this repository (a platform team owns it):
        # their labels, so that enrollment and waypoint binding are known.
        assume:
          namespaces: {}
          # payments:
          #   labels:
          #     istio.io/dataplane-mode: ambient
          #     istio.io/use-waypoint: payments-waypoint

        # What the identity provider puts in a token's `aud`, by issuer or by <service>.<namespace>.
        identity:
          audiences: {}
          # "https://login.microsoftonline.com/<tenant>/v2.0": ["<api-client-id>"]
          # ledger.payments: ["<api-client-id>"]

        # Accepted findings, each with its reason; an entry past `expires` stops suppressing.
        ignore: []
        # - rule: waypoint-bypass-possible
        #   resource: "Service payments/*"
        #   paths: ["deploy/legacy/**"]
        #   reason: "legacy clients dial pods directly until the migration (JIRA-123)"
        #   expires: 2026-12-31

        # Paths never read (globs, from the repository root).
        exclude: []
        # - "charts/**/templates/**"

        # Input limits.
        limits:
          maxFileSize: 67108864
          maxDepth: 512
          maxAliasExpansion: 100000

        """
}

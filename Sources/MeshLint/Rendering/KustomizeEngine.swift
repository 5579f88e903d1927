#if canImport(Glibc)
import Glibc
#endif
import YAMLModel

/// The Kustomize that renders roots: `kustomize build` or `kubectl kustomize`, found on PATH or
/// named by `--kustomize` / `MESHLINT_KUSTOMIZE` — never by `.meshlint.yaml`, which a pull request
/// controls. It runs without a shell, with a time limit, and offline: its environment sends any
/// HTTP(S) request to a closed port and allows git only local repositories (MeshLint also refuses
/// roots with remote entries before rendering), and Kustomize's default load restrictor keeps
/// what it reads inside each kustomization's directory tree.
struct KustomizeEngine {
    /// The program and the subcommand before the directory: `["/usr/bin/kustomize", "build"]`.
    let command: [String]

    /// How to install one, said once when none is found.
    static let installHint = "install kubectl (its `kubectl kustomize` is Kustomize 5) or kustomize "
        + "(https://kubectl.docs.kubernetes.io/installation/kustomize/), or name one with --kustomize PATH"

    /// `explicit` (`--kustomize`), else `MESHLINT_KUSTOMIZE`, else `kustomize`, else `kubectl` on
    /// PATH. A named program whose base name is `kubectl` is run as `kubectl kustomize`.
    static func locate(explicit: String?, environment: [String: String] = ProcessEnvironment.current) -> KustomizeEngine? {
        if let named = explicit ?? environment["MESHLINT_KUSTOMIZE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let program = executable(named, path: environment["PATH"]) else { return nil }
            return KustomizeEngine(command: program.hasSuffix("/kubectl") ? [program, "kustomize"] : [program, "build"])
        }
        if let kustomize = executable("kustomize", path: environment["PATH"]) { return KustomizeEngine(command: [kustomize, "build"]) }
        if let kubectl = executable("kubectl", path: environment["PATH"]) { return KustomizeEngine(command: [kubectl, "kustomize"]) }
        return nil
    }

    /// `name` if it is a path to an executable file, else the first match on `path`.
    static func executable(_ name: String, path: String?) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 && Discovery.isRegularFile(name) ? name : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 && Discovery.isRegularFile(candidate) { return candidate }
        }
        return nil
    }

    /// What rendering one root gave.
    enum Outcome {
        case rendered([UInt8])
        /// The engine failed: its exit status and the first lines of its standard error.
        case failed(String)
        case timedOut
    }

    /// Renders the kustomization in `root` (absolute) with origin annotations: a wrapper
    /// kustomization in `scratch` includes the root by a relative path and asks for
    /// `buildMetadata: [originAnnotations]`, so that each rendered object names the file it came
    /// from (relative to `scratch`).
    /// `online`: `--allow-remote`, the environment as it is (remote bases are fetched).
    func render(root: String, scratch: String, timeout: Duration, online: Bool = false) -> Outcome {
        let wrapper = "resources:\n- \(Self.quoted(Self.relativePath(from: scratch, to: root)))\nbuildMetadata: [originAnnotations]\n"
        guard TemporaryFiles.write(wrapper, to: scratch + "/kustomization.yaml") else { return .failed("cannot write the wrapper kustomization in \(scratch)") }
        var options = Subprocess.Options()
        options.timeout = timeout
        options.captureErrors = true
        options.environment = online ? nil : Self.offlineEnvironment()
        guard let output = Subprocess.run(command + [scratch], options: options) else {
            return .failed("\(command[0]) could not be started")
        }
        if output.timedOut { return .timedOut }
        guard output.status == 0 else {
            let message = String(decoding: output.stderr, as: UTF8.self).split(separator: "\n").prefix(3).joined(separator: " ")
            return .failed("\(command.joined(separator: " ")) exited \(output.status): \(message)")
        }
        return .rendered(output.stdout)
    }

    /// MeshLint's environment, with every proxy pointed at a closed local port (no HTTP fetch can
    /// leave) and git limited to local protocols.
    static func offlineEnvironment(_ base: [String: String] = ProcessEnvironment.current) -> [String] {
        var environment = base
        for key in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
            environment[key] = "http://127.0.0.1:9"
        }
        environment["NO_PROXY"] = ""
        environment["no_proxy"] = ""
        environment["GIT_ALLOW_PROTOCOL"] = "file"
        environment["GIT_TERMINAL_PROMPT"] = "0"
        return environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// `to` relative to the directory `from` (both absolute, normalised).
    static func relativePath(from: String, to: String) -> String {
        let base = from.split(separator: "/")
        let target = to.split(separator: "/")
        var common = 0
        while common < base.count, common < target.count, base[common] == target[common] { common += 1 }
        let parts = Array(repeating: "..", count: base.count - common) + target[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String { YAMLScalar.doubleQuoted(text) }
}

/// The process environment as a dictionary.
enum ProcessEnvironment {
    static var current: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") { result[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
            pointer += 1
        }
        return result
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

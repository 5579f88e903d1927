import YAMLModel

/// What a change touched: the files whose findings are reported in changed-files mode, and, when
/// git knows the revision, the base version of each, so that a finding the change *caused* elsewhere
/// (the pull request deletes a default-deny policy) is still reported.
struct ChangeSet {
    /// Display paths (relative to the working directory when under it) of changed files that exist now.
    var changed: Set<String>
    /// Display paths of files the change deleted.
    var deleted: Set<String> = []
    /// Base content of modified and deleted files, by display path; a file added by the change has none.
    var base: [String: [UInt8]] = [:]
    /// True when base content is known (a git revision was given).
    var hasBase = false
    /// The git work tree and the base revision, when known.
    var root: String?
    var revision: String?

    /// The change since `revision` in the git work tree holding `directory`: committed, staged,
    /// unstaged and untracked manifest files.
    static func fromGit(since revision: String, directory: String, workingDirectory: String) throws -> ChangeSet {
        guard let top = Subprocess.run(["git", "-C", directory, "rev-parse", "--show-toplevel"]), top.status == 0 else {
            throw ChangeSetError("\(directory) is not inside a git work tree")
        }
        let root = String(top.text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first ?? "")
        guard let verified = Subprocess.run(["git", "-C", root, "rev-parse", "--verify", "--quiet", revision + "^{commit}"]),
              verified.status == 0
        else { throw ChangeSetError.unknownRevision(revision, root: root) }
        guard let diff = Subprocess.run(["git", "-C", root, "diff", "--name-status", "--no-renames", "-z", revision, "--"]),
              diff.status == 0
        else { throw ChangeSetError("git diff \(revision) failed") }
        var set = ChangeSet(changed: [], hasBase: true, root: root, revision: revision)
        let fields = diff.stdout.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
        var index = 0
        var entries: [(status: String, path: String)] = []
        while index + 1 < fields.count {
            entries.append((fields[index], fields[index + 1]))
            index += 2
        }
        if let untracked = Subprocess.run(["git", "-C", root, "ls-files", "--others", "--exclude-standard", "-z"]), untracked.status == 0 {
            for path in untracked.stdout.split(separator: 0).map({ String(decoding: $0, as: UTF8.self) }) {
                entries.append(("A", path))
            }
        }
        for (status, path) in entries where isManifest(path) {
            let display = Discovery.displayPath(root + "/" + path, workingDirectory: workingDirectory)
            if status.hasPrefix("D") {
                set.deleted.insert(display)
            } else {
                set.changed.insert(display)
            }
            if !status.hasPrefix("A"), let content = Subprocess.run(["git", "-C", root, "show", "\(revision):\(path)"]),
               content.status == 0 {
                set.base[display] = content.stdout
            }
        }
        return set
    }

    /// A checkout of the base revision's files under `paths` (absolute, in the work tree), laid
    /// out as the repository is, in a new temporary directory: read into a private index and
    /// written with `git checkout-index`, so that the repository's own index and work tree are
    /// never touched. `scratch` is removed with everything in it when done.
    func baseTree(covering paths: [String]) -> (root: String, scratch: String)? {
        guard let root, let revision, let scratch = TemporaryFiles.directory(prefix: "meshlint-base") else { return nil }
        let tree = scratch + "/tree"
        // The tree is a repository of its own for path confinement and Argo CD's source paths.
        TemporaryFiles.makeDirectories(tree + "/.git")
        let pathspecs = paths.compactMap { path -> String? in
            path == root ? "." : RepositoryRoot.relative(path, to: root, workingDirectory: "/")
        }
        var options = Subprocess.Options()
        options.environment = ProcessEnvironment.current.merging(["GIT_INDEX_FILE": scratch + "/index"]) { _, new in new }
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        options.timeout = .seconds(120)
        guard !pathspecs.isEmpty,
              let listed = Subprocess.run(["git", "-C", root, "ls-tree", "-r", "-z", "--name-only", revision, "--"] + pathspecs, options: options),
              listed.status == 0, TemporaryFiles.write(String(decoding: listed.stdout, as: UTF8.self), to: scratch + "/paths"),
              let index = Subprocess.run(["git", "-C", root, "read-tree", revision], options: options), index.status == 0,
              let checkout = Subprocess.run(
                  ["git", "-C", root, "checkout-index", "-z", "--stdin", "-f", "-q", "--prefix=\(tree)/"], inputPath: scratch + "/paths", options: options),
              checkout.status == 0
        else {
            TemporaryFiles.removeTree(scratch)
            return nil
        }
        return (tree, scratch)
    }

    static func isManifest(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: ".") else { return false }
        return Discovery.manifestExtensions.contains(path[path.index(after: dot)...].lowercased())
    }

    /// The manifests as they were before the change: changed files replaced by their base content,
    /// added ones left out, deleted ones restored.
    func baseManifests(from head: [ManifestFile], limits: ParseLimits, pruning: Pruning) -> [ManifestFile] {
        var result: [ManifestFile] = []
        for file in head {
            if changed.contains(file.path) {
                if let bytes = base[file.path] { result.append(ManifestLoader.load(path: file.path, bytes: bytes, limits: limits, pruning: pruning)) }
            } else {
                result.append(file)
            }
        }
        for path in deleted.sorted() {
            if let bytes = base[path] { result.append(ManifestLoader.load(path: path, bytes: bytes, limits: limits, pruning: pruning)) }
        }
        return result
    }
}

struct ChangeSetError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// `revision` is not in the repository at `root`: said with what to do, above all for the
    /// shallow clone `actions/checkout` makes by default (one commit, no base branch).
    static func unknownRevision(_ revision: String, root: String) -> ChangeSetError {
        var message = "unknown git revision \(revision)"
        let shallow = Subprocess.run(["git", "-C", root, "rev-parse", "--is-shallow-repository"])?.text
            .split(whereSeparator: \.isWhitespace).first == "true"
        // `origin/main` names the remote and the branch to fetch.
        let parts = revision.split(separator: "/", maxSplits: 1).map(String.init)
        let fetch = parts.count == 2 && PlainName.isPlain(parts[0]) && !parts[1].isEmpty
            && parts[1].allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) })
            ? "git fetch --no-tags --depth=1 \(parts[0]) \(parts[1]):refs/remotes/\(parts[0])/\(parts[1])" : nil
        if shallow {
            message += ": this clone is shallow (actions/checkout fetches one commit unless `fetch-depth: 0` is set)"
            message += fetch.map { "; fetch the base first: \($0), or check out with `fetch-depth: 0`" } ?? "; check out with `fetch-depth: 0`"
        } else if let fetch {
            message += ": fetch it first: \(fetch)"
        }
        return ChangeSetError(message)
    }
}

/// The base revision's files under the scanned paths, checked out into a temporary tree laid out
/// as the repository is, and the same places in it: the scanned paths and the working directory,
/// so that what is read there has the display paths (and environment names) it has at head.
struct BaseCheckout {
    let repository: String
    let tree: (root: String, scratch: String)
    /// The working directory's place in the checkout (made when the revision lacks it).
    let workingDirectory: String
    /// The scanned paths' places in the checkout that exist there.
    let paths: [String]

    /// Nil when the working directory is outside the work tree or git cannot check the revision out.
    init?(_ change: ChangeSet, paths: [String], workingDirectory: String) {
        guard let repository = change.root,
              let inRepository = workingDirectory == repository ? "" : RepositoryRoot.relative(workingDirectory, to: repository, workingDirectory: "/")
        else { return nil }
        let absolutePaths = paths.filter { $0 != "-" }.map { RepositoryRoot.absolute($0, workingDirectory: workingDirectory) }
        guard let tree = change.baseTree(covering: absolutePaths) else { return nil }
        let directory = inRepository.isEmpty ? tree.root : tree.root + "/" + inRepository
        TemporaryFiles.makeDirectories(directory)
        func mirrored(_ path: String) -> String? {
            if path == repository { return tree.root }
            return RepositoryRoot.relative(path, to: repository, workingDirectory: "/").map { tree.root + "/" + $0 }
        }
        self.repository = repository
        self.tree = tree
        self.workingDirectory = directory
        self.paths = absolutePaths.compactMap(mirrored).filter(Discovery.exists)
    }

    /// The place of `path` (absolute, in the repository) in the checkout.
    func mirrored(_ path: String) -> String? {
        if path == repository { return tree.root }
        return RepositoryRoot.relative(path, to: repository, workingDirectory: "/").map { tree.root + "/" + $0 }
    }

    /// Removes the checkout.
    func remove() { TemporaryFiles.removeTree(tree.scratch) }
}

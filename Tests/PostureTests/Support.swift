import Foundation
import Rules
import YAMLModel

/// The repository's root, from this file's place in it.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The files of an example directory, read as the command reads them.
func exampleFiles(_ name: String) throws -> [ManifestFile] {
    let directory = repositoryRoot.appendingPathComponent("examples/\(name)")
    return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") && $0 != "access.yaml" }.sorted().map {
        ManifestLoader.load(path: "examples/\(name)/\($0)", bytes: Array(try Data(contentsOf: directory.appendingPathComponent($0))))
    }
}

/// An index of YAML documents read as one file.
func index(_ yaml: String) -> MeshIndex {
    MeshIndex(resources: ManifestLoader.load(path: "mesh.yaml", bytes: Array(yaml.utf8)).resources)
}

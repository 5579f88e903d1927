import Foundation
import Testing

/// The package's root directory, found from this file's path.
let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The built `meshlint` executable: the test bundle sits in the same products directory.
let meshlintExecutable: URL = {
    let products = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    return products.appendingPathComponent("meshlint")
}()

struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String
    let stdoutData: Data
}

/// Runs `meshlint` with `arguments` from the package root (so reported paths are relative to it).
func meshlint(_ arguments: [String], stdin: String? = nil, directory: URL = packageRoot, environment extra: [String: String] = [:]) throws -> RunResult {
    let process = Process()
    process.executableURL = meshlintExecutable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    environment.merge(extra) { _, new in new }
    process.environment = environment
    let output = Pipe()
    let errors = Pipe()
    let input = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(
        status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
        stderr: String(decoding: errorData, as: UTF8.self), stdoutData: outputData)
}

/// Compares `actual` with a committed golden file; `MESHLINT_UPDATE_GOLDEN=1 swift test` rewrites it.
func expectGolden(_ actual: String, file name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = packageRoot.appendingPathComponent("Tests/MeshLintTests/Fixtures/\(name)")
    if ProcessInfo.processInfo.environment["MESHLINT_UPDATE_GOLDEN"] == "1" {
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    if expected != actual {
        Issue.record(
            "\(name) is out of date: run `MESHLINT_UPDATE_GOLDEN=1 swift test --filter MeshLintTests` to update it, then review the diff.\n--- actual ---\n\(actual)",
            sourceLocation: sourceLocation)
    }
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("meshlint-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A corpus of `../shared/bench/gen_corpus.py` in `directory`.
func generatedCorpus(namespaces: Int, seed: Int, in directory: URL) throws -> URL {
    let corpus = directory.appendingPathComponent("c\(namespaces)-\(seed)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", packageRoot.deletingLastPathComponent().appendingPathComponent("shared/bench/gen_corpus.py").path,
                         corpus.path, "--namespaces", "\(namespaces)", "--seed", "\(seed)"]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    return corpus
}

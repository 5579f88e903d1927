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
/// The render cache of this test process.
let testRenderCache = FileManager.default.temporaryDirectory.appendingPathComponent("meshlint-test-cache-\(ProcessInfo.processInfo.processIdentifier)").path

func meshlint(_ arguments: [String], stdin: String? = nil, directory: URL = packageRoot, environment extra: [String: String] = [:]) async throws -> RunResult {
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    // Renders are cached per test process, never in the user's cache.
    environment["MESHLINT_CACHE_DIR"] = testRenderCache
    environment.merge(extra) { _, new in new }
    let child = try await runChild(
        meshlintExecutable, arguments, in: directory, environment: environment, input: stdin.map { Data($0.utf8) } ?? Data())
    return RunResult(
        status: child.status, stdout: String(decoding: child.stdout, as: UTF8.self),
        stderr: String(decoding: child.stderr, as: UTF8.self), stdoutData: child.stdout)
}

/// What a child process printed, and how it ended.
struct ChildResult: Sendable {
    let status: Int32
    let stdout: Data
    let stderr: Data
}

/// Runs `executable` and waits for it on a thread of its own. Swift Testing runs every test on the
/// cooperative pool, one thread per core: a test that blocked a pool thread while a child ran
/// stalled the whole suite, and the stall was counted in every waiting test's duration.
/// `input` is written to standard input, which is then closed, unless `keepInputOpen` holds it
/// open (a producer that never finishes) until the child has ended.
func runChild(
    _ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String]? = nil,
    input: Data = Data(), keepInputOpen: Bool = false
) async throws -> ChildResult {
    try await offThePool {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if let environment { process.environment = environment }
        let output = Pipe(), errors = Pipe(), standardInput = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = standardInput
        try process.run()
        // Standard error is drained beside standard output, so neither pipe can fill and block the child.
        let errorReader = BackgroundRead(errors.fileHandleForReading)
        if !keepInputOpen {
            standardInput.fileHandleForWriting.write(input)
            try standardInput.fileHandleForWriting.close()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errorReader.wait()
        process.waitUntilExit()
        if keepInputOpen { try standardInput.fileHandleForWriting.close() }
        return ChildResult(status: process.terminationStatus, stdout: outputData, stderr: errorData)
    }
}

/// Runs `work` on a new thread, off Swift's cooperative pool, and returns what it returned.
func offThePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result(catching: work)) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// A file handle read to its end on a thread of its own; `wait()` returns what was read.
final class BackgroundRead: @unchecked Sendable {
    // Written once by the reading thread before `done` is signalled, and read only after it.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }.start()
    }

    func wait() -> Data {
        done.wait()
        return data
    }
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

/// Writes `files` (relative path → text) under `root`, making directories as needed.
func write(_ files: [String: String], under root: URL) throws {
    for (name, text) in files {
        let url = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}

/// A corpus of the repository's `bench/gen_corpus.py` in `directory`.
func generatedCorpus(namespaces: Int, seed: Int, in directory: URL) async throws -> URL {
    let corpus = directory.appendingPathComponent("c\(namespaces)-\(seed)")
    let generator = packageRoot.appendingPathComponent("bench/gen_corpus.py")
    let run = try await runChild(
        URL(fileURLWithPath: "/usr/bin/env"), ["python3", generator.path, corpus.path, "--namespaces", "\(namespaces)", "--seed", "\(seed)"],
        in: directory)
    guard run.status == 0 else { throw CocoaError(.fileWriteUnknown) }
    return corpus
}

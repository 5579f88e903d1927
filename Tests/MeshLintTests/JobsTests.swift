import Foundation
import Testing
@testable import MeshLint

@Suite("--jobs")
struct JobsTests {
    @Test("A parallel scan of the 40-namespace benchmark corpus is byte-identical to a single-threaded one")
    func parallelEqualsSingleThreaded() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let corpus = try await generatedCorpus(namespaces: 40, seed: 1, in: directory)
        var outputs: [String: String] = [:]
        for jobs in ["1", "2", "8"] {
            for format in ["sarif", "json"] {
                let run = try await meshlint(["scan", corpus.path, "--format", format, "--jobs", jobs])
                #expect(run.status == 1, "\(run.stderr)")
                outputs["\(format) \(jobs)"] = run.stdout
            }
        }
        #expect(outputs["sarif 1"]!.count > 100_000)
        #expect(outputs["sarif 1"] == outputs["sarif 2"] && outputs["sarif 1"] == outputs["sarif 8"])
        #expect(outputs["json 1"] == outputs["json 2"] && outputs["json 1"] == outputs["json 8"])
        #expect(try await meshlint(["scan", corpus.path, "--jobs", "0"]).status == 2)
    }
}

@Suite("Pruning")
struct ScanPruningTests {
    @Test("Pruning unread pod-spec fields changes no finding, on the upstream corpus and a generated one")
    func pruningChangesNoFinding() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = try await generatedCorpus(namespaces: 40, seed: 3, in: directory)
        // The upstream corpus sits beside the clone in CI only; a user's clone checks the other two.
        let upstream = FileManager.default.fileExists(atPath: corpus.path) ? [corpus.path] : []
        for path in upstream + [generated.path, packageRoot.appendingPathComponent("examples").path] {
            var request = Scanner.Request(paths: [path])
            request.pruning = .none
            let whole = try Scanner.run(request)
            request.pruning = .standard
            let pruned = try Scanner.run(request)
            #expect(!whole.findings.isEmpty)
            #expect(pruned.findings.map(\.fingerprint) == whole.findings.map(\.fingerprint), "\(path)")
            #expect(pruned.findings.map(\.message) == whole.findings.map(\.message), "\(path)")
            #expect(pruned.summary == whole.summary, "\(path)")
        }
    }
}

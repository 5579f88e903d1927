import Foundation
import Testing

@Suite("--jobs")
struct JobsTests {
    @Test("A parallel scan of the 40-namespace benchmark corpus is byte-identical to a single-threaded one")
    func parallelEqualsSingleThreaded() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generator = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/bench/gen_corpus.py")
        let corpus = directory.appendingPathComponent("c40")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", generator.path, corpus.path, "--namespaces", "40", "--seed", "1"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        var outputs: [String: String] = [:]
        for jobs in ["1", "2", "8"] {
            for format in ["sarif", "json"] {
                let run = try meshlint(["scan", corpus.path, "--format", format, "--jobs", jobs])
                #expect(run.status == 1, "\(run.stderr)")
                outputs["\(format) \(jobs)"] = run.stdout
            }
        }
        #expect(outputs["sarif 1"]!.count > 100_000)
        #expect(outputs["sarif 1"] == outputs["sarif 2"] && outputs["sarif 1"] == outputs["sarif 8"])
        #expect(outputs["json 1"] == outputs["json 2"] && outputs["json 1"] == outputs["json 8"])
        #expect(try meshlint(["scan", corpus.path, "--jobs", "0"]).status == 2)
    }
}

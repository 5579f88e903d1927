import Foundation
import Rules
import Testing
import YAMLModel

@Suite("The linter and what rules share")
struct LinterTests {
    static func exampleFiles(_ name: String) throws -> [ManifestFile] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = root.appendingPathComponent("examples/\(name)")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted().map {
            ManifestLoader.load(path: "examples/\(name)/\($0)", bytes: Array(try Data(contentsOf: directory.appendingPathComponent($0))))
        }
    }

    @Test("Rules run on all cores, and the findings are those of running them one by one", arguments: ["payments-guide", "broken"])
    func parallelEqualsSequential(example: String) throws {
        let context = LintContext(files: try Self.exampleFiles(example))
        let linter = Linter()
        let sequential = linter.rules.flatMap { $0.check(context) }.sorted(by: Finding.reportOrder)
        #expect(!sequential.isEmpty)
        for _ in 0..<5 {
            let outcome = linter.timedLint(context)
            #expect(outcome.findings.map(\.fingerprint) == sequential.map(\.fingerprint))
            #expect(outcome.findings.map(\.message) == sequential.map(\.message))
            #expect(outcome.durations.count == linter.rules.count)
            #expect(outcome.notRun.isEmpty)
        }
    }

    @Test("A shared result is computed once per scan, and each scan has its own")
    func sharedResultsAreComputedOnce() {
        let context = LintContext(files: [])
        let computations = Counter()
        let values = (0..<50).map { _ in
            context.shared.value("answer") { () -> Int in
                computations.increment()
                return 42
            }
        }
        #expect(values == Array(repeating: 42, count: 50))
        #expect(computations.value == 1)
        let other = LintContext(files: [])
        #expect(other.shared.value("answer") { 7 } == 7)
    }

    @Test("Markers are removed and located by code point, also after multi-byte text")
    func unmarkCountsCodePoints() {
        let (text, marks) = Example.unmark("a: \"é↓x\"\n↓b: 🙂↓c\n")
        #expect(text == "a: \"éx\"\nb: 🙂c\n")
        #expect(marks == [Mark(line: 1, column: 6), Mark(line: 2, column: 1), Mark(line: 2, column: 5)])
        #expect(Example.unmark("no markers: ü").marks.isEmpty)
    }
}

/// A thread-safe count, for closures that may run on several threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

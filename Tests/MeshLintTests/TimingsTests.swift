import Foundation
import Testing
@testable import MeshLint
import Rules

@Suite("scan --timings")
struct TimingsTests {
    @Test func printsTheStagesAndTheSlowestRulesToStandardErrorOnly() async throws {
        let plain = try await meshlint(["scan", "examples/payments-guide", "--format", "json"])
        let timed = try await meshlint(["scan", "examples/payments-guide", "--format", "json", "--timings"])
        #expect(timed.status == plain.status)
        #expect(timed.stdout == plain.stdout)
        #expect(!plain.stderr.contains("timings"))
        let lines = timed.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "timings (wall milliseconds; peak resident memory so far):")
        var peaks: [Int] = []
        for stage in ["custom rules", "discovery", "read and parse 7 files", "index", "rules (\(RuleCatalog.builtIn.count))", "report json"] {
            let line = lines.first { $0.hasSuffix("  " + stage) }
            #expect(line != nil, "no stage \(stage) in \(lines)")
            // Each stage shows the peak resident memory so far, which never falls.
            let columns = line?.split(separator: " ") ?? []
            if columns.count > 2, columns[2] == "MB", let megabytes = Int(columns[1]) { peaks.append(megabytes) }
        }
        #expect(peaks.count == 6)
        #expect(peaks.allSatisfy { $0 > 0 })
        #expect(peaks == peaks.sorted())
        let slowest = try #require(lines.firstIndex { $0.hasPrefix("rules (CPU time on all cores") })
        let ruleLines = lines[(slowest + 1)...]
        #expect(ruleLines.count == 10)
        // Each line is a duration and a rule id, slowest first.
        let durations = ruleLines.map { Double($0.split(separator: " ")[0])! }
        #expect(durations == durations.sorted(by: >))
        let listed = try await meshlint(["rules"]).stdout
        for line in ruleLines {
            #expect(listed.contains(String(line.split(separator: " ")[1])))
        }
    }

    @Test func figuresNobodyReadsAreNotGathered() {
        var unread = Timings(reported: false)
        unread.measure("stage") {}
        var madeNote = false
        unread.note({ madeNote = true; return "kept" }())
        #expect(unread.stages.map(\.name) == ["stage"])
        #expect(unread.stages.allSatisfy { $0.peakResident == nil })
        #expect(unread.notes.isEmpty && !madeNote)

        var reported = Timings(reported: true)
        reported.measure("stage") {}
        reported.note("kept")
        #expect(reported.stages.first?.peakResident != nil)
        #expect(reported.notes == ["kept"])
    }
}

import Testing
@testable import MeshLint

@Suite("JSON writer: generated arrays")
struct GeneratedJSONArrayTests {
    /// Items with strings that need escaping, nested objects and arrays: what SARIF results hold.
    static func item(_ offset: Int) -> JSONValue {
        .object([
            ("id", .int(offset)),
            ("text", .string("line \(offset)\n\"quoted\" \u{1}")),
            ("nested", .array([.bool(offset % 2 == 0), .null, .object([])])),
        ])
    }

    @Test(arguments: [0, 1, 255, 256, 257, 1_000])
    func aGeneratedArrayIsWrittenExactlyLikeTheArrayItStandsFor(count: Int) {
        let whole = JSONValue.object([("results", .array((0..<count).map(Self.item)))]).serialized()
        for jobs in [1, 2, 8, nil] as [Int?] {
            let generated = JSONValue.object([("results", .generated(count: count, jobs: jobs, item: Self.item))]).serialized()
            #expect(generated == whole, "jobs \(String(describing: jobs))")
        }
    }

    @Test func streamingGivesTheSameBytesAMegabyteAtATime() {
        // About 3 MB of JSON: written in several pieces, none much over the drain size.
        let document = JSONValue.object([("results", .generated(count: 30_000, jobs: nil, item: Self.item))])
        var pieces: [[UInt8]] = []
        #expect(document.serialize { pieces.append(Array($0)); return true })
        #expect(pieces.count > 2)
        #expect(pieces.allSatisfy { $0.count < 2 << 20 })
        #expect(String(decoding: pieces.joined(), as: UTF8.self) == document.serialized())
    }

    @Test func streamingStopsWhenTheWriterFails() {
        let document = JSONValue.object([("results", .generated(count: 30_000, jobs: 1, item: Self.item))])
        var calls = 0
        #expect(!document.serialize { _ in calls += 1; return false })
        #expect(calls == 1)
    }
}

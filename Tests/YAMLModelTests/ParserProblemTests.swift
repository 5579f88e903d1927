import Testing
@testable import YAMLModel

@Suite("Parser problems")
struct ParserProblemTests {
    @Test func duplicateKeyIsReportedAtTheSecondKey() throws {
        let result = YAMLParser.parse(Array("""
            metadata:
              name: a
              labels: {x: "1"}
              name: b
            """.utf8))
        let problem = try #require(result.problems.first)
        #expect(result.problems.count == 1)
        #expect(problem.kind == .duplicateKey)
        #expect(problem.span == span(4, 3, 4, 7))
        #expect(problem.message.contains("first at line 2, column 3"))
        // The document itself is kept; lookups see the first value.
        #expect(result.documents.first?.root["metadata"]?["name"]?.string == "a")
    }

    @Test func duplicateKeyInALargeMapping() throws {
        var text = ""
        for index in 0..<40 { text += "k\(index): \(index)\n" }
        text += "k7: again\n"
        let result = YAMLParser.parse(Array(text.utf8))
        #expect(result.problems.map(\.kind) == [.duplicateKey])
        #expect(result.problems.first?.span.start == Mark(line: 41, column: 1))
        #expect(result.problems.first?.message.contains("first at line 8") == true)
    }

    @Test func sameKeyInDifferentMappingsIsFine() {
        let result = YAMLParser.parse(Array("a: {name: x}\nb: {name: y}\n".utf8))
        #expect(result.problems.isEmpty)
    }

    @Test func syntaxErrorKeepsEarlierDocuments() throws {
        let result = YAMLParser.parse(Array("""
            kind: A
            ---
            kind: B
              bad: indentation
            """.utf8))
        #expect(result.documents.count == 1)
        let problem = try #require(result.problems.first)
        #expect(problem.kind == .syntaxError)
        #expect(problem.span.start == Mark(line: 4, column: 6))
        #expect(problem.message.contains("mapping values are not allowed"))
    }

    @Test func parsingResumesAfterABrokenDocument() throws {
        let result = YAMLParser.parse(Array("""
            kind: A
            ---
            kind: B
            ports: [8080
            ---
            kind: C
            list: [1, 2]
            """.utf8))
        #expect(result.problems.map(\.kind) == [.syntaxError])
        #expect(result.documents.map { $0.root["kind"]?.string } == ["A", "C"])
        #expect(result.documents.map(\.index) == [0, 2])
        // Marks after the resumption still count from the top of the file.
        #expect(result.documents.last?.root["list"]?.span == span(7, 7, 7, 13))
    }

    @Test func anErrorBeforeTheNextDocumentStartKeepsTheFinishedOne() throws {
        // Found by fuzzing: an error between a document's end and the next one's start dropped
        // the finished document's nodes while it stayed listed, and reading it read past the store.
        for text in [" A:\n{\n---", "kind: A\n...\n: x\n", "kind: A\n---\nkind: B\n...\n]\n---\nkind: C\n"] {
            let result = YAMLParser.parse(Array(text.utf8))
            #expect(!result.problems.isEmpty, "\(text)")
            for document in result.documents {
                // Reading a listed document must stay inside the store (a debug build traps if not).
                #expect(document.root.span.start.line >= 1)
                #expect(document.root.isNull || document.root.count >= 1, "\(text)")
            }
        }
        let kept = YAMLParser.parse(Array("kind: A\n---\nkind: B\n...\n]\n---\nkind: C\n".utf8))
        #expect(kept.documents.first?.root["kind"]?.string == "A")
    }

    @Test func anErrorAtTheEndOfAFileWithoutALineBreakIsOnItsLastLine() throws {
        // libyaml places it at the start of a line after the last; findings must point into the file.
        let result = YAMLParser.parse(Array("kind: A\nkeywithoutcolon".utf8))
        let problem = try #require(result.problems.first)
        #expect(problem.span.start == Mark(line: 2, column: 16))
    }

    @Test func aDeadlineStopsAParseInTheMiddleAndSaysWhere() throws {
        // One document of 1,000,000 items takes far longer to compose than the deadlines tried
        // here: the deadline passes while it is read, and the parse stops at its next check. (On a
        // machine so loaded that even the longest passes before the parse starts, nothing is read:
        // a later deadline is tried.)
        let items = Array(repeating: "x", count: 1_000_000).joined(separator: "\n- ")
        let text = Array(("kind: A\n---\nlist:\n- " + items + "\n").utf8)
        var stopped: ParseResult?
        for milliseconds in [5, 50, 250] {
            let result = YAMLParser.parse(text, limits: ParseLimits(deadline: ContinuousClock.now.advanced(by: .milliseconds(milliseconds))))
            if result.problems.first?.message.hasPrefix("read only to line") == true {
                stopped = result
                break
            }
        }
        let result = try #require(stopped, "no deadline passed in the middle of the parse")
        let problem = try #require(result.problems.first)
        #expect(problem.kind == .incomplete)
        #expect(problem.span.start.line > 3 && problem.span.start.line < 1_000_003)
        #expect(result.documents.map { $0.root["kind"]?.string } == ["A"], "the finished document is kept, the cut one is not")
        // Already past: nothing is read.
        let late = YAMLParser.parse(text, limits: ParseLimits(deadline: ContinuousClock.now.advanced(by: .seconds(-1))))
        #expect(late.documents.isEmpty && late.problems.map(\.kind) == [.incomplete])
    }

    @Test func manyBrokenDocumentsWithoutAFinalLineBreakAreReadInOnePass() throws {
        // Each broken document is a new stretch of parsing; counting the file's lines again for
        // each one made this quadratic (minutes for a few hundred kilobytes, past any --timeout).
        let count = 10_000
        let text = String(repeating: "a: [\n---\n", count: count) + "a: ["
        let result = YAMLParser.parse(Array(text.utf8))
        #expect(result.documents.isEmpty)
        #expect(result.problems.count == count + 1)
        #expect(result.problems.last?.span.start.line == 2 * count + 1)
    }

    @Test func resumesAfterAnExplicitDocumentEnd() throws {
        let result = YAMLParser.parse(Array("a: [1\n...\nb: 2\n".utf8))
        #expect(result.problems.count == 1)
        #expect(result.documents.last?.root["b"]?.span.start == Mark(line: 3, column: 4))
    }

    @Test func undefinedAliasIsASyntaxError() {
        let result = YAMLParser.parse(Array("a: *nowhere\n---\nb: 1\n".utf8))
        #expect(result.problems.map(\.kind) == [.syntaxError])
        #expect(result.problems.first?.span.start == Mark(line: 1, column: 4))
        #expect(result.documents.map(\.index) == [1])
    }

    @Test func depthLimitSkipsOnlyThatDocument() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let result = YAMLParser.parse(Array("a: 1\n---\n\(deep)\n---\nb: 2\n".utf8), limits: ParseLimits(maxDepth: 512))
        let problem = try #require(result.problems.first)
        #expect(problem.kind == .limitExceeded)
        #expect(problem.span.start == Mark(line: 3, column: 513))
        #expect(result.documents.map(\.index) == [0, 2])
        #expect(result.nodesBuilt < 10)
    }

    /// Nine levels of ten aliases would expand to 10⁹ nodes; the cap stops it after a bounded amount
    /// of work, and nodes built stay proportional to the input, not the expansion.
    @Test func aliasBombIsCapped() throws {
        var text = "a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
        for level in 1..<names.count {
            let previous = names[level - 1]
            text += "\(names[level]): &\(names[level]) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        let clock = ContinuousClock()
        var result = ParseResult()
        let elapsed = clock.measure { result = YAMLParser.parse(Array(text.utf8)) }
        let problem = try #require(result.problems.first)
        #expect(problem.kind == .limitExceeded)
        #expect(problem.message.contains("alias"))
        #expect(result.documents.isEmpty)
        #expect(result.nodesBuilt < 200)
        #expect(result.aliasExpansion <= ParseLimits.default.maxAliasExpansion + 111_111)
        // A loose guard against an accidental expansion: the real figure is well under a millisecond.
        #expect(elapsed < .seconds(5))
    }

    @Test func readerErrorsHaveLineAndColumn() throws {
        let result = YAMLParser.parse(Array("a: 1\nb: \u{1}x\n".utf8))
        let problem = try #require(result.problems.first)
        #expect(problem.kind == .syntaxError)
        #expect(problem.span.start == Mark(line: 2, column: 4))
    }
}

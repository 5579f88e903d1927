import Testing
@testable import YAMLModel

/// Parses `text` and fails the test on any problem.
func parseClean(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ParseResult {
    let result = YAMLParser.parse(Array(text.utf8))
    #expect(result.problems.isEmpty, "unexpected problems: \(result.problems)", sourceLocation: sourceLocation)
    return result
}

func span(_ startLine: Int, _ startColumn: Int, _ endLine: Int, _ endColumn: Int) -> Span {
    Span(start: Mark(line: startLine, column: startColumn), end: Mark(line: endLine, column: endColumn))
}

@Suite("Node spans")
struct ParserSpanTests {
    @Test func spansEndInsideAFileWithoutAFinalLineBreak() throws {
        // Found by fuzzing: libyaml ends such a stream on a line after the last, and a finding on
        // a collection that runs to the end pointed outside the file.
        let root = try #require(parseClean("a:\n  b: [1, 2]\n  c: x").documents.first?.root)
        #expect(root.span.end == Mark(line: 3, column: 7))
        #expect(root["a"]?.span.end == Mark(line: 3, column: 7))
        let withBreak = try #require(parseClean("a:\n  b: 1\n").documents.first?.root)
        #expect(withBreak.span.end == Mark(line: 3, column: 1))
    }

    @Test func blockMappingKeysAndValues() throws {
        let root = try #require(parseClean("""
            apiVersion: v1
            kind: Service
            metadata:
              name: ledger
            """).documents.first?.root)
        let name = try #require(root["metadata"]?.pair("name"))
        #expect(name.key.span == span(4, 3, 4, 7))
        #expect(name.value.span == span(4, 9, 4, 15))
        #expect(name.value.string == "ledger")
        #expect(root.span.start == Mark(line: 1, column: 1))
        #expect(root["metadata"]?.kind == .mapping)
    }

    @Test func multiLineFlowCollections() throws {
        let root = try #require(parseClean("""
            spec: {
              principals: [
                "a",
                b ],
              ports: ["8080"] }
            """).documents.first?.root)
        let spec = try #require(root["spec"])
        #expect(spec.style == .flow)
        #expect(spec.span == span(1, 7, 5, 20))
        let principals = try #require(spec["principals"])
        #expect(principals.span == span(2, 15, 4, 8))
        #expect(principals.items.map(\.span) == [span(3, 5, 3, 8), span(4, 5, 4, 6)])
        #expect(principals.items.first?.style == .doubleQuoted)
        #expect(spec["ports"]?.items.first?.int == 8080)
    }

    @Test func blockScalars() throws {
        let root = try #require(parseClean("""
            data:
              literal: |
                line one
                line two
              folded: >-
                folded
                text
              after: x
            """).documents.first?.root)
        let literal = try #require(root["data"]?["literal"])
        #expect(literal.style == .literal)
        #expect(literal.string == "line one\nline two\n")
        #expect(literal.span.start == Mark(line: 2, column: 12))
        #expect(literal.span.end.line == 5)
        let folded = try #require(root["data"]?["folded"])
        #expect(folded.style == .folded)
        #expect(folded.string == "folded text")
        #expect(folded.span.start == Mark(line: 5, column: 11))
        #expect(root["data"]?.pair("after")?.key.span == span(8, 3, 8, 8))
    }

    @Test func severalDocuments() throws {
        let result = parseClean("""
            a: 1
            ---
            # only a comment
            ---
            b: 2
            ...
            ---
            c: [3]
            """)
        #expect(result.documents.map(\.index) == [0, 1, 2, 3])
        // A document holding only a comment is an empty (null) document.
        #expect(result.documents[1].root.isNull)
        #expect(result.documents.map { $0.root.pairs.first?.key.scalar } == ["a", nil, "b", "c"])
        #expect(result.documents[2].root.span.start == Mark(line: 5, column: 1))
        #expect(result.documents[3].root["c"]?.span == span(8, 4, 8, 7))
    }

    @Test func columnsCountCodePoints() throws {
        let root = try #require(parseClean("name: \"café\" # é\nnext: ✓x\n").documents.first?.root)
        #expect(root["name"]?.span == span(1, 7, 1, 13))
        #expect(root["next"]?.span == span(2, 7, 2, 9))
    }

    @Test func crlfLineEndingsKeepSpans() throws {
        let root = try #require(parseClean("a: 1\r\nmetadata:\r\n  name: x\r\n").documents.first?.root)
        #expect(root["metadata"]?.pair("name")?.value.span == span(3, 9, 3, 10))
    }

    @Test func jsonInput() throws {
        let root = try #require(parseClean("""
            {"apiVersion": "v1", "kind": "Namespace",
             "metadata": {"name": "payments", "labels": {"istio.io/dataplane-mode": "ambient"}}}
            """).documents.first?.root)
        let label = try #require(root["metadata", "labels"]?.pair("istio.io/dataplane-mode"))
        #expect(label.key.span.start == Mark(line: 2, column: 46))
        #expect(label.value.string == "ambient")
    }

    @Test func scalarReadings() throws {
        let root = try #require(parseClean("""
            a: ~
            b:
            c: null
            d: "null"
            e: true
            f: 'false'
            g: 12
            h: !!str 5
            """).documents.first?.root)
        #expect(root["a"]?.isNull == true)
        #expect(root["b"]?.isNull == true)
        #expect(root["c"]?.string == nil)
        #expect(root["d"]?.string == "null")
        #expect(root["e"]?.bool == true)
        #expect(root["f"]?.bool == false)
        #expect(root["g"]?.int == 12)
        #expect(root["h"]?.tag == "tag:yaml.org,2002:str")
    }

    @Test func aliasesShareTheAnchoredNode() throws {
        let result = parseClean("base: &b {x: 1, y: [2, 3]}\ncopy: *b\n")
        let root = try #require(result.documents.first?.root)
        #expect(root["copy"]?["y"]?.items.count == 2)
        #expect(root["copy"]?.span == root["base"]?.span)
        // The mapping, two keys, a scalar, a sequence and its two items.
        #expect(result.aliasExpansion == 7)
    }
}

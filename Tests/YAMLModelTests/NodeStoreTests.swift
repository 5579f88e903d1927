import Testing
@testable import YAMLModel

/// The compact store behind `Node`: one store per file, keys compared by bytes, aliases shared,
/// and an abandoned document's nodes dropped without disturbing the others.
@Suite("Node store")
struct NodeStoreTests {
    @Test func everyDocumentOfAFileSharesOneStore() throws {
        let documents = parseClean("a: 1\n---\nb: [x, y]\n---\nc: {d: e}\n").documents
        #expect(documents.count == 3)
        let stores = Set(documents.map { ObjectIdentifier($0.root.store) })
        #expect(stores.count == 1)
        #expect(documents[1].root["b"]?.items.map(\.string) == ["x", "y"])
        #expect(documents[2].root["c", "d"]?.string == "e")
    }

    @Test func keysAreComparedByTheirBytesNotByCanonicalEquivalence() throws {
        // "é" precomposed (U+00E9) and decomposed (e + U+0301) are equal Swift strings but different
        // keys to Kubernetes, whose decoder compares bytes.
        let root = try #require(parseClean("\u{E9}: precomposed\ne\u{301}: decomposed\n").documents.first?.root)
        #expect(root.count == 2)
        #expect(root["\u{E9}"]?.string == "precomposed")
        #expect(root["e\u{301}"]?.string == "decomposed")
        #expect(root.pair("e\u{301}")?.key.scalarIs("e\u{301}") == true)
        #expect(root.pair("e\u{301}")?.key.scalarIs("\u{E9}") == false)
    }

    @Test func keyPrefixesAreComparedByBytesInPlace() throws {
        let root = try #require(parseClean("""
            metadata:
              annotations:
                team.example.com/owner: ""
                ignore.meshlint.io/singleton-waypoint: "staging only"
                ignore.meshlint.io: bare
                ? [ignore.meshlint.io/not-a-scalar-key]
                : x
                ignore.meshlint.io/empty:
            """).documents.first?.root)
        let annotations = Labels(node: root["metadata", "annotations"])
        let matching = annotations.entries(withKeyPrefix: "ignore.meshlint.io/")
        #expect(matching.map(\.key) == ["ignore.meshlint.io/singleton-waypoint", "ignore.meshlint.io/empty"])
        #expect(matching.map(\.value) == ["staging only", ""])
        #expect(matching.first?.keySpan.start.line == 4)
        #expect(Labels(node: nil).entries(withKeyPrefix: "ignore.meshlint.io/").isEmpty)
        #expect(root.pair("metadata")?.key.scalarHasPrefix("meta") == true)
        #expect(root.pair("metadata")?.key.scalarHasPrefix("metadata!") == false)
        #expect(root.pair("metadata")?.key.scalarHasPrefix("") == true)
        #expect(root["metadata"]?.scalarHasPrefix("") == false)
    }

    @Test func anAliasIsTheAnchoredNodeItself() throws {
        let root = try #require(parseClean("""
            base: &labels {app: ledger, tier: backend}
            copy: *labels
            """).documents.first?.root)
        let base = try #require(root["base"])
        let copy = try #require(root["copy"])
        #expect(base.index == copy.index)
        #expect(copy["tier"]?.string == "backend")
        // The alias's span is the anchored node's: findings point at what was written.
        #expect(copy.span == base.span)
        #expect(root.subtreeSize == 1 + 2 + 5 + 5)
    }

    @Test func anAbandonedDocumentLeavesTheOthersIntact() throws {
        let text = """
            kind: First
            items: [1, 2]
            ---
            kind: Broken
            value: *nowhere
            ---
            kind: Third
            list: [a, b, c]
            """
        let result = YAMLParser.parse(Array(text.utf8))
        #expect(result.problems.map(\.kind) == [.syntaxError])
        #expect(result.documents.map { $0.root["kind"]?.string } == ["First", "Third"])
        let third = try #require(result.documents.last?.root)
        #expect(third["list"]?.items.map(\.string) == ["a", "b", "c"])
        #expect(third["list"]?.span == span(8, 7, 8, 16))
        // The broken document's nodes were dropped from the store, not kept as garbage.
        #expect(third.store.recordCount == 7 + 8)
    }

    @Test func tagsStylesAndNullsAreKeptPerNode() throws {
        let root = try #require(parseClean("""
            a: !!str 3
            b: 'quoted'
            c: ~
            d: !!null ""
            e: "null"
            f: NULL
            g:
            """).documents.first?.root)
        #expect(root["a"]?.tag == "tag:yaml.org,2002:str")
        #expect(root["b"]?.style == .singleQuoted)
        #expect(root["b"]?.tag == nil)
        #expect(["c", "d", "f", "g"].allSatisfy { root[$0]?.isNull == true })
        #expect(root["e"]?.isNull == false)
        #expect(root["e"]?.string == "null")
    }

    @Test func listsReadInPlaceOrFromLiterals() throws {
        let root = try #require(parseClean("xs: [1, 2, 3]\nm: {k: v}\n").documents.first?.root)
        let items = try #require(root["xs"]?.items)
        #expect(items.count == 3)
        #expect(items.last?.int == 3)
        #expect(Array(items.reversed()).map(\.int) == [3, 2, 1])
        let missing: NodeList = root["absent"]?.items ?? []
        #expect(missing.isEmpty)
        let literal: NodeList = [items[0], items[2]]
        #expect(literal.map(\.int) == [1, 3])
        let pairs = try #require(root["m"]?.pairs)
        #expect(pairs.map { $0.key.string } == ["k"])
        #expect((root["xs"]?.pairs ?? []).isEmpty)
    }

    @Test func duplicateKeysAreFoundInSmallAndLargeMappings() {
        let small = YAMLParser.parse(Array("a: 1\nb: 2\na: 3\n".utf8))
        #expect(small.problems.map(\.kind) == [.duplicateKey])
        #expect(small.problems.first?.message.contains("first at line 1, column 1") == true)
        let keys = (0..<40).map { "key\($0): \($0)" }.joined(separator: "\n")
        let large = YAMLParser.parse(Array((keys + "\nkey7: again\nkey39: again\n").utf8))
        #expect(large.problems.map(\.span.start.line) == [41, 42])
        #expect(large.problems.last?.message.contains("first at line 40") == true)
    }

    @Test func repeatedShortScalarsShareTheirBytes() throws {
        let root = try #require(parseClean("a: shop\nb: shop\nshop: a\n").documents.first?.root)
        let store = root.store
        // "a", "shop", "b" are stored once each, however often they occur.
        #expect(store.byteCount == 6)
        #expect(root["b"]?.string == "shop")
        #expect(root.pairs.map { $0.key.string } == ["a", "b", "shop"])
        #expect(root["shop"]?.span == span(3, 7, 3, 8))
    }

    @Test func whatDoesNotFitARecordIsKeptAside() throws {
        // A column past 65,535, a scalar over 65,534 bytes, a node over 254 lines, 70,000 items.
        let long = String(repeating: "x", count: 70_000)
        let block = (1...300).map { "  line \($0)" }.joined(separator: "\n")
        let items = "[" + (0..<70_000).map(String.init).joined(separator: ",") + "]"
        let text = "k: \(long)\nafter: \(long) tail\nblock: |\n\(block)\nitems: \(items)\n"
        let root = try #require(parseClean(text).documents.first?.root)
        #expect(root["k"]?.span == span(1, 4, 1, 70_004))
        #expect(root["k"]?.string?.count == 70_000)
        #expect(root["after"]?.string?.hasSuffix(" tail") == true)
        #expect(root.pair("after")?.key.span == span(2, 1, 2, 6))
        #expect(root["block"]?.span.start.line == 3)
        #expect(root["block"]?.span.end.line == 304)
        #expect(root["block"]?.string?.hasSuffix("line 300\n") == true)
        #expect(root["items"]?.items.count == 70_000)
        #expect(root["items"]?.items.last?.int == 69_999)
        #expect(root["items"]?.span.end.column == items.count + 8)
    }

    @Test func reusedScratchBuffersChangeNothing() throws {
        let texts = [
            "a: 1\nlist: [x, y]\n",
            "kind: Broken\nvalue: *nowhere\n---\nkind: Fine\nname: shop\n",
            String(repeating: "key: value\n", count: 1).appending("long: \(String(repeating: "z", count: 70_000))\n"),
            "apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {volumes: &v [{name: a}]}}}\nextra: *v\n",
            "b: shop\nc: shop\n",
        ]
        let scratch = ParseScratch()
        for text in texts {
            let fresh = YAMLParser.parse(Array(text.utf8), pruning: .standard)
            let reused = YAMLParser.parse(Array(text.utf8), pruning: .standard, scratch: scratch)
            #expect(reused.problems.map(\.message) == fresh.problems.map(\.message))
            #expect(reused.documents.count == fresh.documents.count)
            // Nothing of the file before is kept in this file's store.
            #expect(reused.documents.first?.root.store.recordCount == fresh.documents.first?.root.store.recordCount)
            #expect(reused.documents.first?.root.store.byteCount == fresh.documents.first?.root.store.byteCount)
            for (left, right) in zip(reused.documents, fresh.documents) {
                #expect(left.root.path(to: left.root.span.start) == right.root.path(to: right.root.span.start))
                #expect(Self.dump(left.root) == Self.dump(right.root))
            }
        }
    }

    /// Every node's kind, text and span, in order.
    static func dump(_ node: Node) -> [String] {
        var lines = ["\(node.kind) \(node.span) \(node.scalar ?? "")"]
        for item in node.items { lines += dump(item) }
        for pair in node.pairs { lines += dump(pair.key) + dump(pair.value) }
        return lines
    }

    @Test func collectionsOfConsecutiveRecordsStoreNoChildList() throws {
        let root = try #require(parseClean("labels: {a: b, c: d}\nitems: [1, 2, 3]\n").documents.first?.root)
        // Only the root's four children (two keys, two collections) are listed; the labels and
        // items are read from the records that follow one another.
        #expect(root.store.childListCount == 4)
        #expect(root["labels"]?.pairs.map { "\($0.key.string!)=\($0.value.string!)" } == ["a=b", "c=d"])
        #expect(root["labels", "c"]?.string == "d")
        #expect(root["items"]?.items.map(\.int) == [1, 2, 3])
        #expect(root.subtreeSize == 1 + 2 + 5 + 4)
    }

    @Test(arguments: [254, 255, 256, 300])
    func valuesAtTheEdgeOfARecordReadBackExactly(size: Int) throws {
        // A key starting at column `size`, a scalar of `size` bytes, a list of `size` items, and a
        // block spanning `size` lines: each either fits a record or is kept aside, and reads the same.
        let padding = String(repeating: " ", count: size - 1)
        let scalar = String(repeating: "s", count: size)
        let list = "[" + (0..<size).map(String.init).joined(separator: ",") + "]"
        let block = (1...size).map { "  l\($0)" }.joined(separator: "\n")
        let text = "outer:\n\(padding)k: v\nscalar: \(scalar)\nlist: \(list)\nblock: |\n\(block)\n"
        let root = try #require(parseClean(text).documents.first?.root)
        #expect(root.pair("outer")?.value.pairs.first?.key.span == span(2, size, 2, size + 1))
        #expect(root["scalar"]?.string == scalar)
        #expect(root["scalar"]?.span == span(3, 9, 3, 9 + size))
        #expect(root["list"]?.items.count == size)
        #expect(root["list"]?.items.last?.int == size - 1)
        #expect(root["block"]?.span.end.line == 6 + size)
    }

    @Test func aLineBeyondSixteenMillionIsKeptAside() {
        var table = NodeTable()
        let far = Span(start: Mark(line: 20_000_000, column: 3), end: Mark(line: 20_000_000, column: 5))
        let near = Span(start: Mark(line: 7, column: 3), end: Mark(line: 7, column: 5))
        let first = table.appendScalar(span: far, style: .plain, tag: nil, first: 0, count: 2)
        let second = table.appendScalar(span: near, style: .plain, tag: nil, first: 0, count: 2)
        #expect(table.span(first) == far)
        #expect(table.span(second) == near)
        #expect(table.record(first).isWide && !table.record(second).isWide)
        #expect(MemoryLayout<NodeRecord>.stride == 12)
    }
}

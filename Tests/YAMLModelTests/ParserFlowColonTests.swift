import Testing
@testable import YAMLModel

/// Plain scalars with a colon before `,`, `]` or `}` in a flow collection (`[fd00::]`): libyaml
/// refuses them, Kubernetes' YAML (go-yaml) reads the colon as content. Expected readings were
/// checked against go-yaml v2, the parser under sigs.k8s.io/yaml.
@Suite("Flow plain scalars ending in a colon")
struct ParserFlowColonTests {
    static let serviceEntry = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: a}
        spec:
          addresses: [fd00::, 10.0.0.0/8]
          endpoints: [{address: "::1"}]

        """

    @Test func serviceEntryAddressesReadAsKubernetesReadsThem() throws {
        let root = try #require(parseClean(Self.serviceEntry).documents.first?.root)
        let addresses = try #require(root["spec", "addresses"])
        #expect(addresses.span == span(5, 14, 5, 34))
        #expect(addresses.items.map(\.string) == ["fd00::", "10.0.0.0/8"])
        #expect(addresses.items.map(\.span) == [span(5, 15, 5, 21), span(5, 23, 5, 33)])
        #expect(addresses.items.map(\.style) == [.plain, .plain])
        let endpoint = try #require(root["spec", "endpoints"]?.items.first?["address"])
        #expect(endpoint.string == "::1")
        #expect(endpoint.span == span(6, 25, 6, 30))
        #expect(root["metadata", "name"]?.span == span(3, 18, 3, 19))
    }

    /// A flow collection, one of its scalars, the value go-yaml gives it, and where it is.
    struct Case: Sendable, CustomTestStringConvertible {
        let text: String
        let path: [String]
        let item: Int?
        let value: String
        let span: Span
        var testDescription: String { text }
    }

    @Test("the colon stays in the scalar, which keeps its exact span", arguments: [
        Case(text: "[fd00::, 2001:db8::/32]", path: [], item: 0, value: "fd00::", span: span(1, 2, 1, 8)),
        Case(text: "[fd00::, 2001:db8::/32]", path: [], item: 1, value: "2001:db8::/32", span: span(1, 10, 1, 23)),
        Case(text: "[2001:db8::]", path: [], item: 0, value: "2001:db8::", span: span(1, 2, 1, 12)),
        Case(text: "[fd00::/8, 2001:db8::/32]", path: [], item: 1, value: "2001:db8::/32", span: span(1, 12, 1, 25)),
        Case(text: "{a: fd00::}", path: ["a"], item: nil, value: "fd00::", span: span(1, 5, 1, 11)),
        Case(text: "{a: b:, c: d::}", path: ["c"], item: nil, value: "d::", span: span(1, 12, 1, 15)),
        Case(text: "k: [a:]", path: ["k"], item: 0, value: "a:", span: span(1, 5, 1, 7)),
        Case(text: "[é, ✓fd00::]", path: [], item: 1, value: "✓fd00::", span: span(1, 5, 1, 12)),
        Case(text: "[!!str fd00::]", path: [], item: 0, value: "fd00::", span: span(1, 2, 1, 14)),
        Case(text: "[&x fd00::, *x]", path: [], item: 1, value: "fd00::", span: span(1, 2, 1, 11)),
        Case(text: "k: [a b\n  c:, d]", path: ["k"], item: 0, value: "a b c:", span: span(1, 5, 2, 5)),
        // A colon opening a continuation line is no guess of the pre-scan: libyaml reports it.
        Case(text: "[a\n  :, b]", path: [], item: 0, value: "a :", span: span(1, 2, 2, 4)),
        Case(text: "k: [fd00::,\r\n  fd01::]\r\n", path: ["k"], item: 1, value: "fd01::", span: span(2, 3, 2, 9)),
        Case(text: "k: [x, fd00::]", path: ["k"], item: 1, value: "fd00::", span: span(1, 8, 1, 14)),
    ])
    func colonIsContent(_ example: Case) throws {
        let root = try #require(parseClean(example.text).documents.first?.root)
        var node = root
        for key in example.path { node = try #require(node[key]) }
        if let item = example.item { node = node.items[item] }
        #expect(node.kind == .scalar)
        #expect(node.string == example.value)
        #expect(node.span == example.span)
    }

    @Test func aKeyEndingInAColonHasANullValue() throws {
        let root = try #require(parseClean("{a:}").documents.first?.root)
        let pair = try #require(root.pair("a:"))
        #expect(pair.key.span == span(1, 2, 1, 4))
        #expect(pair.value.isNull)
    }

    @Test func byteOrderMark() throws {
        // libyaml reads the mark that starts a stream without counting a column.
        let root = try #require(parseClean("\u{FEFF}a: [fd00::]\nb: [fd01::]\n").documents.first?.root)
        #expect(root["a"]?.items.first?.string == "fd00::")
        #expect(root["a"]?.items.first?.span == span(1, 5, 1, 11))
        #expect(root["b"]?.items.first?.string == "fd01::")
    }

    @Test func noFinalLineBreak() throws {
        let root = try #require(parseClean("k: [fd00::]").documents.first?.root)
        #expect(root["k"]?.items.first?.string == "fd00::")
        #expect(root["k"]?.span == span(1, 4, 1, 12))
        #expect(root.span.end == Mark(line: 1, column: 12))
    }

    @Test("what go-yaml rejects stays an error", arguments: [
        "[::1]", "k: [::1]", "[a:[b]]", "{a:{b: c}}", "[a:?b]", "{a:?}", "[a:,:]",
    ])
    func rejected(_ text: String) {
        let result = YAMLParser.parse(Array(text.utf8))
        #expect(result.problems.map(\.kind) == [.syntaxError])
        #expect(result.documents.isEmpty)
    }

    @Test func colonsElsewhereKeepTheirMeaning() throws {
        // Comments, quoted and block scalars and a block-context plain scalar that look like the
        // pattern: the pre-scan guesses them, the parse shows them out of place, they stay as written.
        let root = try #require(parseClean("""
            # see fd00::, fd01::]
            quoted: ["a:,", 'b:]', c:]
            block: |
              x:,
              y:}
            plain: p:, q:}
            flow: [fd00::] # z:,

            """).documents.first?.root)
        #expect(root["quoted"]?.items.map(\.string) == ["a:,", "b:]", "c:"])
        #expect(root["block"]?.string == "x:,\ny:}\n")
        #expect(root["plain"]?.string == "p:, q:}")
        #expect(root["plain"]?.span == span(6, 8, 6, 15))
        #expect(root["flow"]?.items.first?.string == "fd00::")
        #expect(root["flow"]?.items.first?.span == span(7, 8, 7, 14))
    }

    @Test func otherDocumentsAndTheirErrorsAreKept() throws {
        let result = YAMLParser.parse(Array("""
            kind: A
            ports: [8080
            ---
            kind: B
            addresses: [fd00::, fd01::]
            ---
            kind: C
            bad: [a:[b]]
            ---
            kind: D

            """.utf8))
        #expect(result.problems.map(\.kind) == [.syntaxError, .syntaxError])
        #expect(result.problems.map(\.span.start.line) == [3, 8])
        #expect(result.documents.map { $0.root["kind"]?.string } == ["B", "D"])
        #expect(result.documents.map(\.index) == [1, 3])
        let addresses = try #require(result.documents.first?.root["addresses"])
        #expect(addresses.items.map(\.string) == ["fd00::", "fd01::"])
        #expect(addresses.items.map(\.span) == [span(5, 13, 5, 19), span(5, 21, 5, 27)])
    }

    @Test func prunedFieldsStillParse() throws {
        let text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: w}
            spec:
              template:
                spec:
                  containers:
                  - name: app
                    args: [--bind=fd00::, --peer=fd01::]
                    ports: [{containerPort: 8080, hostIP: fd00::}]
                  hostAliases: [{ip: fd00::, hostnames: [a]}]

            """
        let result = YAMLParser.parse(Array(text.utf8), pruning: .standard)
        #expect(result.problems.isEmpty)
        let spec = try #require(result.documents.first?.root["spec", "template", "spec"])
        // `args` and `hostAliases` are pruned: never built, but their colons were still checked.
        #expect(spec["containers"]?.items.first?["args"] == nil)
        #expect(spec["hostAliases"] == nil)
        let hostIP = try #require(spec["containers"]?.items.first?["ports"]?.items.first?["hostIP"])
        #expect(hostIP.string == "fd00::")
        #expect(hostIP.span == span(10, 47, 10, 53))
    }

    @Test func limitsStillApply() throws {
        let text = "k: [fd00::, [[[x]]]]\n---\nk: [fd01::]\n"
        let result = YAMLParser.parse(Array(text.utf8), limits: ParseLimits(maxDepth: 3))
        #expect(result.problems.map(\.kind) == [.limitExceeded])
        #expect(result.documents.map(\.index) == [1])
        #expect(result.documents.first?.root["k"]?.items.first?.string == "fd01::")
        let late = YAMLParser.parse(Array(text.utf8), limits: ParseLimits(deadline: .now - .seconds(1)))
        #expect(late.problems.map(\.kind) == [.incomplete])
        #expect(late.documents.isEmpty)
    }

    @Test func aReusedScratchServesTheNextFile() throws {
        let scratch = ParseScratch()
        let repaired = YAMLParser.parse(Array("k: [fd00::, a]\n".utf8), scratch: scratch)
        let next = YAMLParser.parse(Array("k: [b, c]\n".utf8), scratch: scratch)
        #expect(repaired.documents.first?.root["k"]?.items.map(\.string) == ["fd00::", "a"])
        #expect(next.documents.first?.root["k"]?.items.map(\.string) == ["b", "c"])
        #expect(repaired.problems.isEmpty && next.problems.isEmpty)
    }

    @Test func manyAddressesInOneList() throws {
        let addresses = (0..<3000).map { "fd00:\(String($0, radix: 16))::" }
        let root = try #require(parseClean("addresses: [\(addresses.joined(separator: ", "))]\n").documents.first?.root)
        let items = try #require(root["addresses"]?.items)
        #expect(items.map(\.string) == addresses)
        #expect(items.last?.span.end.column == 12 + addresses.map { $0.count + 2 }.reduce(0, +) - 1)
    }

    @Test func manifestLoaderYieldsTheServiceEntry() throws {
        let file = ManifestLoader.load(path: "service-entry.yaml", bytes: Array(Self.serviceEntry.utf8))
        #expect(file.problems.isEmpty)
        let resource = try #require(file.resources.first)
        #expect(file.resources.count == 1)
        #expect(resource.kind == "ServiceEntry")
        #expect(resource.apiVersion == "networking.istio.io/v1")
        #expect(resource.name == "a")
        let addresses = try #require(resource.node["spec", "addresses"])
        #expect(addresses.items.map(\.string) == ["fd00::", "10.0.0.0/8"])
        #expect(addresses.items.first?.span == span(5, 15, 5, 21))
    }
}

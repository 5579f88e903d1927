import CustomRules
import Rules
import Testing
import YAMLModel

/// What a load or a scan computes once and shares between custom rules: compiled patterns, the
/// values a path reaches, and the error a parallel load reports.
@Suite("Custom rules: work done once")
struct SharingTests {
    static let manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {team: shop, cost-center: cc-12}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: web, labels: {team: Web, cost-center: x-1}}
        """

    static func findings(_ rules: [CustomRule]) -> [Finding] {
        let file = ManifestLoader.load(path: "mesh.yaml", bytes: Array(manifests.utf8))
        return Linter(rules: rules).lint(LintContext(files: [file]))
    }

    @Test("Rules sharing a pattern and a path give the findings each gives alone")
    func sharedPatternsAndPaths() throws {
        // Two rules, one pattern, one path (shared through the load's PatternCache and the scan's
        // FieldValues); a third with the same path and another pattern.
        let text = ruleDocument(match: "{kinds: [Namespace]}", assert: "  - {path: 'metadata.labels[\"team\"]', matches: '[a-z]+'}", id: "org-one")
            + "\n---\n" + ruleDocument(match: "{kinds: [Namespace]}", assert: "  - {path: 'metadata.labels[\"team\"]', matches: '[a-z]+'}", id: "org-two")
            + "\n---\n" + ruleDocument(match: "{kinds: [Namespace]}", assert: "  - {path: 'metadata.labels[\"team\"]', matches: '[A-Z][a-z]+'}", id: "org-three")
        let together = Self.findings(try loadRules(text))
        var alone: [Finding] = []
        for document in text.components(separatedBy: "\n---\n") {
            alone += Self.findings(try loadRules(document))
        }
        #expect(together.map(\.fingerprint).sorted() == alone.map(\.fingerprint).sorted())
        // The memo must not turn one pattern's answer into another's.
        #expect(together.filter { $0.ruleID == "org-one" }.map(\.resource?.name) == ["web"])
        #expect(together.filter { $0.ruleID == "org-two" }.map(\.resource?.name) == ["web"])
        #expect(together.filter { $0.ruleID == "org-three" }.map(\.resource?.name) == ["shop"])
    }

    @Test("A pattern is compiled once per load, whatever the number of rules that write it")
    func patternsAreDeduplicated() throws {
        let cache = PatternCache()
        let documents = (0..<5).map {
            ruleDocument(match: "{kinds: [Namespace]}", assert: "  - {path: metadata.name, matches: 'cc-[0-9]+'}", id: "org-rule-\($0)")
        }
        _ = try CustomRuleLoader.load(Array(documents.joined(separator: "\n---\n").utf8), file: "a.yaml", builtInIDs: builtInIDs, patterns: cache)
        _ = try CustomRuleLoader.load(
            Array(ruleDocument(match: "{kinds: [Namespace]}", assert: "  - {path: metadata.name, matches: 'other'}", id: "org-b").utf8),
            file: "b.yaml", builtInIDs: builtInIDs, patterns: cache)
        #expect(cache.count == 2)
    }

    @Test("Rules are read in parallel, but the first error in the file is the one reported")
    func firstErrorInDocumentOrder() {
        let documents = (0..<8).map { number in
            ruleDocument(match: "{kinds: [Namespace]}", assert: number == 3 || number == 6 ? "  - {fact: ambiance}" : "  - {fact: ambient}", id: "org-rule-\(number)")
        }
        for _ in 0..<20 {
            let error = loadError(documents.joined(separator: "\n---\n"))
            // Each document is 12 lines and a separator: the fourth starts on line 40.
            #expect(error?.mark.line == 3 * 13 + 12)
        }
    }
}

import Rules
import Testing
import YAMLModel
#if canImport(Glibc)
import Glibc
#endif

@Suite("Rule catalogue")
struct RuleCatalogTests {
    let descriptions = RuleCatalog.builtIn.map { $0.description }

    @Test func idsAreUniqueKebabCaseAndSorted() {
        let ids = descriptions.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        for id in ids {
            #expect(id.wholeMatch(of: /[a-z][a-z0-9]*(-[a-z0-9]+)*/) != nil, "\(id) is not kebab-case")
        }
    }

    @Test func everyRuleHasExamplesOfBothKinds() {
        for description in descriptions {
            #expect(!description.triggeringExamples.isEmpty, "\(description.id) has no triggering example")
            #expect(!description.nonTriggeringExamples.isEmpty, "\(description.id) has no non-triggering example")
        }
    }

    @Test func documentationIsWrittenInSentences() {
        for description in descriptions {
            #expect(description.summary.hasSuffix("."), "\(description.id): summary must be a sentence")
            #expect(description.summary.first?.isUppercase == true, "\(description.id): summary must start a sentence")
            #expect(description.rationale.count > 80, "\(description.id): rationale is too thin")
            #expect(!description.remediation.isEmpty)
            #expect(!description.name.isEmpty)
            for reference in description.references {
                #expect(reference.hasPrefix("https://"), "\(description.id): \(reference)")
            }
        }
    }

    /// GitHub code scanning ranks security alerts by `security-severity` and accepts at most 20 tags.
    @Test func securityRulesCarryASeverityScore() {
        for description in descriptions {
            #expect(!description.tags.isEmpty && description.tags.count <= 20, "\(description.id): tags")
            if description.tags.contains("security") {
                let score = description.securitySeverity ?? 0
                #expect(score >= 0.1 && score <= 10.0, "\(description.id): security-severity \(score)")
            } else {
                #expect(description.securitySeverity == nil, "\(description.id): a score without the security tag")
            }
        }
    }

    @Test func securityRulesCiteIstio() {
        for description in descriptions where !description.inputs.isEmpty {
            #expect(description.references.contains { $0.hasPrefix("https://istio.io/") }, "\(description.id) cites no istio.io page")
        }
    }

    /// Every `*Rule.swift` file under `Sources/Rules/BuiltIn` declares a rule the catalogue lists.
    @Test func everyRuleFileIsInTheCatalogue() throws {
        let testsDirectory = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
        let builtIn = "/" + testsDirectory + "/Sources/Rules/BuiltIn"
        let files = ruleFiles(under: builtIn)
        #expect(!files.isEmpty, "no rule files found under \(builtIn)")
        let catalogued = Set(RuleCatalog.builtIn.map { String(describing: $0) })
        for file in files {
            let typeName = String(file.dropLast(".swift".count))
            #expect(catalogued.contains(typeName), "\(typeName) is not in RuleCatalog.builtIn")
        }
        #expect(files.count == RuleCatalog.builtIn.count)
    }

    private func ruleFiles(under directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var result: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name.hasPrefix(".") { continue }
            if name.hasSuffix("Rule.swift") {
                result.append(name)
            } else if !name.contains(".") {
                result += ruleFiles(under: directory + "/" + name)
            }
        }
        return result
    }
}

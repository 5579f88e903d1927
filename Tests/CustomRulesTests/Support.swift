import CustomRules
import Foundation
import Rules
import YAMLModel

/// The repository's root, from this file's place in it.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

let builtInIDs: Set<String> = Set(RuleCatalog.builtIn.map { $0.description.id })

/// Loads rule documents from text.
func loadRules(_ text: String, file: String = "rules.yaml") throws(CustomRuleError) -> [CustomRule] {
    try CustomRuleLoader.load(Array(text.utf8), file: file, builtInIDs: builtInIDs)
}

/// The error loading `text` gives, or nil.
func loadError(_ text: String) -> CustomRuleError? {
    do {
        _ = try loadRules(text)
        return nil
    } catch {
        return error
    }
}

/// One rule document with the given `match` and `assert` (flow or block YAML, indented by 4).
func ruleDocument(match: String, assert: String, id: String = "org-test-rule") -> String {
    """
    apiVersion: meshlint.io/v1alpha1
    kind: Rule
    metadata:
      name: \(id)
    spec:
      severity: error
      summary: A test rule.
      rationale: Tests need rules.
      remediation: Fix it.
      match: \(match)
      assert:
    \(assert)
    """
}

/// The single rule of `ruleDocument(...)`.
func rule(match: String, assert: String) throws -> CustomRule {
    let rules = try loadRules(ruleDocument(match: match, assert: assert))
    return rules[0]
}

/// Checks `rule` against manifests given as text, one file per string.
func check(_ rule: some Rule, _ manifests: String...) -> [Finding] {
    let files = manifests.enumerated().map { ManifestLoader.load(path: "m\($0).yaml", bytes: Array($1.utf8)) }
    return rule.check(LintContext(files: files))
}

/// The manifests of an example directory, optionally with one file's text replaced.
func exampleFiles(_ directory: String, replacing: [String: String] = [:], adding: [String] = []) throws -> [ManifestFile] {
    let url = repositoryRoot.appendingPathComponent("examples").appendingPathComponent(directory)
    let names = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.sorted()
    var files = try names.map { name in
        let text = try replacing[name] ?? String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
        return ManifestLoader.load(path: name, bytes: Array(text.utf8))
    }
    files += adding.enumerated().map { ManifestLoader.load(path: "added\($0).yaml", bytes: Array($1.utf8)) }
    return files
}

func exampleText(_ directory: String, _ name: String) throws -> String {
    try String(contentsOf: repositoryRoot.appendingPathComponent("examples/\(directory)/\(name)"), encoding: .utf8)
}

import Foundation
import Testing

/// The real upstream manifests in the shared folder (istio/istio, Kiali, istio.io), beside the clone.
let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

@Suite("Upstream corpus", .enabled(if: FileManager.default.fileExists(atPath: corpus.path)))
struct CorpusTests {
    /// Real manifests written by the Istio and Kiali projects all parse: no input finding, no crash.
    @Test func realManifestsParseCleanly() async throws {
        let run = try await meshlint(["scan", corpus.path, "--format", "json"])
        #expect(run.status == 0 || run.status == 1, "stderr: \(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary["files"]! >= 40)
        #expect(summary["resources"]! >= 100)
        let findings = try #require(object["findings"] as? [[String: Any]])
        let inputRules: Set<String> = ["yaml-syntax-error", "yaml-duplicate-key", "input-not-text", "input-limit-exceeded"]
        let inputFindings = findings.filter { inputRules.contains($0["rule"] as? String ?? "") }
        #expect(inputFindings.isEmpty, "\(inputFindings)")
    }

    /// Every finding on the real upstream manifests, reviewed one by one (README, "Accuracy"): a
    /// change in what MeshLint reports on them shows up as a diff of this list.
    @Test func findingsOnRealManifestsAreTheReviewedOnes() async throws {
        let run = try await meshlint(["scan", corpus.path, "--format", "json", "--fail-on", "never"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        let prefix = corpus.path + "/"
        let lines = findings.map { finding -> String in
            let file = (finding["file"] as? String ?? "").replacingOccurrences(of: prefix, with: "")
            let resource = finding["resource"] as? [String: Any]
            let name = resource.map { "\($0["kind"] ?? "") \($0["namespace"] as? String ?? "-")/\($0["name"] ?? "")" } ?? "-"
            let span = finding["span"] as? [String: Int] ?? [:]
            return "\(file):\(span["startLine"] ?? 0) \(finding["rule"] ?? "") \(name)"
        }
        try expectGolden(lines.joined(separator: "\n") + "\n", file: "corpus.expected")
    }

    /// istio/istio's Go-templated test manifest is recognised as a template, not read as YAML.
    @Test func goTemplateIsNotRead() async throws {
        let template = corpus.appendingPathComponent("istio/tests__integration__ambient__testdata__requestauthn__waypoint-jwt.yaml.tmpl")
        let run = try await meshlint(["scan", template.path, "--format", "json", "--fail-on", "note"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("\"rule\": \"helm-template-not-rendered\""))
        #expect(run.stdout.contains("\"resources\": 0"))
    }
}

import Foundation
import Testing

/// Every folder under `examples/` is a scenario with committed expected findings: one line per
/// finding, `file:line:col severity rule-id`, so a change in what MeshLint reports on a real
/// manifest set shows up as a reviewed diff.
@Suite("Example scenarios")
struct ScenarioTests {
    static let scenarios: [String] = {
        let examples = packageRoot.appendingPathComponent("examples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: examples.path)) ?? []
        // Folders are scenarios; a file beside them (an example workflow) is not.
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && !renderedScenarios.contains(name) && !helmScenarios.contains(name)
                && FileManager.default.fileExists(atPath: examples.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }()

    /// Scenarios built by Kustomize: they need kubectl or kustomize, and are skipped (saying so)
    /// without one; `.ci/run` requires one.
    static let renderedScenarios = ["kustomize-overlays"]
    /// Scenarios rendered by Helm: they need the test helm (`scripts/install-helm-sdk`).
    static let helmScenarios = ["helm-chart"]

    @Test("Kustomize scenarios", .enabled(if: KustomizeRenderingTests.engineFound, "needs kubectl or kustomize on PATH"),
          arguments: renderedScenarios)
    func renderedScenarioReportsItsExpectedFindings(_ name: String) async throws {
        try await scenarioReportsItsExpectedFindings(name)
    }

    @Test("Helm scenarios", .enabled(if: HelmRenderingTests.helperFound, Comment(rawValue: HelmRenderingTests.skipMessage)),
          arguments: helmScenarios)
    func helmScenarioReportsItsExpectedFindings(_ name: String) async throws {
        try await scenarioReportsItsExpectedFindings(name, options: ["--helm", try #require(HelmRenderingTests.helper)])
    }

    @Test(arguments: scenarios)
    func scenarioReportsItsExpectedFindings(_ name: String) async throws {
        try await scenarioReportsItsExpectedFindings(name, options: [])
    }

    func scenarioReportsItsExpectedFindings(_ name: String, options: [String]) async throws {
        let run = try await meshlint(["scan", "examples/\(name)", "--format", "json"] + options)
        #expect(run.status == 0 || run.status == 1, "stderr: \(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        let lines = findings.map { finding -> String in
            let span = finding["span"] as! [String: Int]
            return "\(finding["file"]!):\(span["startLine"]!):\(span["startColumn"]!) \(finding["severity"]!) \(finding["rule"]!)"
        }
        try expectGolden(lines.map { $0 + "\n" }.joined(), file: "scenarios/\(name).expected")
        let hasErrors = findings.contains { $0["severity"] as? String == "error" }
        #expect(run.status == (hasErrors ? 1 : 0))
    }

    @Test func thereAreScenarios() {
        #expect(Self.scenarios.contains("payments-guide"))
        #expect(Self.scenarios.contains("broken"))
    }
}

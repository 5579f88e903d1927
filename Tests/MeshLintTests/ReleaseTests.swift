import Foundation
import Testing
@testable import MeshLint

/// What the action and the release workflow rely on, checked without a network.
@Suite("Release and action")
struct ReleaseTests {
    @Test(".meshlint-version is the version the code reports, so the action downloads the release it was committed with")
    func recordedVersionIsTheTools() throws {
        let recorded = try String(contentsOf: packageRoot.appendingPathComponent(".meshlint-version"), encoding: .utf8)
        #expect(recorded.trimmingCharacters(in: .whitespacesAndNewlines) == ToolInfo.version)
    }

    @Test("no input of the action reaches a script as ${{ }}: every value goes through the environment")
    func actionScriptsReadInputsFromTheEnvironment() throws {
        let action = try String(contentsOf: packageRoot.appendingPathComponent("action.yml"), encoding: .utf8)
        var inScript = false
        var scriptIndent = 0
        for line in action.split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = line.prefix { $0 == " " }.count
            if inScript, !line.trimmingCharacters(in: .whitespaces).isEmpty, indent <= scriptIndent { inScript = false }
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("run: |") {
                inScript = true
                scriptIndent = indent
                continue
            }
            if inScript { #expect(!line.contains("${{"), "\(line)") }
        }
    }
}

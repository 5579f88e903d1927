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

    @Test("the README's install commands parse as shell and name the files, paths and version the release makes")
    func installCommandsAreConsistent() async throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let install = try #require(readme.components(separatedBy: "## Install").dropFirst().first?.components(separatedBy: "\n## ").first)
        // The archive the release workflow's own script names, at the recorded version.
        #expect(install.contains("meshlint-\(ToolInfo.version)-linux-x86_64.tar.gz"))
        #expect(install.contains("meshlint-\(ToolInfo.version)-linux-x86_64/meshlint"))
        let package = try String(contentsOf: packageRoot.appendingPathComponent("scripts/release/package"), encoding: .utf8)
        #expect(package.contains("name=\"meshlint-$version-$target\""))
        let workflow = try String(contentsOf: packageRoot.appendingPathComponent(".github/workflows/release.yml"), encoding: .utf8)
        #expect(workflow.contains("\"linux-${{ matrix.arch }}\"") && workflow.contains("{arch: x86_64"))
        #expect(workflow.contains("tags: ghcr.io/${{ github.repository }}:${{ github.ref_name }}"))
        #expect(install.contains("ghcr.io/meshlint/meshlint:v\(ToolInfo.version)"))
        // The files it points at are in the repository.
        for path in ["Formula/meshlint.rb", "Dockerfile", "scripts/release/build-linux"] {
            #expect(install.contains(path), "\(path)")
            #expect(FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent(path).path), "\(path)")
        }
        // Every command of its shell blocks parses (sh -n), without running what needs a network.
        let blocks = install.components(separatedBy: "```sh\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
        #expect(!blocks.isEmpty)
        for block in blocks {
            let check = try await runChild(URL(fileURLWithPath: "/bin/sh"), ["-n", "-c", block], in: packageRoot)
            #expect(check.status == 0, "\(block)")
        }
    }

    @Test("docs/ci.md documents every input of the action")
    func everyInputIsDocumented() throws {
        let action = try String(contentsOf: packageRoot.appendingPathComponent("action.yml"), encoding: .utf8)
        let inputs = try #require(action.components(separatedBy: "\ninputs:\n").dropFirst().first?.components(separatedBy: "\noutputs:").first)
        let names = inputs.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") && $0.hasSuffix(":") }
            .map { String($0.dropFirst(2).dropLast()) }
        #expect(names.contains("changed-since") && names.contains("version") && names.contains("timeout"))
        let docs = try String(contentsOf: packageRoot.appendingPathComponent("docs/ci.md"), encoding: .utf8)
        for name in names { #expect(docs.contains("| `\(name)` |"), "\(name)") }
    }
}

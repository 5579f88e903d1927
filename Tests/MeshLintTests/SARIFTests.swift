import Foundation
import Rules
import Testing
@testable import MeshLint

/// Output made comparable across machines: the version and the absolute repository root vary.
func normalised(_ text: String) -> String {
    text.replacingOccurrences(of: "\"semanticVersion\": \"\(ToolInfo.version)\"", with: "\"semanticVersion\": \"<version>\"")
        .replacingOccurrences(of: "file://" + SARIFReporter.percentEncoded(packageRoot.path) + "/", with: "file:///<repository>/")
}

func sarif(_ arguments: [String], directory: URL = packageRoot) async throws -> [String: Any] {
    let run = try await meshlint(["scan"] + arguments + ["--format", "sarif"], directory: directory)
    #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
}

func results(_ document: [String: Any]) -> [[String: Any]] {
    ((document["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
}

@Suite("SARIF, GitHub and Markdown outputs")
struct SARIFTests {
    @Test(arguments: [("sarif", "payments-guide.sarif"), ("github", "payments-guide.github.txt"), ("markdown", "payments-guide.md")])
    func paymentsGuideMatchesGoldenFile(_ format: String, _ golden: String) async throws {
        let run = try await meshlint(["scan", "examples/payments-guide", "--format", format])
        #expect(run.status == 1)
        try expectGolden(normalised(run.stdout), file: "outputs/\(golden)")
    }

    @Test func runCarriesEveryRuleAndGitHubsFields() async throws {
        let document = try await sarif(["examples/payments-guide", "--sarif-category", "manifests"])
        #expect(document["version"] as? String == "2.1.0")
        #expect((document["$schema"] as? String)?.hasSuffix("sarif-schema-2.1.0.json") == true)
        let run = try #require((document["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == RuleCatalog.builtIn.map { $0.description.id })
        for rule in rules {
            let properties = try #require(rule["properties"] as? [String: Any])
            let tags = try #require(properties["tags"] as? [String])
            if tags.contains("security") {
                let score = try #require(Double(properties["security-severity"] as? String ?? ""))
                #expect(score > 0 && score <= 10)
            }
            #expect(properties["precision"] is String)
            #expect(((rule["help"] as? [String: Any])?["markdown"] as? String)?.isEmpty == false)
            #expect(((rule["defaultConfiguration"] as? [String: Any])?["level"] as? String) != nil)
        }
        #expect(run["columnKind"] as? String == "unicodeCodePoints")
        #expect((run["automationDetails"] as? [String: Any])?["id"] as? String == "meshlint/manifests/")
        #expect(((run["invocations"] as? [[String: Any]])?.first?["executionSuccessful"]) as? Bool == true)
        let base = try #require((run["originalUriBaseIds"] as? [String: Any])?["%SRCROOT%"] as? [String: Any])
        #expect((base["uri"] as? String)?.hasSuffix("/") == true)

        for result in results(document) {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == result["ruleId"] as? String)
            let locations = try #require(result["locations"] as? [[String: Any]])
            #expect(locations.count == 1)
            let physical = try #require(locations[0]["physicalLocation"] as? [String: Any])
            let artifact = try #require(physical["artifactLocation"] as? [String: Any])
            #expect((artifact["uri"] as? String)?.hasPrefix("examples/payments-guide/") == true)
            #expect(artifact["uriBaseId"] as? String == "%SRCROOT%")
            let region = try #require(physical["region"] as? [String: Int])
            #expect(region.values.allSatisfy { $0 >= 1 } && region.count == 4)
            let fingerprints = try #require(result["partialFingerprints"] as? [String: String])
            #expect(Array(fingerprints.keys) == ["meshlintFingerprint/v1"])
            #expect(fingerprints["primaryLocationLineHash"] == nil)
        }
        #expect(results(document).contains { ($0["relatedLocations"] as? [Any])?.isEmpty == false })
    }

    @Test func cleanRunHasEmptyResults() async throws {
        let document = try await sarif(["examples/payments-hardened"])
        let run = try #require((document["runs"] as? [[String: Any]])?.first)
        #expect((run["results"] as? [Any])?.isEmpty == true)
    }

    /// Moving a resource down ten lines changes every region but no fingerprint.
    @Test func fingerprintsSurviveMovedLines() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let guide = packageRoot.appendingPathComponent("examples/payments-guide")
        let copy = directory.appendingPathComponent("guide")
        try FileManager.default.copyItem(at: guide, to: copy)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let before = try await sarif(["guide"], directory: directory)
        for name in try FileManager.default.contentsOfDirectory(atPath: copy.path) {
            let file = copy.appendingPathComponent(name)
            let text = try String(contentsOf: file, encoding: .utf8)
            let padding = (1...10).map { "# moved down, line \($0)\n" }.joined()
            try (padding + text).write(to: file, atomically: true, encoding: .utf8)
        }
        let after = try await sarif(["guide"], directory: directory)
        func fingerprints(_ document: [String: Any]) -> [String] {
            results(document).compactMap { ($0["partialFingerprints"] as? [String: String])?["meshlintFingerprint/v1"] }
        }
        func startLines(_ document: [String: Any]) -> [Int] {
            results(document).compactMap {
                ((($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Int])?["startLine"]
            }
        }
        #expect(fingerprints(before).count == 7)
        #expect(Set(fingerprints(before)).count == 7)
        #expect(fingerprints(before) == fingerprints(after))
        #expect(startLines(after) == startLines(before).map { $0 + 10 })
    }

    @Test func severalOutputsInOneRunAreWrittenAtomically() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sarifPath = directory.appendingPathComponent("out.sarif").path
        let jsonPath = directory.appendingPathComponent("out.json").path
        let run = try await meshlint(["scan", "examples/payments-guide", "--format", "sarif", "--output", sarifPath,
                                "--format", "text", "--format", "json", "--output", jsonPath])
        #expect(run.status == 1)
        #expect(run.stdout.contains("[waypoint-bypass-possible]"))
        #expect(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sarifPath))) is [String: Any])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: jsonPath))) as? [String: Any])
        #expect(json["schemaVersion"] as? Int == 1)
        // Only the two reports: no temporary file left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["out.json", "out.sarif"])
    }

    @Test func ambiguousOutputsAreUsageErrors() async throws {
        #expect(try await meshlint(["scan", "examples", "--format", "sarif", "--format", "json"]).status == 2)
        #expect(try await meshlint(["scan", "examples", "--output", "/tmp/a", "--output", "/tmp/b"]).status == 2)
        let unwritable = try await meshlint(["scan", "examples/list", "--format", "sarif", "--output", "/does/not/exist/x.sarif"])
        #expect(unwritable.status == 2)
        #expect(unwritable.stderr.contains("cannot write /does/not/exist/x.sarif"))
    }

    @Test func outputsPairWithTheFormatBeforeThem() {
        let pairs = ScanCommand.pair(
            arguments: ["scan", "x", "-f", "sarif", "-o", "a.sarif", "--format", "github", "--format=markdown", "--output=b.md"],
            formats: [.sarif, .github, .markdown], outputs: ["a.sarif", "b.md"])
        #expect(pairs.map(\.format) == [.sarif, .github, .markdown])
        #expect(pairs.map(\.path) == ["a.sarif", nil, "b.md"])
        let outputFirst = ScanCommand.pair(arguments: ["-o", "r.json", "-f", "json"], formats: [.json], outputs: ["r.json"])
        #expect(outputFirst.map(\.path) == ["r.json"])
        let textToFile = ScanCommand.pair(arguments: ["-o", "r.txt"], formats: [], outputs: ["r.txt"])
        #expect(textToFile.map(\.format) == [.text])
        #expect(textToFile.map(\.path) == ["r.txt"])
    }

    @Test func explainMarkdownIsSARIFHelp() async throws {
        let explain = try await meshlint(["explain", "waypoint-bypass-possible", "--format", "markdown"])
        #expect(explain.status == 0)
        let document = try await sarif(["examples/list"])
        let rules = try #require(((document["runs"] as? [[String: Any]])?.first?["tool"] as? [String: Any])
            .flatMap { ($0["driver"] as? [String: Any])?["rules"] as? [[String: Any]] })
        let rule = try #require(rules.first { $0["id"] as? String == "waypoint-bypass-possible" })
        #expect((rule["help"] as? [String: Any])?["markdown"] as? String == explain.stdout)
        #expect(explain.stdout.contains("```yaml"))
    }
}

@Suite("Reporter helpers")
struct ReporterHelperTests {
    @Test func githubEscaping() {
        #expect(GitHubReporter.escapeData("50% done\r\nnext") == "50%25 done%0D%0Anext")
        #expect(GitHubReporter.escapeProperty("a:b,c%") == "a%3Ab%2Cc%25")
    }

    @Test func githubAnnotationsUseRepositoryPaths() async throws {
        let run = try await meshlint(["scan", "examples/payments-guide", "--format", "github"])
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 7)
        #expect(lines.contains { $0.hasPrefix("::error file=examples/payments-guide/authentication.yaml,line=20,col=11,endLine=20,endColumn=32,title=jwt-audience-mismatch::") })
        #expect(lines.contains { $0.hasPrefix("::warning file=examples/payments-guide/ledger.yaml,") })
        #expect(lines.allSatisfy { !$0.contains("\n") })
    }

    @Test func percentEncodingAndScores() {
        #expect(SARIFReporter.percentEncoded("a b/c%d.yaml") == "a%20b/c%25d.yaml")
        #expect(SARIFReporter.percentEncoded("naïve.yaml") == "na%C3%AFve.yaml")
        #expect(String(format1: 9.1) == "9.1")
        #expect(String(format1: 8) == "8.0")
        #expect(SARIFReporter.pascalCase("jwt-not-required") == "JwtNotRequired")
    }

    @Test func repositoryRootIsTheEnclosingGitWorkTree() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let nested = root.appendingPathComponent("deploy/prod")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let resolvedRoot = root.resolvingSymlinksInPath().path
        #expect(RepositoryRoot.find(from: nested.resolvingSymlinksInPath().path, workingDirectory: "/") == resolvedRoot)
        #expect(RepositoryRoot.find(from: "deploy/prod/x.yaml", workingDirectory: resolvedRoot) == resolvedRoot)
        #expect(RepositoryRoot.relative("deploy/prod/x.yaml", to: resolvedRoot, workingDirectory: resolvedRoot) == "deploy/prod/x.yaml")
        #expect(RepositoryRoot.relative("/elsewhere/x.yaml", to: resolvedRoot, workingDirectory: resolvedRoot) == nil)
        #expect(RepositoryRoot.absolute("a/../b/./c", workingDirectory: "/w") == "/w/b/c")
    }

    @Test func fingerprintHashIsFNV1a128() {
        #expect(Fingerprint.hex(of: "hello") == "e3e1efd54283d94f7081314b599d31b3")
    }
}

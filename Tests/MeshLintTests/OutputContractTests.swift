import Foundation
import Testing

@Suite("Output contracts")
struct OutputContractTests {
    static let fixture = "Tests/MeshLintTests/Fixtures/contract"

    @Test func jsonMatchesTheContractExactly() async throws {
        let run = try await meshlint(["scan", Self.fixture, "--format", "json"])
        #expect(run.status == 1)
        try expectGolden(run.stdout, file: "contract.expected.json")
    }

    @Test func textMatchesItsGoldenFile() async throws {
        let run = try await meshlint(["scan", Self.fixture])
        #expect(run.status == 1)
        try expectGolden(run.stdout, file: "contract.expected.txt")
    }

    /// The contract's shape, checked key by key, so a golden file updated by mistake still fails here.
    @Test func everyContractKeyIsAlwaysPresent() async throws {
        let run = try await meshlint(["scan", Self.fixture, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        // Version 1 as first released, plus the keys added since (never removed or changed).
        #expect(Set(object.keys) == ["schemaVersion", "tool", "findings", "summary", "suppressed", "baseline"])
        #expect(object["suppressed"] as? [Any] != nil)
        #expect(object["baseline"] is NSNull)
        #expect(object["schemaVersion"] as? Int == 1)
        let tool = try #require(object["tool"] as? [String: Any])
        #expect(tool["name"] as? String == "meshlint")
        #expect((tool["version"] as? String)?.isEmpty == false)
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(Set(summary.keys) == ["files", "documents", "resources", "skipped", "errors", "warnings", "notes", "suppressed", "baselined"])
        #expect(summary["files"] == 3)
        #expect(summary["skipped"] == 1)
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        #expect(summary["errors"]! + summary["warnings"]! + summary["notes"]! == findings.count)
        for finding in findings {
            #expect(Set(finding.keys) == ["rule", "severity", "message", "file", "span", "resource", "related", "remediation", "fingerprint", "viaChange", "environments"])
            #expect(finding["viaChange"] as? Bool == false)
            #expect((finding["environments"] as? [String])?.isEmpty == true)
            #expect((finding["fingerprint"] as? String)?.count == 32)
            let span = try #require(finding["span"] as? [String: Int])
            #expect(Set(span.keys) == ["startLine", "startColumn", "endLine", "endColumn"])
            #expect(span.values.allSatisfy { $0 >= 1 })
            #expect(finding["related"] is [Any])
            #expect((finding["file"] as? String)?.hasPrefix(Self.fixture) == true)
        }
        // A syntax-level finding names no resource; a Namespace has a null namespace.
        let duplicate = try #require(findings.first { $0["rule"] as? String == "yaml-duplicate-key" })
        #expect(duplicate["resource"] is NSNull)
        let namespaceFinding = try #require(findings.first { $0["rule"] as? String == "ambient-namespace-without-default-deny" })
        let resource = try #require(namespaceFinding["resource"] as? [String: Any])
        #expect(resource["kind"] as? String == "Namespace")
        #expect(resource["namespace"] is NSNull)
        #expect(resource["name"] as? String == "orders")
        #expect(resource["apiVersion"] as? String == "v1")
        let related = try #require(namespaceFinding["related"] as? [[String: Any]])
        #expect(related.count == 1)
        #expect(Set(related[0].keys) == ["message", "file", "span", "resource"])
    }

    @Test func outputIsByteIdenticalAcrossRuns() async throws {
        for format in ["json", "text"] {
            let first = try await meshlint(["scan", "examples", Self.fixture, "--format", format])
            let second = try await meshlint(["scan", "examples", Self.fixture, "--format", format])
            #expect(first.stdoutData == second.stdoutData, "\(format) output differs between runs")
            #expect(!first.stdoutData.isEmpty)
        }
    }

    @Test func findingsAreSortedByFileLineColumnRule() async throws {
        let run = try await meshlint(["scan", "examples", Self.fixture, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        let keys = findings.map { finding -> (String, Int, Int, String) in
            let span = finding["span"] as! [String: Int]
            return (finding["file"] as! String, span["startLine"]!, span["startColumn"]!, finding["rule"] as! String)
        }
        for (previous, next) in zip(keys, keys.dropFirst()) {
            #expect(previous <= next)
        }
    }

    @Test func outputOptionWritesTheFile() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.json").path
        let run = try await meshlint(["scan", Self.fixture, "--format", "json", "--output", path])
        #expect(run.stdout.isEmpty)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(try JSONSerialization.jsonObject(with: written) is [String: Any])
    }
}

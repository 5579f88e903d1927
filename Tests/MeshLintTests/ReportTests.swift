import Foundation
import Testing

/// `meshlint report`: the posture report, in a copy of the repository's examples outside git (no
/// commit in the header) at a fixed time (SOURCE_DATE_EPOCH), so its output is reproducible.
@Suite("meshlint report")
struct ReportTests {
    static let epoch = ["SOURCE_DATE_EPOCH": "1795000000"]

    /// A scratch repository named `repo` holding the examples and rules.d.
    static func scratchRepository() throws -> (root: URL, repo: URL) {
        let root = try temporaryDirectory()
        let repo = root.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        for item in ["examples", "rules.d"] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(item), to: repo.appendingPathComponent(item))
        }
        return (root, repo)
    }

    @Test("Markdown and JSON reports of the examples", arguments: ["payments-guide", "payments-hardened"])
    func goldenReports(example: String) async throws {
        let (root, repo) = try Self.scratchRepository()
        defer { try? FileManager.default.removeItem(at: root) }
        for (format, suffix) in [("markdown", "md"), ("json", "json")] {
            let run = try await meshlint(["report", "examples/\(example)", "--format", format], directory: repo, environment: Self.epoch)
            #expect(run.status == 0, "\(run.stderr)")
            try expectGolden(run.stdout, file: "report-\(example).\(suffix)")
        }
    }

    @Test("The HTML report is one self-contained page whose every link has a target")
    func htmlIsSelfContained() async throws {
        let run = try await meshlint(["report", "examples/payments-guide", "--format", "html"], environment: Self.epoch)
        #expect(run.status == 0)
        let html = run.stdout
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src="))
        let targets = Set(matches(of: #"id="([^"]+)""#, in: html))
        let links = matches(of: ##"href="#([^"]+)""##, in: html)
        #expect(links.count > 10)
        for link in links { #expect(targets.contains(link), "no element with id \(link)") }
        #expect(matches(of: #"id="([^"]+)""#, in: html).count == targets.count, "ids must be unique")
        // States carry a word and a symbol, not colour alone.
        #expect(html.contains("✘ PERMISSIVE (default)") && html.contains("state-missing"))
    }

    @Test("--compare shows controls gained and findings fixed between two states")
    func compare() async throws {
        let (root, repo) = try Self.scratchRepository()
        defer { try? FileManager.default.removeItem(at: root) }
        let earlier = repo.appendingPathComponent("guide.json").path
        #expect(try await meshlint(["report", "examples/payments-guide", "--format", "json", "--output", earlier], directory: repo, environment: Self.epoch).status == 0)
        let run = try await meshlint(["report", "examples/payments-hardened", "--format", "json", "--compare", earlier], directory: repo, environment: Self.epoch)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let comparison = try #require(json["comparison"] as? [String: Any])
        let controls = try #require(comparison["controls"] as? [[String: String]])
        #expect(controls.contains { $0["namespace"] == "payments" && $0["control"] == "mTLS" && $0["direction"] == "gained" })
        #expect(!controls.contains { $0["direction"] == "lost" })
        let fixed = try #require(comparison["fixedFindings"] as? [[String: String]])
        #expect(fixed.contains { $0["rule"] == "peer-authentication-not-strict" })
        #expect(fixed.contains { $0["rule"] == "jwt-audience-mismatch" })
        // And in Markdown, as a section of its own.
        let markdown = try await meshlint(["report", "examples/payments-hardened", "--compare", earlier], directory: repo, environment: Self.epoch)
        #expect(markdown.stdout.contains("## Change since 2026-11-18T"))
        #expect(markdown.stdout.contains("| `payments` | mTLS | missing (PERMISSIVE (default)) | met (STRICT) | gained |"))
        // Something that is not a report is refused.
        let wrong = try await meshlint(["report", "examples/payments-hardened", "--compare", "examples/payments-guide/ledger.yaml"], directory: repo)
        #expect(wrong.status == 2 && wrong.stderr.contains("is not a MeshLint posture report"))
    }

    @Test("report.sensitiveNamespaces chooses whose access is summarised")
    func sensitiveNamespaces() async throws {
        let (root, repo) = try Self.scratchRepository()
        defer { try? FileManager.default.removeItem(at: root) }
        let config = repo.appendingPathComponent("none.yaml")
        try "report:\n  sensitiveNamespaces: [\"billing-*\"]\n".write(to: config, atomically: true, encoding: .utf8)
        let run = try await meshlint(["report", "examples/payments-guide", "--format", "json", "--config", config.path], directory: repo)
        let json = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        #expect((json["access"] as? [Any])?.isEmpty == true)
        let byDefault = try await meshlint(["report", "examples/payments-guide", "--format", "json"], directory: repo)
        let access = try #require((try JSONSerialization.jsonObject(with: byDefault.stdoutData) as? [String: Any])?["access"] as? [[String: Any]])
        #expect(access.map { $0["namespace"] as? String } == ["payments"])
        try "report:\n  sensitive: [a]\n".write(to: config, atomically: true, encoding: .utf8)
        let invalid = try await meshlint(["report", "examples/payments-guide", "--config", config.path], directory: repo)
        #expect(invalid.status == 2 && invalid.stderr.contains("none.yaml:2:3: unknown key"))
    }

    @Test("A repository's own compliance mapping replaces the shipped one; an invalid one is an error at its position")
    func ownComplianceMapping() async throws {
        let (root, repo) = try Self.scratchRepository()
        defer { try? FileManager.default.removeItem(at: root) }
        let rules = repo.appendingPathComponent("own-rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let mapping = """
            apiVersion: meshlint.io/v1alpha1
            kind: ComplianceMapping
            metadata: {name: acme-controls}
            spec:
              frameworks:
                - id: acme
                  title: ACME security baseline
                  requirements:
                    - {id: NET-1, title: Deny by default}
              rules:
                ambient-namespace-without-default-deny: {acme: [NET-1]}
            """
        try mapping.write(to: rules.appendingPathComponent("compliance.yaml"), atomically: true, encoding: .utf8)
        let run = try await meshlint(["report", "examples/payments-guide", "--rules-dir", rules.path], directory: repo)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("### ACME security baseline"))
        #expect(run.stdout.contains("| NET-1 | Deny by default | ✔ no finding from 1 rule | `ambient-namespace-without-default-deny` |"))
        #expect(!run.stdout.contains("PCI DSS"))
        try mapping.replacingOccurrences(of: "{acme: [NET-1]}", with: "{acme: [NET-2]}")
            .write(to: rules.appendingPathComponent("compliance.yaml"), atomically: true, encoding: .utf8)
        let invalid = try await meshlint(["report", "examples/payments-guide", "--rules-dir", rules.path], directory: repo)
        #expect(invalid.status == 2 && invalid.stderr.contains("compliance.yaml:11:53: requirement NET-2 is not declared"), "\(invalid.stderr)")
        // The rules commands skip the mapping in a rules directory.
        #expect(try await meshlint(["rules", "--rules-dir", rules.path], directory: repo).status == 0)
    }

    @Test("Suppressed findings are listed with their reason and expiry")
    func suppressions() async throws {
        let (root, repo) = try Self.scratchRepository()
        defer { try? FileManager.default.removeItem(at: root) }
        let config = repo.appendingPathComponent("ignore.yaml")
        try """
            ignore:
              - rule: peer-authentication-not-strict
                resource: "Namespace payments"
                reason: "Plaintext health checks until the load balancer speaks mTLS (SEC-123)"
                expires: 2099-12-31
            """.write(to: config, atomically: true, encoding: .utf8)
        let run = try await meshlint(["report", "examples/payments-guide", "--config", config.path], directory: repo)
        #expect(run.stdout.contains("| `peer-authentication-not-strict` | Namespace payments |"))
        #expect(run.stdout.contains("Plaintext health checks until the load balancer speaks mTLS (SEC-123) | `ignore.yaml:2` (configuration) | 2099-12-31 |"))
        #expect(run.stdout.contains("0 notes; 1 suppressed."))
    }

    private func matches(of pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}

@Suite("Writing --output")
struct OutputTargetTests {
    @Test("A target that is not a regular file (a FIFO, /dev/null) is written in place, never replaced by a file")
    func specialFilesAreWrittenInPlace() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("report.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let received = directory.appendingPathComponent("received.json")
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/sh")
        reader.arguments = ["-c", "cat \"$0\" > \"$1\"", fifo, received.path]
        try reader.run()
        let run = try await meshlint(["scan", "examples/payments-guide", "--format", "json", "--output", fifo])
        #expect(run.status == 1, "\(run.stderr)")
        var status = stat()
        guard stat(fifo, &status) == 0, status.st_mode & S_IFMT == S_IFIFO else {
            reader.terminate()  // it waits on the FIFO that a file replaced
            Issue.record("the FIFO was replaced by a file")
            return
        }
        reader.waitUntilExit()
        let text = try String(contentsOf: received, encoding: .utf8)
        #expect(text.hasPrefix("{") && text.contains("\"findings\""))
    }
}

/// The HTML posture report on names written by an attacker (issue 19, item 1).
@Suite("Posture report: hostile names")
struct HostileReportTests {
    @Test func hostileNamesStayTextAndNoScriptMayRun() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: 'pay"><img src=x onerror=alert(1)><a x="'
              labels: {istio.io/dataplane-mode: ambient}
            """.write(to: root.appendingPathComponent("ns.yaml"), atomically: true, encoding: .utf8)
        let run = try await meshlint(["report", root.path, "--format", "html"])
        #expect(run.status == 0, "\(run.stderr)")
        let html = run.stdout
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"))
        #expect(!html.contains("<img"))
        #expect(html.contains("pay&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        // Anchors are a safe encoding of the name: no quote or bracket can close the attribute.
        #expect(html.contains("id=\"ns-pay_22_3e_3cimg_20src_3dx_20onerror_3dalert_281_29_3e_3ca_20x_3d_22\""))
    }
}

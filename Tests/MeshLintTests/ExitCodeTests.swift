import Foundation
import Testing

@Suite("Exit codes and inputs")
struct ExitCodeTests {
    /// The hardened payments scenario passes every rule: no finding at any severity.
    @Test func hardenedScenarioIsClean() async throws {
        let run = try await meshlint(["scan", "examples/payments-hardened", "--fail-on", "note", "--format", "json"])
        #expect(run.status == 0, "\(run.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        #expect((object["findings"] as? [Any])?.isEmpty == true)
        #expect(run.stderr.isEmpty)
    }

    /// The guide as published has exactly these gaps, each on the resource that causes it.
    @Test func paymentsGuideFindingsAreExactlyTheKnownGaps() async throws {
        let run = try await meshlint(["scan", "examples/payments-guide", "--format", "json"])
        #expect(run.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        let pairs = Set(findings.map { finding -> String in
            let resource = finding["resource"] as? [String: Any]
            let name = "\(resource?["kind"] ?? "-") \(resource?["namespace"] as? String ?? "-")/\(resource?["name"] ?? "-")"
            return "\(finding["rule"]!) \(name)"
        })
        #expect(pairs == [
            "access-expectation-failed AccessExpectations payments/ledger-debit",
            "peer-authentication-not-strict Namespace -/payments",
            "jwt-audience-mismatch RequestAuthentication payments/payments-entra-jwt",
            "jwt-scope-claim-not-split AuthorizationPolicy payments/ledger-debit-allow",
            "waypoint-bypass-possible Service payments/ledger",
        ])
        // Three of the guide's four validation calls fail: every token is refused with 403 (its
        // audience can never match a v2 token) before authorization is reached.
        let access = findings.filter { $0["rule"] as? String == "access-expectation-failed" }
        // The cause comes first; a case that expects deny and gets 403 passes for another reason.
        let cause = "the token's audience \"7d3c1a52-90e4-4b8f-a6d1-2f0e9c4b8a71\" is not among the audiences [api://payments-ledger] accepted "
            + "for issuer https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0: 403 (Audiences in Jwt are not allowed) "
            + "— 403 at waypoint payments/payments-waypoint"
        #expect(access.compactMap { ($0["message"] as? String)?.split(separator: "\n").first.map(String.init) } == [
            cause + ", so access case \"accounts with a valid token may debit\" (expects allow) is refused.",
            cause + ", so access case \"the wrong scope is denied\" (expects deny) is refused, but not by what it tests.",
            cause + ", so access case \"DELETE is denied\" (expects deny) is refused, but not by what it tests.",
        ])
        #expect(findings.count == pairs.count + access.count - 1)
    }

    @Test("a caller nothing in the input runs as is evaluated, with a warning that suggests the near name")
    func unknownCallerIsWarned() async throws {
        let run = try await meshlint(["access", "examples/payments-hardened", "--from", "payments/acounts", "--to", "ledger.payments:8080"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("warning: no workload or ServiceAccount in the input runs as payments/acounts; it is evaluated as written "
            + "(did you mean payments/accounts?)"), "\(run.stderr)")
        let known = try await meshlint(["access", "examples/payments-hardened", "--from", "payments/accounts", "--to", "ledger.payments:8080"])
        #expect(known.stderr.isEmpty)
    }

    @Test func accessCommandEvaluatesOneRequest() async throws {
        let token = ["--claim", "iss=https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0",
                     "--claim", "aud=7d3c1a52-90e4-4b8f-a6d1-2f0e9c4b8a71", "--claim", "sub=accounts", "--claim", "roles=Ledger.Debit"]
        let base = ["access", "examples/payments-hardened", "--from", "payments/accounts", "--to", "ledger.payments:8080",
                    "--method", "POST", "--path", "/ledger/v1/debit"]
        let allowed = try await meshlint(base + token + ["--expect", "allow"])
        #expect(allowed.status == 0)
        #expect(allowed.stdout.hasPrefix("decision: allow"))
        #expect(allowed.stdout.contains("source identity: the waypoint's, cluster.local/ns/payments/sa/payments-waypoint"))
        let anonymous = try await meshlint(base + ["--format", "json", "--expect", "allow"])
        #expect(anonymous.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: anonymous.stdoutData) as? [String: Any])
        #expect(object["decision"] as? String == "deny")
        #expect((object["hops"] as? [[String: Any]])?.first?["decision"] as? String == "deny")
        #expect(try await meshlint(["access", "examples/payments-hardened", "--from", "payments/accounts", "--to", "nope.payments:1"]).status == 2)
    }

    /// The payments guide has a default deny; without it, the namespace label is reported.
    @Test func removingTheDefaultDenyFails() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let guide = packageRoot.appendingPathComponent("examples/payments-guide")
        for name in try FileManager.default.contentsOfDirectory(atPath: guide.path) {
            var text = try String(contentsOf: guide.appendingPathComponent(name), encoding: .utf8)
            if name == "authorization.yaml" {
                let documents = text.components(separatedBy: "\n---\n").filter { !$0.contains("name: default-deny") }
                #expect(documents.count == 3)
                text = documents.joined(separator: "\n---\n")
            }
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let run = try await meshlint(["scan", directory.path, "--format", "json"])
        #expect(run.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        let finding = try #require(findings.first { $0["rule"] as? String == "ambient-namespace-without-default-deny" })
        #expect((finding["file"] as? String)?.hasSuffix("namespace.yaml") == true)
        let namespaceText = try String(contentsOf: guide.appendingPathComponent("namespace.yaml"), encoding: .utf8)
        let lines = namespaceText.components(separatedBy: "\n")
        let labelLine = try #require(lines.firstIndex { $0.contains("istio.io/dataplane-mode:") }) + 1
        let span = try #require(finding["span"] as? [String: Int])
        #expect(span["startLine"] == labelLine)
        let column = lines[labelLine - 1].distance(
            from: lines[labelLine - 1].startIndex, to: lines[labelLine - 1].range(of: "istio.io/dataplane-mode")!.lowerBound) + 1
        #expect(span["startColumn"] == column)
        #expect((finding["remediation"] as? String)?.contains("namespace: payments") == true)
    }

    @Test func eachBadInputIsAFindingAndTheRestIsStillScanned() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels: {istio.io/dataplane-mode: ambient}
            ---
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata: {name: default, namespace: shop}
            spec: {mtls: {mode: STRICT}}
            """.write(to: directory.appendingPathComponent("shop.yaml"), atomically: true, encoding: .utf8)
        let run = try await meshlint(["scan", "examples/broken", directory.path, "--format", "json"])
        #expect(run.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        func rules(in file: String) -> Set<String> {
            Set(findings.filter { ($0["file"] as? String)?.hasSuffix(file) == true }.compactMap { $0["rule"] as? String })
        }
        #expect(rules(in: "syntax-error.yaml") == ["yaml-syntax-error"])
        #expect(rules(in: "duplicate-key.yaml") == ["yaml-duplicate-key"])
        #expect(rules(in: "helm-template.yaml") == ["helm-template-not-rendered"])
        #expect(rules(in: "binary.yaml") == ["input-not-text"])
        #expect(rules(in: "not-utf8.yaml") == ["input-not-text"])
        #expect(rules(in: "deep-nesting.yaml") == ["input-limit-exceeded"])
        #expect(rules(in: "alias-bomb.yaml") == ["input-limit-exceeded"])
        #expect(rules(in: "no-kind.yaml").isEmpty)
        #expect(rules(in: "shop.yaml") == ["ambient-namespace-without-default-deny"])
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary["skipped"] == 1)
    }

    @Test func findingsBelowTheThresholdExitZero() async throws {
        let helm = "Tests/MeshLintTests/Fixtures/contract/chart.yaml"
        #expect(try await meshlint(["scan", helm]).status == 0)
        #expect(try await meshlint(["scan", helm, "--fail-on", "note"]).status == 1)
        #expect(try await meshlint(["scan", "examples/broken", "--fail-on", "never"]).status == 0)
        #expect(try await meshlint(["scan", "examples/broken", "--fail-on", "warning"]).status == 1)
    }

    @Test func unreadableInputIsExitTwoOnlyWhenNothingWasRead() async throws {
        let missing = try await meshlint(["scan", "does/not/exist.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("does/not/exist.yaml"))
        #expect(missing.stdout.isEmpty)

        let mixed = try await meshlint(["scan", "does/not/exist.yaml", "examples/payments-hardened"])
        #expect(mixed.status == 0)
        #expect(mixed.stderr.contains("does/not/exist.yaml"))
        #expect(mixed.stdout.contains("8 files"))
    }

    @Test func usageErrorsExitTwo() async throws {
        let badFormat = try await meshlint(["scan", "examples", "--format", "xml"])
        #expect(badFormat.status == 2)
        #expect(badFormat.stderr.contains("xml"))
        #expect(try await meshlint(["scan", "--fail-on", "sometimes"]).status == 2)
        #expect(try await meshlint(["no-such-command-or-path"]).status == 2)
        #expect(try await meshlint(["scan", "--help"]).status == 0)
    }

    @Test func standardInputIsScanned() async throws {
        let run = try await meshlint(["scan", "-", "--format", "json"], stdin: """
            apiVersion: v1
            kind: Namespace
            metadata: {name: stdin-ns, labels: {istio.io/dataplane-mode: ambient}}
            """)
        #expect(run.status == 1)
        #expect(run.stdout.contains("\"file\": \"<stdin>\""))
        let text = try await meshlint(["scan", "-"], stdin: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    istio.io/dataplane-mode: ambient\n")
        #expect(text.stdout.contains("<stdin>:6:5: error:"))
        #expect(text.stdout.contains("    istio.io/dataplane-mode: ambient\n        ^~~~"))
    }

    @Test func rulesAndVersionCommands() async throws {
        let rules = try await meshlint(["rules"])
        #expect(rules.status == 0)
        for id in ["ambient-namespace-without-default-deny", "yaml-syntax-error", "yaml-duplicate-key",
                   "input-limit-exceeded", "helm-template-not-rendered", "input-not-text"] {
            #expect(rules.stdout.contains(id))
        }
        #expect(rules.stdout.hasPrefix("ID"))
        for id in ["waypoint-without-request-authentication", "jwt-audience-mismatch", "l7-policy-without-waypoint",
                   "singleton-waypoint", "jwt-not-required", "request-authentication-without-waypoint",
                   "waypoint-identity-not-allowed", "waypoint-bypass-possible", "jwt-scope-claim-not-split"] {
            #expect(rules.stdout.contains(id))
            let explain = try await meshlint(["explain", id])
            #expect(explain.status == 0)
            for section in ["\(id) (", "\nWhy\n", "\nFix\n", "Triggering example 1 (finding at line", "Not triggering example 1\n", "\nReferences\n  https://istio.io/"] {
                #expect(explain.stdout.contains(section), "\(id): no \(section)")
            }
        }
        let unknown = try await meshlint(["explain", "waypoint"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("did you mean"))
        let version = try await meshlint(["version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("meshlint "))
    }
}

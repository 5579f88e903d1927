import Foundation
import Testing

/// A scratch repository with files, removed when the test ends.
struct Scratch {
    let root: URL

    init(_ files: [String: String], git: Bool = false) throws {
        root = try temporaryDirectory()
        for (path, text) in files { try write(path, text) }
        if git {
            try shell("git init -q && git config user.email t@example.com && git config user.name t && git add -A && git commit -qm base")
        }
    }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent(path))
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    @discardableResult
    func shell(_ command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func scan(_ arguments: [String], stdin: String? = nil) async throws -> (run: RunResult, json: [String: Any]) {
        let run = try await meshlint(["scan"] + arguments + ["--format", "json"], stdin: stdin, directory: root)
        let json = (try? JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any]) ?? [:]
        return (run, json)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: root) }
}

func findings(_ json: [String: Any], _ key: String = "findings") -> [[String: Any]] {
    json[key] as? [[String: Any]] ?? []
}

func rules(_ json: [String: Any], _ key: String = "findings") -> [String] {
    findings(json, key).compactMap { $0["rule"] as? String }
}

/// An ambient namespace with STRICT mTLS and no default deny: exactly one finding.
let ambientShop = """
    apiVersion: v1
    kind: Namespace
    metadata:
      name: shop
      labels:
        istio.io/dataplane-mode: ambient
    ---
    apiVersion: security.istio.io/v1
    kind: PeerAuthentication
    metadata:
      name: default
      namespace: shop
    spec:
      mtls:
        mode: STRICT
    """

let defaultDeny = """
    apiVersion: security.istio.io/v1
    kind: AuthorizationPolicy
    metadata:
      name: default-deny
      namespace: shop
    spec: {}
    """

@Suite("Configuration: rules, assume, ignore, exclude")
struct AdoptionConfigurationTests {
    @Test func rulesCanBeDisabledOrRescored() async throws {
        let scratch = try Scratch(["ns.yaml": ambientShop, ".meshlint.yaml": """
            rules:
              ambient-namespace-without-default-deny: {severity: warning}
            """])
        defer { scratch.cleanUp() }
        let rescored = try await scratch.scan(["."])
        #expect(rescored.run.status == 0)
        #expect(findings(rescored.json).first?["severity"] as? String == "warning")
        try scratch.write(".meshlint.yaml", "rules:\n  ambient-namespace-without-default-deny: {enabled: false}\n")
        let disabled = try await scratch.scan(["."])
        #expect(rules(disabled.json).isEmpty)
        // The command line wins over the file.
        #expect(rules(try await scratch.scan([".", "--enable", "ambient-namespace-without-default-deny"]).json) == ["ambient-namespace-without-default-deny"])
        #expect(try await scratch.scan([".", "--disable", "no-such-rule"]).run.status == 2)
    }

    @Test(arguments: [
        ("rules:\n  not-a-rule: {enabled: false}\n", ".meshlint.yaml:2:3: rules: no rule \"not-a-rule\""),
        ("rules:\n  singleton-waypoint: {severity: fatal}\n", ".meshlint.yaml:2:34: rules.singleton-waypoint.severity must be error, warning or note"),
        ("ignore:\n- rule: singleton-waypoint\n", ".meshlint.yaml:2:3: an ignore entry needs a reason"),
        ("ignore:\n- reason: everything\n", ".meshlint.yaml:2:3: an ignore entry needs at least one of rule, resource, paths"),
        ("ignore:\n- {rule: singleton-waypoint, reason: x, expires: 31/12/2026}\n", ".meshlint.yaml:2:50: ignore.expires must be a date"),
        ("ignore:\n- {resource: \"payments/x\", reason: x}\n", ".meshlint.yaml:2:14: ignore.resource must be"),
        ("assume:\n  namespaces:\n    shop: {labelz: {}}\n", ".meshlint.yaml:3:12: unknown key \"labelz\"; expected one of: labels"),
        ("exclude: charts\n", ".meshlint.yaml:1:10: exclude must be a list of strings"),
    ])
    func configurationErrorsHavePositions(_ text: String, _ expected: String) async throws {
        let scratch = try Scratch(["ns.yaml": ambientShop, ".meshlint.yaml": text])
        defer { scratch.cleanUp() }
        let run = try await scratch.scan(["."]).run
        #expect(run.status == 2)
        #expect(run.stderr.contains(expected), "\(run.stderr)")
    }

    /// A platform-owned namespace: its labels come from the configuration, so a ztunnel policy with
    /// HTTP rules in it is known to be in ambient.
    @Test func assumedNamespacesAreKnown() async throws {
        let policy = """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: get-only, namespace: payments}
            spec:
              selector: {matchLabels: {app: ledger}}
              rules:
              - to: [{operation: {methods: [GET]}}]
            """
        let scratch = try Scratch(["policy.yaml": policy])
        defer { scratch.cleanUp() }
        // Without its labels, the namespace checks could not run, and a note says so.
        #expect(rules(try await scratch.scan(["."]).json) == ["namespace-not-in-input"])
        try scratch.write(".meshlint.yaml", """
            assume:
              namespaces:
                payments:
                  labels: {istio.io/dataplane-mode: ambient}
            """)
        #expect(Set(rules(try await scratch.scan(["."]).json)) == [
            "ambient-namespace-without-default-deny", "l7-policy-without-waypoint", "peer-authentication-not-strict",
        ])
    }

    @Test func excludedPathsAreNotRead() async throws {
        let scratch = try Scratch(["deploy/ns.yaml": ambientShop, "legacy/ns.yaml": ambientShop.replacingOccurrences(of: "shop", with: "old"),
                                   ".meshlint.yaml": "exclude: [\"legacy/**\"]\n"])
        defer { scratch.cleanUp() }
        let result = try await scratch.scan(["."])
        #expect(findings(result.json).map { $0["file"] as? String } == ["deploy/ns.yaml"])
        #expect((result.json["summary"] as? [String: Int])?["files"] == 1)
    }

    @Test func ignoreEntriesSuppressWithTheirReasonUntilTheyExpire() async throws {
        let scratch = try Scratch(["ns.yaml": ambientShop, ".meshlint.yaml": """
            ignore:
            - rule: ambient-namespace-without-default-deny
              resource: "Namespace shop"
              reason: "the platform team applies the default deny (PLAT-42)"
              expires: 2999-01-01
            """])
        defer { scratch.cleanUp() }
        let active = try await scratch.scan(["."])
        #expect(active.run.status == 0)
        #expect(rules(active.json).isEmpty)
        let suppressed = findings(active.json, "suppressed")
        #expect(suppressed.count == 1)
        let suppression = try #require(suppressed.first?["suppression"] as? [String: Any])
        #expect(suppression["kind"] as? String == "configuration")
        #expect(suppression["reason"] as? String == "the platform team applies the default deny (PLAT-42)")
        #expect((active.json["summary"] as? [String: Int])?["suppressed"] == 1)

        try scratch.write(".meshlint.yaml", try scratch.read(".meshlint.yaml").replacingOccurrences(of: "2999-01-01", with: "2020-01-01"))
        let expired = try await scratch.scan(["."])
        #expect(expired.run.status == 1)
        #expect(Set(rules(expired.json)) == ["ambient-namespace-without-default-deny", "suppression-expired"])
        let note = try #require(findings(expired.json).first { $0["rule"] as? String == "suppression-expired" })
        #expect(note["severity"] as? String == "note")
        #expect(note["file"] as? String == ".meshlint.yaml")
    }
}

@Suite("Suppression annotations")
struct SuppressionAnnotationTests {
    static let annotated = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
          labels:
            istio.io/dataplane-mode: ambient
          annotations:
            ignore.meshlint.io/ambient-namespace-without-default-deny: "policies are applied by the platform repo"
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata:
          name: default
          namespace: shop
        spec:
          mtls:
            mode: STRICT
        """

    @Test func annotationSuppressesWithReason() async throws {
        let scratch = try Scratch(["ns.yaml": Self.annotated])
        defer { scratch.cleanUp() }
        let result = try await scratch.scan(["."])
        #expect(result.run.status == 0)
        #expect(rules(result.json).isEmpty)
        let suppression = try #require(findings(result.json, "suppressed").first?["suppression"] as? [String: Any])
        #expect(suppression["kind"] as? String == "annotation")
        #expect(suppression["reason"] as? String == "policies are applied by the platform repo")
        #expect((suppression["span"] as? [String: Int])?["startLine"] == 8)

        let text = try await meshlint(["scan", ".", "--show-suppressed"], directory: scratch.root)
        #expect(text.stdout.contains("Suppressed:"))
        #expect(text.stdout.contains("policies are applied by the platform repo"))
        #expect(text.stdout.contains("1 suppressed"))
        #expect(!(try await meshlint(["scan", "."], directory: scratch.root)).stdout.contains("Suppressed:"))
    }

    @Test func sarifLeavesSuppressedOutUnlessAsked() async throws {
        let scratch = try Scratch(["ns.yaml": Self.annotated])
        defer { scratch.cleanUp() }
        let plain = try await sarif(["."], directory: scratch.root)
        #expect(results(plain).isEmpty)
        let included = try await sarif([".", "--sarif-include-suppressed"], directory: scratch.root)
        let suppressions = try #require(results(included).first?["suppressions"] as? [[String: Any]])
        #expect(suppressions.first?["kind"] as? String == "inSource")
        #expect(suppressions.first?["justification"] as? String == "policies are applied by the platform repo")
    }

    @Test func anEmptyReasonSuppressesNothingAndIsReported() async throws {
        let scratch = try Scratch(["ns.yaml": Self.annotated.replacingOccurrences(of: "\"policies are applied by the platform repo\"", with: "\"\"")])
        defer { scratch.cleanUp() }
        let result = try await scratch.scan(["."])
        #expect(result.run.status == 1)
        #expect(Set(rules(result.json)) == ["ambient-namespace-without-default-deny", "suppression-reason-missing"])
        #expect(findings(result.json, "suppressed").isEmpty)
    }

    @Test func anUnknownRuleIdIsReported() async throws {
        let scratch = try Scratch(["ns.yaml": Self.annotated.replacingOccurrences(of: "ignore.meshlint.io/ambient-namespace-without-default-deny", with: "ignore.meshlint.io/ambient-default-deny")])
        defer { scratch.cleanUp() }
        #expect(Set(rules(try await scratch.scan(["."]).json)) == ["ambient-namespace-without-default-deny", "suppression-unknown-rule"])
    }
}

@Suite("Baseline")
struct BaselineTests {
    @Test func roundTrip() async throws {
        let scratch = try Scratch(["ns.yaml": ambientShop])
        defer { scratch.cleanUp() }
        let written = try await meshlint(["scan", ".", "--write-baseline", "baseline.json"], directory: scratch.root)
        #expect(written.status == 0)
        let baseline = try scratch.read("baseline.json")
        #expect(baseline.contains("\"rule\": \"ambient-namespace-without-default-deny\""))
        #expect(baseline.contains("\"resource\": \"Namespace shop\""))

        // Rescan: nothing new.
        let again = try await scratch.scan([".", "--baseline", "baseline.json"])
        #expect(again.run.status == 0)
        #expect(rules(again.json).isEmpty)
        #expect((again.json["summary"] as? [String: Int])?["baselined"] == 1)

        // Moved down: still baselined.
        try scratch.write("ns.yaml", "# moved\n# down\n---\n" + ambientShop)
        #expect(rules(try await scratch.scan([".", "--baseline", "baseline.json"]).json).isEmpty)

        // Changed (another namespace with the same gap): one new finding.
        try scratch.write("more.yaml", ambientShop.replacingOccurrences(of: "shop", with: "cart"))
        let changed = try await scratch.scan([".", "--baseline", "baseline.json"])
        #expect(changed.run.status == 1)
        #expect(findings(changed.json).compactMap { ($0["resource"] as? [String: Any])?["name"] as? String } == ["cart"])

        // Deleted: the entry is stale, and said to be.
        try scratch.remove("ns.yaml")
        let stale = try await scratch.scan([".", "--baseline", "baseline.json"])
        let report = try #require(stale.json["baseline"] as? [String: Any])
        #expect((report["stale"] as? [[String: Any]])?.first?["resource"] as? String == "Namespace shop")
        #expect(stale.run.stderr.contains("no longer occur"))
    }

    @Test func anUnreadableBaselineIsExitTwo() async throws {
        let scratch = try Scratch(["ns.yaml": ambientShop, "bad.json": "{\"findings\": 3}"])
        defer { scratch.cleanUp() }
        #expect(try await scratch.scan([".", "--baseline", "missing.json"]).run.status == 2)
        #expect(try await scratch.scan([".", "--baseline", "bad.json"]).run.status == 2)
    }
}

@Suite("Changed-files mode")
struct ChangedFilesTests {
    @Test func onlyTheGivenFilesAreReportedWithTheRepositoryAsContext() async throws {
        let scratch = try Scratch([
            "a/ns.yaml": ambientShop,
            "b/ns.yaml": ambientShop.replacingOccurrences(of: "shop", with: "cart"),
            "a/deny.yaml": defaultDeny,
        ])
        defer { scratch.cleanUp() }
        let result = try await scratch.scan(["--context", ".", "b/ns.yaml"])
        #expect(findings(result.json).map { $0["file"] as? String } == ["b/ns.yaml"])
        // A file both given and inside the context is read once.
        #expect((result.json["summary"] as? [String: Int])?["files"] == 3)
        // The context still counts: the default deny for shop (in another file) is seen.
        #expect(rules(try await scratch.scan(["--context", ".", "a/ns.yaml"]).json).isEmpty)
        // Non-Kubernetes YAML passed by pre-commit is skipped quietly.
        try scratch.write(".pre-commit-config.yaml", "repos: []\n")
        let quiet = try await meshlint(["scan", "--context", ".", ".pre-commit-config.yaml"], directory: scratch.root)
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty)
    }

    /// Deleting the default-deny policy leaves the namespace (an unchanged file) without one: the
    /// change caused that finding, so it is reported, flagged viaChange.
    @Test func aFindingCausedByDeletingAPolicyIsReported() async throws {
        let scratch = try Scratch(["ns.yaml": ambientShop, "policies/deny.yaml": defaultDeny], git: true)
        defer { scratch.cleanUp() }
        #expect(rules(try await scratch.scan(["--changed-since", "HEAD"]).json).isEmpty)
        try scratch.remove("policies/deny.yaml")
        let result = try await scratch.scan(["--changed-since", "HEAD"])
        #expect(result.run.status == 1)
        let finding = try #require(findings(result.json).first)
        #expect(finding["rule"] as? String == "ambient-namespace-without-default-deny")
        #expect(finding["file"] as? String == "ns.yaml")
        #expect(finding["viaChange"] as? Bool == true)
        // A finding that existed before the change, outside the changed files, is not reported.
        try scratch.shell("git add -A && git commit -qm delete")
        try scratch.write("other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n")
        #expect(rules(try await scratch.scan(["--changed-since", "HEAD"]).json).isEmpty)
        #expect(try await scratch.scan(["--changed-since", "no-such-revision"]).run.status == 2)
    }

    /// actions/checkout's default clone has one commit and no base branch: say so, and what to do.
    @Test func aShallowCloneSaysWhatToFetch() async throws {
        let origin = try Scratch(["ns.yaml": ambientShop], git: true)
        defer { origin.cleanUp() }
        try origin.shell("git commit -q --allow-empty -m second")
        let clone = origin.root.appendingPathExtension("shallow")
        defer { try? FileManager.default.removeItem(at: clone) }
        try origin.shell("git clone -q --depth 1 file://\(origin.root.path) \(clone.path)")
        let run = try await meshlint(["scan", "--changed-since", "origin/develop"], directory: clone)
        #expect(run.status == 2)
        #expect(run.stderr.contains("this clone is shallow"), "\(run.stderr)")
        #expect(run.stderr.contains("fetch-depth: 0"))
        #expect(run.stderr.contains("git fetch --no-tags --depth=1 origin develop:refs/remotes/origin/develop"))
        let diff = try await meshlint(["access", "diff", "--base", "origin/develop"], directory: clone)
        #expect(diff.stderr.contains("this clone is shallow"), "\(diff.stderr)")
    }
}

@Suite("Rendered input")
struct RenderedInputTests {
    @Test func helmSourceCommentsNameTheTemplate() async throws {
        let rendered = """
            ---
            # Source: shop/templates/namespace.yaml
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                istio.io/dataplane-mode: ambient
            ---
            # Source: shop/templates/configmap.yaml
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c, namespace: shop}
            """
        let result = try await meshlint(["scan", "-", "--format", "json"], stdin: rendered)
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let finding = try #require(findings(object).first)
        #expect(finding["file"] as? String == "shop/templates/namespace.yaml")
        // Line 6 of the rendered document (the line after `# Source:` is line 1).
        #expect((finding["span"] as? [String: Int])?["startLine"] == 6)
        let text = try await meshlint(["scan", "-"], stdin: rendered)
        #expect(text.stdout.contains("shop/templates/namespace.yaml:6:5: error:"))
    }

    @Test func stdinCanBeNamed() async throws {
        let result = try await meshlint(["scan", "-", "--stdin-filename", "deploy/shop.yaml", "--format", "json"], stdin: ambientShop)
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(findings(object).first?["file"] as? String == "deploy/shop.yaml")
    }
}

@Suite("meshlint init")
struct InitTests {
    @Test func writesAValidStarterAndKeepsAnExistingFile() async throws {
        let scratch = try Scratch(["ns.yaml": ambientShop])
        defer { scratch.cleanUp() }
        #expect(try await meshlint(["init"], directory: scratch.root).status == 0)
        #expect(try scratch.read(".meshlint.yaml").contains("ignore:"))
        #expect(try await scratch.scan(["."]).run.status == 1)
        #expect(try await meshlint(["init"], directory: scratch.root).status == 2)
        #expect(try await meshlint(["init", "--force"], directory: scratch.root).status == 0)
    }
}

@Suite("Access matrix and diff")
struct AccessMatrixTests {
    @Test func matrixOfTheHardenedScenario() async throws {
        let run = try await meshlint(["access", "matrix", "examples/payments-hardened", "--format", "json"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        let reachable = rows.filter { !(($0["allowedWhen"] as? [String]) ?? []).isEmpty }
        #expect(reachable.count == 1)
        #expect(reachable.first?["caller"] as? String == "payments/accounts")
        #expect(reachable.first?["service"] as? String == "ledger.payments")
        #expect(reachable.first?["allowedWhen"] as? [String] == ["POST /ledger/v1/debit with a valid token, claims roles=Ledger.Debit"])
        // Plaintext clients are refused by STRICT mTLS everywhere.
        #expect(rows.filter { $0["caller"] as? String == "anonymous" }.allSatisfy { $0["plainDecision"] as? String == "refused" })
        let markdown = try await meshlint(["access", "matrix", "examples/payments-hardened", "--format", "markdown"])
        #expect(markdown.stdout.hasPrefix("| service | caller | reaches with |"))
    }

    @Test("--timeout ends the matrix and the diff early: valid output marked incomplete, exit 2")
    func timeLimit() async throws {
        for format in ["json", "text", "markdown"] {
            let run = try await meshlint(["access", "matrix", "examples/payments-hardened", "--format", format, "--timeout", "0.000001"])
            #expect(run.status == 2)
            #expect(run.stderr.contains("the time limit (--timeout 1e-06 s) ran out; the output is incomplete"), "\(run.stderr)")
            if format == "json" {
                let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
                #expect(object["complete"] as? Bool == false)
            } else {
                #expect(run.stdout.contains("the time limit ran out; the rows above are not all of them"))
            }
        }
        let scratch = try Scratch(["ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"], git: true)
        defer { scratch.cleanUp() }
        let diff = try await meshlint(["access", "diff", "--base", "HEAD", "--format", "json", "--timeout", "0.000001"], directory: scratch.root)
        #expect(diff.status == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: diff.stdoutData) as? [String: Any])
        #expect(object["complete"] as? Bool == false && (object["changes"] as? [Any])?.isEmpty == true)
        let complete = try await meshlint(["access", "diff", "--base", "HEAD", "--format", "json"], directory: scratch.root)
        #expect(complete.status == 0)
        #expect((try JSONSerialization.jsonObject(with: complete.stdoutData) as? [String: Any])?["complete"] as? Bool == true)
    }

    /// Deleting ledger-debit-allow lets any caller with a valid token use every method and path.
    @Test func diffOfDeletingTheL7Allow() async throws {
        var files: [String: String] = [:]
        let guide = packageRoot.appendingPathComponent("examples/payments-hardened")
        for name in try FileManager.default.contentsOfDirectory(atPath: guide.path) {
            files[name] = try String(contentsOf: guide.appendingPathComponent(name), encoding: .utf8)
        }
        let scratch = try Scratch(files, git: true)
        defer { scratch.cleanUp() }
        let policies = try scratch.read("authorization.yaml").components(separatedBy: "\n---\n")
        try scratch.write("authorization.yaml", policies.filter { !$0.contains("name: ledger-debit-allow") }.joined(separator: "\n---\n"))
        let run = try await meshlint(["access", "diff", "--base", "HEAD", "--format", "json"], directory: scratch.root)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let changes = try #require(object["changes"] as? [[String: Any]])
        #expect(changes.compactMap { $0["key"] as? String } == [
            "ledger.payments:8080 <- any other mesh identity",
            "ledger.payments:8080 <- payments/accounts",
            "ledger.payments:8080 <- payments/ledger",
        ])
        #expect(changes.allSatisfy { $0["widens"] as? Bool == true })
        #expect(changes.allSatisfy { (($0["after"] as? [String: Any])?["allowedWhen"] as? [String]) == ["any request with a valid token"] })
        let unchanged = try await meshlint(["access", "diff", "--base", "HEAD", "authentication.yaml"], directory: scratch.root)
        #expect(unchanged.stdout == "No change to who can reach what.\n")

        // --fail-on for CI: the widening change fails both ways; no change fails neither.
        for failOn in ["newly-allowed", "any"] {
            #expect(try await meshlint(["access", "diff", "--base", "HEAD", "--fail-on", failOn], directory: scratch.root).status == 1)
            #expect(try await meshlint(["access", "diff", "--base", "HEAD", "--fail-on", failOn, "authentication.yaml"], directory: scratch.root).status == 0)
        }
        #expect(try await meshlint(["access", "diff", "--base", "HEAD", "--fail-on", "sometimes"], directory: scratch.root).status == 2)
    }

    /// Restoring the deleted policy only narrows access: --fail-on any fails, --fail-on newly-allowed does not.
    @Test func failOnTellsNarrowingFromWidening() async throws {
        var files: [String: String] = [:]
        let guide = packageRoot.appendingPathComponent("examples/payments-hardened")
        for name in try FileManager.default.contentsOfDirectory(atPath: guide.path) {
            files[name] = try String(contentsOf: guide.appendingPathComponent(name), encoding: .utf8)
        }
        let full = files["authorization.yaml"] ?? ""
        files["authorization.yaml"] = full.components(separatedBy: "\n---\n").filter { !$0.contains("name: ledger-debit-allow") }
            .joined(separator: "\n---\n")
        let scratch = try Scratch(files, git: true)
        defer { scratch.cleanUp() }
        try scratch.write("authorization.yaml", full)
        #expect(try await meshlint(["access", "diff", "--base", "HEAD", "--fail-on", "any"], directory: scratch.root).status == 1)
        #expect(try await meshlint(["access", "diff", "--base", "HEAD", "--fail-on", "newly-allowed"], directory: scratch.root).status == 0)
    }
}

@Suite("Custom rules")
struct CustomRulesCommandTests {
    @Test func theShippedPackPassesItsOwnExamples() async throws {
        let run = try await meshlint(["rules", "test", "rules.d"])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout.contains("pci-ledger-debit-only-accounts triggering example 1"))
        #expect(run.stdout.hasSuffix(" passed, 0 failed\n"))
        #expect(try await meshlint(["rules", "list", "--rules-dir", "rules.d"]).stdout.contains("pci-ledger-debit-only-accounts"))
        #expect(try await meshlint(["explain", "pci-ledger-debit-only-accounts", "--rules-dir", "rules.d"]).status == 0)
    }

    /// The ledger invariant holds on the hardened example and fails, naming the extra account, when
    /// the ALLOW also admits payments/reports.
    @Test func theLedgerInvariantNamesAnExtraCaller() async throws {
        var files: [String: String] = [:]
        let hardened = packageRoot.appendingPathComponent("examples/payments-hardened")
        for name in try FileManager.default.contentsOfDirectory(atPath: hardened.path) where name != ".meshlint.yaml" {
            files[name] = try String(contentsOf: hardened.appendingPathComponent(name), encoding: .utf8)
        }
        // The rules inside the repository: a configuration may not name a directory outside it.
        let rulesDirectory = packageRoot.appendingPathComponent("rules.d")
        for name in try FileManager.default.contentsOfDirectory(atPath: rulesDirectory.path) where name.hasSuffix(".yaml") {
            files["rules/\(name)"] = try String(contentsOf: rulesDirectory.appendingPathComponent(name), encoding: .utf8)
        }
        files[".meshlint.yaml"] = "rulesDirs: [rules]\n"
        let scratch = try Scratch(files)
        defer { scratch.cleanUp() }
        #expect(try await scratch.scan(["."]).run.status == 0)

        try scratch.write("authorization.yaml", try scratch.read("authorization.yaml").replacingOccurrences(
            of: "              - cluster.local/ns/payments/sa/accounts\n      to:",
            with: "              - cluster.local/ns/payments/sa/accounts\n              - cluster.local/ns/payments/sa/reports\n      to:"))
        try scratch.write("reports.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: reports, namespace: payments}
            spec:
              template:
                metadata: {labels: {app: reports}}
                spec: {serviceAccountName: reports}
            """)
        let result = try await scratch.scan(["."])
        #expect(result.run.status == 1)
        let invariant = findings(result.json).filter { $0["rule"] as? String == "pci-ledger-debit-only-accounts" }
        #expect(invariant.count == 1)
        #expect((invariant.first?["message"] as? String)?.contains("payments/reports") == true)
        #expect((invariant.first?["message"] as? String)?.contains("ledger-debit-allow") == true)
    }
}

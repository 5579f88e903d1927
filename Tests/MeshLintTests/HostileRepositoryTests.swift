import Foundation
import Testing
@testable import MeshLint
import Rules

/// A pull request from a fork is untrusted input: each case here is a repository built to hurt the
/// scanner (loops, links out of the tree, huge, deep or malformed files, things that block when
/// opened). The scan must finish, read nothing outside its root, report what it can, and say
/// clearly what it could not read.
@Suite("Hostile repositories", .serialized)
struct HostileRepositoryTests {
    static let namespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: payments
          labels: {istio.io/dataplane-mode: ambient}

        """

    /// A scan's JSON report, decoded, with its exit status and standard error.
    struct Scan {
        let status: Int32
        let report: [String: Any]
        let stderr: String
        var findings: [[String: Any]] { report["findings"] as? [[String: Any]] ?? [] }
        var rules: [String] { findings.compactMap { $0["rule"] as? String } }
        var files: Int { (report["summary"] as? [String: Any])?["files"] as? Int ?? -1 }
    }

    func scan(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) async throws -> Scan {
        let run = try await meshlint(["scan"] + arguments + ["--format", "json"], directory: directory, environment: environment)
        let report = (try? JSONSerialization.jsonObject(with: run.stdoutData)) as? [String: Any] ?? [:]
        return Scan(status: run.status, report: report, stderr: run.stderr)
    }

    func write(_ text: String, _ path: String, in root: URL) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    @Test("A symlink loop is never walked forever, with or without --follow-symlinks")
    func symlinkLoop() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(Self.namespace, "ns.yaml", in: root)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("sub/up").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("self").path, withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("a").path, withDestinationPath: "b")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("b").path, withDestinationPath: "a")
        for flags in [[], ["--follow-symlinks"]] {
            let result = try await scan(["."] + flags, in: root)
            #expect(result.files == 1, "\(flags)")
            #expect(result.rules.contains("ambient-namespace-without-default-deny"), "\(flags)")
        }
    }

    @Test("A symlink out of the scan root is not followed, even with --follow-symlinks; one inside is, on request")
    func symlinkOutsideTheRoot() async throws {
        let base = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: base) }
        let root = base.appendingPathComponent("repo")
        try write(Self.namespace, "real/ns.yaml", in: root)
        try write(Self.namespace.replacingOccurrences(of: "payments", with: "leaked-secret-namespace"), "outside/secret.yaml", in: base)
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("link.yaml").path, withDestinationPath: base.appendingPathComponent("outside/secret.yaml").path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("dir").path, withDestinationPath: "../outside")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("inner.yaml").path, withDestinationPath: "real/ns.yaml")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("0-real").path, withDestinationPath: "real")
        // A manifest kept in a hidden directory, published by a link: what following links is for.
        try write(Self.namespace.replacingOccurrences(of: "payments", with: "shared"), ".shared/ns.yaml", in: root)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("shared.yaml").path, withDestinationPath: ".shared/ns.yaml")

        let plain = try await scan(["."], in: root)
        #expect(plain.files == 1)
        #expect(!plain.stderr.contains("leaked") && !"\(plain.report)".contains("leaked"))

        let following = try await scan(["--follow-symlinks", "."], in: root)
        // real/ns.yaml once, under its own path (not as inner.yaml or 0-real/ns.yaml), and shared.yaml.
        #expect(following.files == 2)
        #expect(Set(following.findings.compactMap { $0["file"] as? String }) == ["real/ns.yaml", "shared.yaml"])
        #expect(!"\(following.report)".contains("leaked"))
        #expect(following.stderr.contains("link.yaml: symlink to") && following.stderr.contains("not followed"))
        #expect(following.stderr.contains("dir: symlink to"))
    }

    @Test("A directory of 100,000 small files is scanned, its findings intact")
    func aHundredThousandFiles() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let many = root.appendingPathComponent("many")
        try FileManager.default.createDirectory(at: many, withIntermediateDirectories: true)
        // Hard links: 100,000 directory entries without 100,000 inodes (ext4 allows 65,000 per inode).
        let sources = [many.appendingPathComponent("source-a.yaml"), many.appendingPathComponent("source-b.yaml")]
        for source in sources { try Data().write(to: source) }
        // Plain path strings and one expectation: 100,000 URL joins and #expect calls were most of
        // the test's time in a debug build.
        let sourcePaths = sources.map(\.path), directory = many.path + "/f"
        let failedLinks = (0..<99_998).filter { link(sourcePaths[$0 % 2], directory + String($0) + ".yaml") != 0 }
        #expect(failedLinks.isEmpty)
        try write(Self.namespace, "ns.yaml", in: root)
        let alone = try await scan(["ns.yaml"], in: root)
        let result = try await scan(["."], in: root)
        #expect(result.files == 100_001)
        #expect(!alone.rules.isEmpty && result.rules == alone.rules)
        #expect(result.status == alone.status)
    }

    @Test("A 200 MB file is refused by the size limit, unread, and the rest is scanned")
    func aTwoHundredMegabyteFile() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let huge = root.appendingPathComponent("huge.yaml")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try Foundation.FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 200 << 20)  // sparse: no disk, no time
        try handle.close()
        try write(Self.namespace, "ns.yaml", in: root)
        let result = try await scan(["."], in: root)
        let refused = result.findings.first { $0["rule"] as? String == "input-limit-exceeded" }
        #expect(refused?["file"] as? String == "huge.yaml")
        #expect(result.rules.contains("ambient-namespace-without-default-deny"))
        #expect(Self.peakChildMegabytes() < 500)
        // The limit can be raised or lowered.
        #expect(try await scan(["--max-file-size", "100", "."], in: root).rules.filter { $0 == "input-limit-exceeded" }.count == 2)
    }

    @Test("A document nested 100,000 deep is a finding, not a stack overflow")
    func nestedAHundredThousandDeep() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let depth = 100_000
        try write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "\n", "deep.yaml", in: root)
        try write("{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"data\": " + String(repeating: "{\"a\": ", count: depth) + "1"
            + String(repeating: "}", count: depth) + "}\n", "deep.json", in: root)
        try write(Self.namespace, "ns.yaml", in: root)
        let result = try await scan(["."], in: root)
        #expect(result.findings.filter { $0["rule"] as? String == "input-limit-exceeded" }.compactMap { $0["file"] as? String }.sorted()
            == ["deep.json", "deep.yaml"])
        #expect(result.rules.contains("ambient-namespace-without-default-deny"))
    }

    @Test("An alias bomb is cut off at the expansion limit")
    func billionLaughs() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            text += "  l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        try write(text, "bomb.yaml", in: root)
        try write(Self.namespace, "ns.yaml", in: root)
        let result = try await scan(["."], in: root)
        #expect(result.findings.contains { $0["rule"] as? String == "input-limit-exceeded" && ($0["message"] as? String ?? "").contains("alias") })
        #expect(result.rules.contains("ambient-namespace-without-default-deny"))
        #expect(Self.peakChildMegabytes() < 500)
    }

    @Test("A 10 MB scalar is read, and no report carries it")
    func aTenMegabyteScalar() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let big = String(repeating: "x", count: 10 << 20)
        try write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, namespace: payments}\ndata:\n  blob: \(big)\n", "big.yaml", in: root)
        // The same size as a condition key, which the finding on it quotes.
        try write("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: allow, namespace: payments}
            spec:
              rules:
              - when:
                - key: request.headers[\(big)
                  values: ["a"]

            """, "policy.yaml", in: root)
        let reports = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: reports) }
        let formats = ["json", "sarif", "text", "github", "markdown"]
        let run = try await meshlint(["scan", "."] + formats.flatMap { ["--format", $0, "--output", reports.appendingPathComponent($0).path] }, directory: root)
        #expect(run.status == 0 || run.status == 1)
        let json = try String(contentsOf: reports.appendingPathComponent("json"), encoding: .utf8)
        #expect(json.contains("authorization-policy-invalid"), "a finding quotes the key")
        #expect(json.contains("bytes, cut)"))
        for format in formats {
            let report = try Data(contentsOf: reports.appendingPathComponent(format))
            #expect(report.count < 2 << 20, "\(format): \(report.count) bytes")
            #expect(!String(decoding: report, as: UTF8.self).contains(String(repeating: "x", count: Finding.maxMessageLength)), "\(format)")
        }
        #expect(Self.peakChildMegabytes() < 500)
    }

    @Test("NUL bytes, invalid UTF-8, UTF-16 with a BOM and CRLF line ends: each file read or refused with a finding")
    func encodings() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(Array("apiVersion: v1\nkind: Namespace\nmetadata: {name: a\u{0}b}\n".utf8)).write(to: root.appendingPathComponent("nul.yaml"))
        try Data(Array("apiVersion: v1\nkind: Namespace\nmetadata: {name: a".utf8) + [0xFF, 0xFE] + Array("b}\n".utf8))
            .write(to: root.appendingPathComponent("latin1.yaml"))
        var utf16 = Data([0xFF, 0xFE])
        utf16.append(Self.namespace.replacingOccurrences(of: "payments", with: "utf16").data(using: .utf16LittleEndian)!)
        try utf16.write(to: root.appendingPathComponent("utf16.yaml"))
        try write(Self.namespace.replacingOccurrences(of: "payments", with: "crlf").replacingOccurrences(of: "\n", with: "\r\n"), "crlf.yaml", in: root)
        try write(Self.namespace.replacingOccurrences(of: "payments", with: "lf"), "lf.yaml", in: root)
        let result = try await scan(["."], in: root)
        let byFile = Dictionary(grouping: result.findings) { $0["file"] as? String ?? "" }
        #expect(byFile["nul.yaml"]?.map { $0["rule"] as? String } == ["input-not-text"])
        #expect(byFile["latin1.yaml"]?.map { $0["rule"] as? String } == ["input-not-text"])
        #expect(byFile["utf16.yaml"]?.map { $0["rule"] as? String } == byFile["lf.yaml"]?.map { $0["rule"] as? String })
        #expect(byFile["utf16.yaml"]?.isEmpty == false)
        // CRLF: the same finding at the same line and columns as with LF.
        let crlf = try #require(byFile["crlf.yaml"]?.compactMap { $0["span"] as? [String: Int] })
        let lf = try #require(byFile["lf.yaml"]?.compactMap { $0["span"] as? [String: Int] })
        #expect(!lf.isEmpty && crlf == lf)
    }

    @Test("An unreadable file is named on standard error; the others are scanned")
    func unreadableFile() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(Self.namespace, "ns.yaml", in: root)
        try write(Self.namespace, "locked.yaml", in: root)
        #expect(chmod(root.appendingPathComponent("locked.yaml").path, 0) == 0)
        // root reads every file whatever its mode: as root, scan as nobody instead.
        var arguments = ["scan", ".", "--format", "json"]
        var executable = meshlintExecutable.path
        if getuid() == 0 {
            #expect(chmod(root.path, 0o755) == 0)
            arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", executable] + arguments
            executable = "/usr/bin/setpriv"
        }
        let run = try await runChild(URL(fileURLWithPath: executable), arguments, in: root)
        #expect(String(decoding: run.stderr, as: UTF8.self).contains("locked.yaml: Permission denied"))
        let decoded = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        #expect((decoded["summary"] as? [String: Any])?["files"] as? Int == 1)
        #expect(run.status == 1)
    }

    @Test("A FIFO or a device in the tree is skipped and never blocks; named explicitly, it is refused")
    func fifoAndDevice() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try write(Self.namespace, "ns.yaml", in: root)
        #expect(mkfifo(root.appendingPathComponent("pipe.yaml").path, 0o644) == 0)
        if getuid() == 0 {
            // A character device like /dev/zero, which would never end if read.
            #expect(mknod(root.appendingPathComponent("zero.yaml").path, S_IFCHR | 0o644, dev_t((1 << 8) | 5)) == 0)
        }
        let result = try await scan(["."], in: root)
        #expect(result.files == 1)
        let explicit = try await scan(["/dev/zero", "ns.yaml"], in: root)
        #expect(explicit.stderr.contains("/dev/zero: not a regular file"))
        #expect(explicit.files == 1)
    }

    @Test("--timeout: what was done is reported, a scan-incomplete finding says what was not, exit 2")
    func timeout() async throws {
        let generous = try await meshlint(["scan", "examples/payments-guide", "--format", "json", "--timeout", "600"])
        let plain = try await meshlint(["scan", "examples/payments-guide", "--format", "json"])
        #expect(generous.status == plain.status && generous.stdout == plain.stdout)

        let expired = try await scan(["--timeout", "0.000001", "examples/payments-guide"], in: packageRoot)
        #expect(expired.status == 2)
        #expect(expired.stderr.contains("the scan is incomplete"))
        #expect(!expired.rules.isEmpty && expired.rules.allSatisfy { $0 == "scan-incomplete" })
        #expect(expired.files == 7, "every file is accounted for, read or not")
        // Each file not read has its own finding, and one more names the rules that did not run.
        let messages = expired.findings.compactMap { $0["message"] as? String }
        #expect(messages.filter { $0.hasPrefix("Not read") }.count == 7)
        #expect(messages.filter { $0.contains("rules ran") || $0.contains("rule ran") }.count == 1)
        // The SARIF of an incomplete scan is still a whole, valid log.
        let sarif = try await meshlint(["scan", "examples/payments-guide", "--format", "sarif", "--timeout", "0.000001"])
        #expect(sarif.status == 2)
        #expect(throws: Never.self) { try JSONSyntax.check(Array(sarif.stdoutData)) }
        #expect(sarif.stdout.contains("\"ruleId\": \"scan-incomplete\""))
        // A producer on standard input that never finishes cannot hold the scan past its limit.
        // Standard input stays open and empty until meshlint has ended.
        let stalled = try await runChild(meshlintExecutable, ["scan", "-", "--timeout", "0.5", "--format", "json"], in: packageRoot, keepInputOpen: true)
        #expect(stalled.status == 2)
        #expect(String(decoding: stalled.stderr, as: UTF8.self).contains("standard input: the scan's time limit (--timeout) ran out while waiting for it"))
        #expect(String(decoding: stalled.stdout, as: UTF8.self).contains("\"rule\": \"scan-incomplete\""))
        #expect(try await meshlint(["scan", "examples/payments-guide", "--timeout", "0"]).status == 2)
        #expect(try await meshlint(["scan", "examples/payments-guide", "--timeout", "0"]).stderr.contains("--timeout must be"))
    }

    @Test("Broken files lose no finding of the good ones")
    func noLostFindings() async throws {
        let good = packageRoot.appendingPathComponent("examples/payments-guide")
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for name in try FileManager.default.contentsOfDirectory(atPath: good.path) where name.hasSuffix(".yaml") {
            try FileManager.default.copyItem(at: good.appendingPathComponent(name), to: root.appendingPathComponent(name))
        }
        let alone = try await scan(["."], in: root)
        #expect(!alone.findings.isEmpty)
        try write("apiVersion: v1\nkind: [unclosed\n", "broken-syntax.yaml", in: root)
        try Data([0x00, 0x01, 0xFF, 0x00]).write(to: root.appendingPathComponent("binary.yaml"))
        try write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n", "template.yaml", in: root)
        var bomb = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 { bomb += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ") + "]\n" }
        try write(bomb, "bomb.yaml", in: root)
        try write("apiVersion: v1\nkind: ConfigMap\ndata: " + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "\n",
                  "deep.yaml", in: root)
        try write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\nmetadata: {name: e}\n", "duplicate.yaml", in: root)
        for index in 0..<20 { try write("apiVersion: v1\nkind: Namespace\nmetadata: {name: [\(index)\n", "broken-\(index).yaml", in: root) }
        let mixed = try await scan(["."], in: root)
        let goodFiles = Set(alone.findings.compactMap { $0["file"] as? String })
        let kept = mixed.findings.filter { goodFiles.contains($0["file"] as? String ?? "") }
        #expect(kept.count == alone.findings.count)
        #expect(kept.compactMap { $0["fingerprint"] as? String } == alone.findings.compactMap { $0["fingerprint"] as? String })
        // Every broken file has its own finding.
        let brokenFiles = Set(mixed.findings.compactMap { $0["file"] as? String }).subtracting(goodFiles)
        #expect(brokenFiles.count == 26)
    }

    /// The largest peak resident memory of any child process this test process has waited for.
    static func peakChildMegabytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}

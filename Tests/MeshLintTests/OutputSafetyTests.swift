import Foundation
import Rules
import Testing
import YAMLModel
@testable import MeshLint

/// Reports may be read by more people than the repository: a CI log, a SARIF upload. They quote
/// only the offending line, never a secret-like value on it, escape everything, and replace a
/// previous report in one step or not at all.
@Suite("Output safety")
struct OutputSafetyTests {
    func quoted(_ line: String, column: Int = 3, kind: String? = nil) -> String {
        let finding = Finding(
            ruleID: "demo-rule", severity: .error, message: "Something is wrong.", file: "<stdin>",
            span: Span(start: Mark(line: 2, column: column), end: Mark(line: 2, column: column + 4)),
            resource: kind.map { ResourceRef(apiVersion: "v1", kind: $0, namespace: "payments", name: "x") },
            remediation: "Fix it.")
        let result = Scanner.Result(findings: [finding], summary: Scanner.Summary(), readErrors: [], standardInput: Array("spec:\n\(line)\nnext: 1\n".utf8))
        let output = TextReporter(colored: false, sources: SourceLines(standardInput: result.standardInput)).render(result)
        return String(output.split(separator: "\n")[1])
    }

    @Test("The value of a secret-like key is never quoted; keys that only name or locate a secret are")
    func secretValuesAreRedacted() {
        #expect(quoted(#"  jwks: '{"keys":[{"kty":"RSA","n":"sZx0modulus","e":"AQAB"}]}'"#) == "      jwks: <redacted>")
        #expect(quoted("  - clientSecret: hunter2") == "      - clientSecret: <redacted>")
        #expect(quoted("  \"api_key\": \"abc\"") == "      \"api_key\": <redacted>")
        // In a flow mapping, everything after the key goes: the rest of the line may be the value.
        #expect(quoted("  {name: x, password: hunter2}") == "      {name: x, password: <redacted>")
        #expect(quoted("  jwksUri: https://login.microsoftonline.com/t/discovery/v2.0/keys") == "      jwksUri: https://login.microsoftonline.com/t/discovery/v2.0/keys")
        #expect(quoted("  secretName: payments-tls") == "      secretName: payments-tls")
        #expect(quoted("  audiences: [api://token-service]") == "      audiences: [api://token-service]")
        #expect(quoted("  token:") == "      token:")
        #expect(quoted(#"  {"name":"x","password":"hunter2"}"#) == #"      {"name":"x","password": <redacted>"#)
        #expect(quoted("  credentialName: payments-gateway-cert") == "      credentialName: payments-gateway-cert")
        #expect(quoted("  automountServiceAccountToken: false") == "      automountServiceAccountToken: false")
        // Every value of a Secret is secret, whatever its key; a block scalar's lines too.
        #expect(quoted("  tls.key: LS0tLS1CRUdJTiBQUklWQVRF", kind: "Secret") == "      tls.key: <redacted>")
        #expect(quoted("    MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", kind: "Secret") == "        <redacted>")
        #expect(quoted("  tls.key: LS0tLS1CRUdJTiBQUklWQVRF", kind: "ConfigMap") == "      tls.key: LS0tLS1CRUdJTiBQUklWQVRF")
        #expect(SecretRedaction.isSecretLike("PRIVATE_KEY") && SecretRedaction.isSecretLike("bearer-token"))
        #expect(!SecretRedaction.isSecretLike("namespace") && !SecretRedaction.isSecretLike("jwksUri"))
    }

    @Test("Names with quotes, control characters and line separators come out escaped in JSON and SARIF")
    func everythingIsEscaped() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: "pay\\"ments\\u0007\\u001b[31m\\u2028\\\\x"
              labels: {istio.io/dataplane-mode: ambient}

            """.write(to: root.appendingPathComponent("ns \"odd\"\n.yaml"), atomically: true, encoding: .utf8)
        for format in ["json", "sarif"] {
            let run = try await meshlint(["scan", ".", "--format", format], directory: root)
            #expect(run.status == 1)
            #expect(throws: Never.self) { try JSONSyntax.check(Array(run.stdoutData)) }
            #expect(!run.stdoutData.contains(0x07) && !run.stdoutData.contains(0x1B))
            // The line separator comes out escaped, never raw.
            #expect(run.stdout.contains("\\u2028") && !run.stdout.contains("\u{2028}"))
            let decoded = try JSONSerialization.jsonObject(with: run.stdoutData)
            #expect("\(decoded)".contains("pay\\\"ments"))
        }
    }

    @Test("A failed write leaves the previous report in place and exits 2")
    func failedWriteKeepsThePreviousReport() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let report = root.appendingPathComponent("meshlint.sarif")
        try "previous report\n".write(to: report, atomically: true, encoding: .utf8)
        // A file-size limit of 1 KB makes the write fail part-way (EFBIG; the signal is ignored).
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" scan examples/payments-guide --format sarif --output \"$1\"",
                             meshlintExecutable.path, report.path]
        process.currentDirectoryURL = packageRoot
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(stderr.contains("cannot write \(report.path)"))
        #expect(try String(contentsOf: report, encoding: .utf8) == "previous report\n")
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["meshlint.sarif"])
        // And without the limit, the report is replaced whole.
        #expect(try await meshlint(["scan", "examples/payments-guide", "--format", "sarif", "--output", report.path]).status == 1)
        #expect(throws: Never.self) { try JSONSyntax.check(Array(try Data(contentsOf: report))) }
    }
}

/// Terminal escapes from the input never reach the terminal through the text format (issue 19,
/// item 10).
@Suite("Text output: terminal escapes")
struct TerminalEscapeTests {
    @Test func controlCharactersFromNamesAndValuesAreReplaced() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        // A file name that sets the terminal's title, and a namespace name that clears the screen.
        let name = "ns\u{1B}]0;pwned\u{07}.yaml"
        try """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: "pay\\e[2Jments\\u009b31m"
              labels: {istio.io/dataplane-mode: ambient}
            """.write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        let run = try await meshlint(["scan", root.path, "--format", "text"])
        #expect(run.status == 1)
        #expect(!run.stdout.isEmpty)
        let controls = run.stdout.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
        #expect(controls.isEmpty, "control characters in the text output: \(controls.map { String($0.value, radix: 16) })")
        #expect(run.stdout.contains("ns\u{FFFD}]0;pwned\u{FFFD}.yaml"))
    }
}

/// The job summary and PR comment (`--format markdown`) on a file name and names built to forge a
/// clean result, hide later findings in an HTML comment, link elsewhere, show an image or notify a
/// team. scripts/ci-markdown.sh parses the same attack with a CommonMark parser.
@Suite("Markdown injection")
struct MarkdownInjectionTests {
    @Test func namesCannotForgeHideOrLink() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let forged = "0.yaml)\n\n# ✅ MeshLint: no findings\n\n<!--.yaml"
        try """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: 'pay[x](https://evil.example)'
              labels: {istio.io/dataplane-mode: ambient}
            """.write(to: root.appendingPathComponent(forged), atomically: true, encoding: .utf8)
        try """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: '<img src=x> @org/team `x'
              labels: {istio.io/dataplane-mode: ambient}
            """.write(to: root.appendingPathComponent("z.yaml"), atomically: true, encoding: .utf8)
        let run = try await meshlint(["scan", ".", "--format", "markdown"], directory: root)
        #expect(run.status == 1, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        // Our headings only; every finding on a line of its own.
        #expect(lines.filter { $0.hasPrefix("#") } == ["## MeshLint", "### Findings"])
        #expect(!lines.contains { $0.hasPrefix("<") })
        #expect(lines.filter { $0.hasPrefix("- **") }.count == 4)
        let items = lines.filter { $0.hasPrefix("- **error**") }
        #expect(items.count == 2)
        let link: String = "[`0.yaml)  # ✅ MeshLint: no findings  <!--.yaml:5`]"
            + "(0.yaml%29%0A%0A%23%20%E2%9C%85%20MeshLint%3A%20no%20findings%0A%0A%3C%21--.yaml#L5)"
        let message: String = "Namespace pay\\[x\\](https://evil.example) is in ambient but has no "
            + "default-deny AuthorizationPolicy: every workload in the mesh may call its pods."
        let expected: String = "- **error** " + link + " `ambient-namespace-without-default-deny`: " + message
        #expect(items.first == expected)
        #expect(items.last?.contains("Namespace \\<img src=x\\> @\u{2060}org/team \\`x is in ambient") == true)
    }
}

/// A GitHub runner executes workflow commands from any line a step prints: a line that starts with
/// `::` after white space, or `##[name]` anywhere (actions/runner `ActionCommand`). Config keys,
/// rule-file names, arguments and names from the input must not produce one, on either stream.
@Suite("Workflow-command injection")
struct WorkflowCommandInjectionTests {
    /// The lines of `output` the runner would read as commands (it splits on CR and LF, and
    /// trims leading white space before looking for `::`).
    static func commandLines(_ output: String) -> [String] {
        output.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).map(String.init).filter { line in
            line.drop(while: \.isWhitespace).hasPrefix("::") || line.contains("##[")
        }
    }

    @Test func nothingOnStandardErrorOrOutputIsACommand() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try """
            apiVersion: v1
            kind: Namespace
            metadata: {name: "x##[error]forged", labels: {istio.io/dataplane-mode: ambient}}
            """.write(to: root.appendingPathComponent("ns.yaml"), atomically: true, encoding: .utf8)

        // A configuration key: reported on standard error.
        try "\"\\n::stop-commands::tok\\n##[warning]forged\": 1\n".write(to: root.appendingPathComponent(".meshlint.yaml"), atomically: true, encoding: .utf8)
        let config = try await meshlint(["scan", "."], directory: root)
        #expect(config.status == 2 && config.stderr.contains("unknown key"))
        #expect(Self.commandLines(config.stderr).isEmpty, "\(config.stderr)")
        try FileManager.default.removeItem(at: root.appendingPathComponent(".meshlint.yaml"))

        // A rule file's name.
        let rules = root.appendingPathComponent(".meshlint/rules.d")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try "apiVersion: meshlint.io/v1alpha1\nkind: Rule\nmetadata: {name: x}\n".write(
            to: rules.appendingPathComponent("a\n::error::forged.yaml"), atomically: true, encoding: .utf8)
        let rule = try await meshlint(["scan", "."], directory: root)
        #expect(rule.status == 2 && rule.stderr.contains("needs \"spec\""))
        #expect(Self.commandLines(rule.stderr).isEmpty, "\(rule.stderr)")
        try FileManager.default.removeItem(at: root.appendingPathComponent(".meshlint"))

        // An argument (a staged file's name, as pre-commit passes it).
        let argument = try await meshlint(["scan", "--x\n::error::forged"], directory: root)
        #expect(argument.status == 2)
        #expect(Self.commandLines(argument.stderr).isEmpty, "\(argument.stderr)")

        // A name, in the text, JSON and SARIF formats on standard output, and the annotations.
        for format in ["text", "json", "sarif", "markdown"] {
            let run = try await meshlint(["scan", ".", "--format", format], directory: root)
            #expect(run.status == 1)
            #expect(run.stdout.contains("forged"))
            #expect(Self.commandLines(run.stdout).isEmpty, "\(format): \(Self.commandLines(run.stdout))")
        }
        let github = try await meshlint(["scan", ".", "--format", "github"], directory: root)
        let lines = github.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines.allSatisfy { $0.hasPrefix("::error ") || $0.hasPrefix("::warning ") })
        #expect(!github.stdout.contains("##["))
    }
}

/// A message may quote the value it is about: a custom rule on `stringData["password"]`, on an
/// env entry's value, on an annotation. No format shows a secret value, in the message, the fix
/// or the quoted line.
@Suite("Secrets in messages")
struct SecretMessageTests {
    @Test func noFormatShowsASecretValue() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let rules = root.appendingPathComponent(".meshlint/rules.d")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        func rule(_ id: String, kinds: String, path: String) -> String {
            """
            apiVersion: meshlint.io/v1alpha1
            kind: Rule
            metadata: {name: \(id)}
            spec:
              severity: error
              summary: A check that quotes values.
              rationale: Tests.
              remediation: Fix it.
              match: {kinds: [\(kinds)]}
              assert:
                - path: '\(path)'
                  equals: expected-value
            """
        }
        try [
            rule("org-secret-password", kinds: "Secret", path: #"stringData["password"]"#),
            rule("org-env-value", kinds: "Deployment", path: "spec.template.spec.containers[0].env[0].value"),
            rule("org-annotation", kinds: "Deployment", path: #"metadata.annotations["vault.example/agent-token"]"#),
        ].joined(separator: "\n---\n").write(to: rules.appendingPathComponent("quoting.yaml"), atomically: true, encoding: .utf8)
        try """
            apiVersion: v1
            kind: Secret
            metadata: {name: db, namespace: payments}
            stringData:
              password: hunter2-secret-value
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
              namespace: payments
              annotations: {vault.example/agent-token: s.vault-token-value}
            spec:
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec:
                  containers:
                    - name: api
                      env:
                        - name: DB_PASSWORD
                          value: env-password-value
            """.write(to: root.appendingPathComponent("app.yaml"), atomically: true, encoding: .utf8)
        for format in ["text", "json", "sarif", "markdown", "github"] {
            let run = try await meshlint(["scan", ".", "--format", format, "--no-color"], directory: root)
            #expect(run.status == 1, "\(format): \(run.stderr)")
            for rule in ["org-secret-password", "org-env-value", "org-annotation"] {
                #expect(run.stdout.contains(rule), "\(format) lacks \(rule)")
            }
            for secret in ["hunter2-secret-value", "env-password-value", "s.vault-token-value"] {
                #expect(!run.stdout.contains(secret), "\(format) shows \(secret)")
            }
            #expect(run.stdout.contains("<redacted>") || run.stdout.contains("\\u003credacted\\u003e") || run.stdout.contains("\\<redacted\\>"),
                    "\(format) says nothing was redacted")
        }
    }
}

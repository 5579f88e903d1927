import Foundation
import CustomRules
import Rules
import Testing
import YAMLModel

@Suite("Custom rules: loading and author errors")
struct LoaderTests {
    @Test("A file may hold several rules; the description comes from the document")
    func severalRules() throws {
        let text = ruleDocument(match: "{kinds: [Namespace]}", assert: "  - {fact: ambient}", id: "org-first")
            + "\n---\n" + ruleDocument(match: "{kinds: [Service]}", assert: "  - {fact: waypoint}", id: "org-second")
        let rules = try loadRules(text)
        #expect(rules.map(\.description.id) == ["org-first", "org-second"])
        let description = rules[0].description
        #expect(description.summary == "A test rule.")
        #expect(description.severity == .error && description.area == .authorization && description.precision == .high)
        #expect(description.name == "Org first")
    }

    @Test("An invalid rule is an error at file:line:col saying what was expected", arguments: [
        // (a change to the rule, the expected position, a part of the message)
        ("spec:\n  severity: error", "spec:\n  severity: error\n  colour: red", "7:3", "unknown key \"colour\" in spec (expected one of"),
        ("severity: error", "severity: fatal", "6:13", "spec.severity must be error, warning or note"),
        ("name: org-test-rule", "name: OrgRule", "4:9", "must be kebab-case"),
        ("name: org-test-rule", "name: ambient-namespace-without-default-deny", "4:9", "is the id of a built-in rule"),
        ("  - {fact: ambient}", "  - {fact: ambiance}", "12:12", "unknown fact \"ambiance\" (expected one of ambient, defaultDeny"),
        ("  - {fact: ambient}", "  - {path: metdata.labels, exists: true}", "12:12", "unknown field path: \"metdata.labels\" does not start with a field"),
        ("  - {fact: ambient}", "  - {path: metadata.label, exists: true}", "12:12", "metadata has no such field"),
        ("  - {fact: ambient}", "  - {path: 'spec.rules[x]', exists: true}", "12:12", "must be [*], a number"),
        ("  - {fact: ambient}", "  - {path: metadata.name, matches: '(unclosed'}", "12:36", "is not a pattern MeshLint can match: missing ): (unclosed"),
        ("  - {fact: ambient}", "  - {path: metadata.name, matches: '(?=pay)pay.*'}", "12:36", "lookaround ((?=...) is not supported"),
        ("  - {fact: ambient}", "  - {path: metadata.name, matches: '(?<!x)y'}", "12:36", "lookaround ((?<!...) is not supported"),
        ("  - {fact: ambient}", "  - {path: metadata.name, matches: '(a)\\1'}", "12:36", "backreferences are not supported"),
        ("  - {fact: ambient}", "  - {path: metadata.name, matches: '(?P<n>a)(?P=n)'}", "12:36", "backreferences are not supported"),
        ("  - {fact: ambient}", "  - {path: metadata.name, exists: maybe}", "12:35", "exists must be true or false"),
        ("  - {fact: ambient}", "  - {path: metadata.name}", "12:5", "needs exactly one of exists, absent, equals"),
        ("  - {fact: ambient}", "  - {fact: mtls, equals: LOOSE}", "12:26", "fact mtls equals STRICT or PERMISSIVE"),
        ("  - {fact: ambient}", "  - {fact: ambient, min: 2}", "12:21", "unknown key \"min\" in fact ambient"),
        ("  - {fact: ambient}", "  - {fact: waypointReplicas, min: 3}", "12:35", "min must be 1 or 2"),
        ("  - {fact: ambient}", "  - {access: {to: ledger:8080, onlyFrom: [a/b]}}", "12:19", "<service>.<namespace>:<port>"),
        ("  - {fact: ambient}", "  - {access: {to: ledger.payments:8080, onlyFrom: [accounts]}}", "12:52", "must be <namespace>/<name>"),
        ("  - {fact: ambient}", "  - {access: {to: ledger.payments:8080}}", "12:14", "access needs onlyFrom"),
        ("  - {fact: ambient}", "  - {fact: ambient, path: kind}", "12:5", "exactly one of path (a field condition), fact"),
        ("match: {kinds: [Namespace]}", "match: {kinds: Namespace}", "10:18", "spec.match.kinds must be a list of strings"),
        ("match: {kinds: [Namespace]}", "match: {kinds: [Namespace], labels: {pci: {equal: 'true'}}}", "10:46", "unknown key \"equal\""),
        ("kind: Rule", "kind: Rules", "2:7", "kind must be Rule"),
    ])
    func authorError(_ original: String, _ replacement: String, _ position: String, _ message: String) throws {
        let text = ruleDocument(match: "{kinds: [Namespace]}", assert: "  - {fact: ambient}")
        #expect(text.contains(original))
        let error = try #require(loadError(text.replacingOccurrences(of: original, with: replacement)))
        #expect("\(error.mark)" == position, "\(error)")
        #expect(error.message.contains(message), "\(error)")
        #expect(error.description.hasPrefix("rules.yaml:\(position): "))
    }

    @Test("A YAML syntax error is reported at its position")
    func syntaxError() {
        let error = loadError("apiVersion: meshlint.io/v1alpha1\nkind: Rule\nmetadata:\n  name: a\n    bad: indent\n")
        #expect(error?.mark.line == 5)
    }

    @Test("A rule defined twice in one file is an error")
    func duplicate() {
        let one = ruleDocument(match: "{kinds: [Namespace]}", assert: "  - {fact: ambient}")
        #expect(loadError(one + "\n---\n" + one)?.message.contains("defined twice") == true)
    }
}

@Suite("Custom rules: examples")
struct ExampleRunnerTests {
    static let rule = """
        apiVersion: meshlint.io/v1alpha1
        kind: Rule
        metadata:
          name: org-owner-label
        spec:
          severity: warning
          summary: Every Namespace has an owner label.
          rationale: Someone must answer for it.
          remediation: Add metadata.labels.owner.
          match: {kinds: [Namespace]}
          assert:
            - {path: 'metadata.labels["owner"]', exists: true}
          examples:
            triggering:
              - |
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: ↓payments
            nonTriggering:
              - |
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: payments
                  labels: {owner: team-payments}
              - yaml: |
                  apiVersion: v1
                  kind: ServiceAccount
                  metadata: {name: a, namespace: payments}
                configuration: |
                  rootNamespace: istio-system
        """

    @Test("A rule's own examples pass, and point at their lines in the rule file")
    func examplesPass() throws {
        let rule = try #require(try loadRules(Self.rule, file: "rules.d/owner.yaml").first)
        #expect(rule.description.triggeringExamples.count == 1 && rule.description.nonTriggeringExamples.count == 2)
        #expect(rule.description.triggeringExamples[0].line == 15)
        #expect(rule.description.triggeringExamples[0].filePath == "rules.d/owner.yaml")
        for result in ExampleRunner.runAll(rule) {
            #expect(result.problems.isEmpty, "\(result.problems)")
        }
    }

    @Test("A misplaced marker, a missing finding, an unexpected finding and broken YAML fail")
    func examplesFail() throws {
        let rule = try #require(try loadRules(Self.rule).first)
        let misplaced = Example("apiVersion: v1\nkind: Namespace\n↓metadata:\n  name: payments\n")
        #expect(ExampleRunner.run(rule, misplaced, triggering: true).first?.hasPrefix("expected findings at 3:1, got 4:9") == true)
        let noMarker = Example("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n")
        #expect(ExampleRunner.run(rule, noMarker, triggering: true).contains("a triggering example needs a ↓ marker"))
        #expect(ExampleRunner.run(rule, noMarker, triggering: false).first?.hasPrefix("expected no finding") == true)
        let broken = Example("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n    bad: indent\n")
        #expect(ExampleRunner.run(rule, broken, triggering: false).contains { $0.contains("input problem") })
        let badConfiguration = Example("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n", configuration: "nonsense: [")
        #expect(ExampleRunner.run(rule, badConfiguration, triggering: false).contains { $0.contains("configuration is invalid") })
    }

    @Test("ExampleRunner agrees with the built-in rules' examples")
    func builtInExamplesPass() {
        for rule in RuleCatalog.builtIn.prefix(5) {
            let instance = rule.init()
            for result in ExampleRunner.runAll(instance) {
                #expect(result.problems.isEmpty, "\(instance.description.id): \(result.problems)")
            }
        }
    }
}

@Suite("The shipped rule packs")
struct ShippedRulesTests {
    @Test("rules.d/pci-payments.yaml loads and its examples pass")
    func pciPack() throws {
        let path = repositoryRoot.appendingPathComponent("rules.d/pci-payments.yaml")
        let bytes = try Array(Data(contentsOf: path))
        let rules = try CustomRuleLoader.load(bytes, file: "rules.d/pci-payments.yaml", builtInIDs: builtInIDs)
        #expect(rules.map(\.description.id) == [
            "pci-namespace-ztunnel-posture", "pci-namespace-waypoint-posture", "pci-ledger-debit-only-accounts",
        ])
        for rule in rules {
            #expect(!rule.description.triggeringExamples.isEmpty && !rule.description.nonTriggeringExamples.isEmpty)
            for result in ExampleRunner.runAll(rule) {
                #expect(result.problems.isEmpty, "\(rule.description.id) line \(result.example.line): \(result.problems)")
            }
        }
    }

    @Test("The ledger invariant of the pack holds on examples/payments-hardened")
    func ledgerOnHardened() throws {
        let path = repositoryRoot.appendingPathComponent("rules.d/pci-payments.yaml")
        let rules = try CustomRuleLoader.load(try Array(Data(contentsOf: path)), file: "pci-payments.yaml", builtInIDs: builtInIDs)
        let context = LintContext(files: try exampleFiles("payments-hardened"))
        for rule in rules {
            let found = rule.check(context)
            #expect(found.isEmpty, "\(rule.description.id): \(found.map(\.message))")
        }
    }
}

@Suite("Custom rules: cost")
struct CostTests {
    @Test("Loading 200 rules is fast (the figure is printed)")
    func loadTwoHundred() throws {
        let path = repositoryRoot.appendingPathComponent("rules.d/pci-payments.yaml")
        let pack = try String(contentsOf: path, encoding: .utf8)
        var text = ""
        for number in 0..<67 {
            text += pack.replacingOccurrences(of: "name: pci-", with: "name: n\(number)-pci-") + "\n---\n"
        }
        let bytes = Array(text.utf8)
        let clock = ContinuousClock()
        var rules: [CustomRule] = []
        let elapsed = try clock.measure { rules = try CustomRuleLoader.load(bytes, file: "many.yaml", builtInIDs: builtInIDs) }
        #expect(rules.count == 201)
        print("loading \(rules.count) custom rules took \(elapsed)")
        #expect(elapsed < .seconds(2))
    }
}

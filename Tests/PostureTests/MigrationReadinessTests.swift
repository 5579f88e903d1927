import Rules
import Testing
@testable import Posture
import YAMLModel

/// The report's "migration readiness" section: one row per sidecar namespace, from migrate's plan.
@Suite("Migration readiness")
struct MigrationReadinessTests {
    @Test("the sidecar-migration example: payments needs the patch, which keeps its access; legacy has nothing to convert")
    func exampleReadiness() throws {
        let index = MeshIndex(resources: try exampleFiles("sidecar-migration").flatMap(\.resources))
        let (namespaces, omitted) = MigrationReadiness.all(index: index, audiences: .init())
        #expect(omitted == 0)
        #expect(namespaces.map(\.namespace) == ["legacy", "payments"])
        let payments = try #require(namespaces.last)
        #expect(payments.state == .needsPatch)
        #expect(payments.waypoint == "payments/waypoint")
        #expect(payments.policiesToConvert == 3)
        #expect(payments.rawChanges == 1 && payments.patchedChanges == 0)
        #expect(payments.sidecarCallers == ["legacy/batch: refused by ztunnel at the namespace's pods"])
        #expect(namespaces.first?.state == .ready)
    }

    @Test("beyond the limit, sidecar namespaces are counted, not assessed")
    func limit() throws {
        let yaml = (0..<3).map { "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-\($0), labels: {istio-injection: enabled}}" }
            .joined(separator: "\n---\n")
        let (namespaces, omitted) = MigrationReadiness.all(index: index(yaml), audiences: .init(), limit: 2)
        #expect(namespaces.map(\.namespace) == ["team-0", "team-1"])
        #expect(omitted == 1)
    }
}

/// The compliance appendix says how each requirement stands, from its supporting rules' findings.
@Suite("Requirement status")
struct RequirementStatusTests {
    @Test("a requirement whose rule has an error is failing, one with a warning weakened, one without findings has none, one without rules is not checked")
    func statesFollowTheFindings() throws {
        let yaml = """
            apiVersion: meshlint.io/v1alpha1
            kind: ComplianceMapping
            metadata: {name: test}
            spec:
              frameworks:
                - id: f
                  title: F
                  requirements:
                    - {id: A, title: a}
                    - {id: B, title: b}
                    - {id: C, title: c}
                    - {id: D, title: d, note: "not numbered by the framework"}
              rules:
                ambient-namespace-without-default-deny: {f: [A]}
                peer-authentication-not-strict: {f: [B]}
                singleton-waypoint: {f: [C]}
            """
        let mapping = try #require(try ComplianceMapping.load(Array(yaml.utf8), file: "c.yaml"))
        let files = try exampleFiles("payments-guide")
        let index = MeshIndex(resources: files.flatMap(\.resources))
        let result = Linter().lint(LintContext(index: index))
        let report = PostureReport(
            header: .init(repository: "r", commit: nil, generatedAt: "t", version: "v", inputs: [], configuration: nil, ruleCount: 0),
            index: index, findings: result, suppressions: [], sensitive: nil, compliance: mapping,
            rules: RuleCatalog.builtIn.map { $0.description })
        let framework = try #require(mapping.frameworks.first)
        let states = framework.requirements.map { report.status(of: $0, in: framework).state }
        #expect(states == [.noFinding, .weakened, .noFinding, .notChecked])
        #expect(report.status(of: framework.requirements[1], in: framework).summary == "◐ weakened: 1 warning (peer-authentication-not-strict)")
        #expect(framework.requirements[3].note == "not numbered by the framework")
    }
}

import Foundation
@testable import Posture
import Rules
import Testing
import YAMLModel

@Suite("Controls per namespace")
struct NamespacePostureTests {
    static let bare = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: legacy, labels: {istio-injection: enabled}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: tools}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: elsewhere}
        spec: {ports: [{port: 80}]}
        """

    static func posture(_ yaml: String, _ name: String, findings: [Finding] = []) -> NamespacePosture {
        NamespacePosture.all(index: index(yaml), findings: findings).first { $0.name == name }!
    }

    @Test("A bare ambient namespace misses every control but its data plane")
    func bareAmbientNamespace() {
        let shop = Self.posture(Self.bare, "shop")
        #expect(shop.control(.dataplane).state == .met)
        for id in [ControlID.mtls, .defaultDeny, .waypoint, .jwtValidation, .tokenRequired, .l7Policies] {
            #expect(shop.control(id).state == .missing, "\(id)")
            #expect(shop.control(id).evidence.isEmpty || id == .defaultDeny, "\(id)")
        }
        #expect(shop.control(.mtls).value == "PERMISSIVE (default)")
        #expect(shop.control(.defaultDeny).value == "no")
    }

    @Test("Sidecar, outside and unknown namespaces: the data plane says so, ambient controls do not apply")
    func otherModes() {
        let legacy = Self.posture(Self.bare, "legacy")
        #expect(legacy.control(.dataplane).state == .partial && legacy.control(.dataplane).value == "sidecar")
        #expect(legacy.control(.dataplane).evidence.first?.detail == "label istio-injection: enabled")
        #expect(legacy.control(.waypoint).state == .notApplicable)
        let tools = Self.posture(Self.bare, "tools")
        #expect(tools.control(.dataplane).state == .missing && tools.control(.dataplane).value == "none")
        #expect(tools.control(.mtls).state == .notApplicable)
        let elsewhere = Self.posture(Self.bare, "elsewhere")
        #expect(elsewhere.control(.dataplane).value == "unknown" && !elsewhere.isDeclared)
    }

    @Test("The hardened example meets its controls, each with evidence at a file and line")
    func hardenedExample() throws {
        let files = try exampleFiles("payments-hardened")
        let payments = NamespacePosture.all(index: MeshIndex(resources: files.flatMap(\.resources)), findings: []).first { $0.name == "payments" }!
        for id in [ControlID.dataplane, .mtls, .defaultDeny, .waypoint, .jwtValidation, .l7Policies] {
            #expect(payments.control(id).state == .met, "\(id): \(payments.control(id).explanation)")
            #expect(!payments.control(id).evidence.isEmpty, "\(id)")
        }
        #expect(payments.control(.mtls).evidence.map(\.location) == ["examples/payments-hardened/peer-authentication.yaml:11:11"])
        #expect(payments.control(.waypoint).value == "payments-waypoint (for service), HPA 3–10, PDB")
        #expect(payments.control(.defaultDeny).evidence.first?.resource == "AuthorizationPolicy payments/default-deny")
    }

    @Test("A control in place that an error or warning undermines is met only in part")
    func findingsWeakenAControl() throws {
        let files = try exampleFiles("payments-guide")
        let context = LintContext(files: files)
        let findings = Linter().lint(context)
        let payments = NamespacePosture.all(index: context.index, findings: findings).first { $0.name == "payments" }!
        let jwt = payments.control(.jwtValidation)
        #expect(jwt.state == .partial)
        #expect(jwt.explanation.hasSuffix("but a finding below weakens it"))
        #expect(jwt.findings.count == 1)
        #expect(payments.errors + payments.warnings + payments.notes == findings.filter { $0.resource?.namespace == "payments" || $0.resource?.name == "payments" }.count)
        // Without the findings, the same control is met.
        #expect(NamespacePosture.all(index: context.index, findings: []).first { $0.name == "payments" }!.control(.jwtValidation).state == .met)
    }
}

@Suite("Compliance mapping")
struct ComplianceMappingTests {
    @Test("The embedded mapping is rules.d/compliance.yaml, byte for byte (scripts/embed-compliance.py)")
    func embeddedMappingIsTheShippedFile() throws {
        let shipped = try String(contentsOf: repositoryRoot.appendingPathComponent("rules.d/compliance.yaml"), encoding: .utf8)
        #expect(DefaultComplianceMapping.yaml == shipped)
    }

    @Test("The shipped mapping names every built-in rule, and only declared requirements")
    func shippedMappingCoversEveryRule() throws {
        let mapping = ComplianceMapping.builtIn
        #expect(mapping.frameworks.map(\.id) == ["nist-sp-800-204b", "pci-dss-4.0"])
        for rule in RuleCatalog.builtIn.map({ $0.description.id }) {
            #expect(mapping.rules[rule] != nil, "\(rule) is not in the mapping")
        }
        let pci = mapping.frameworks[1]
        #expect(mapping.requirements(of: "ambient-namespace-without-default-deny", in: pci).map(\.id).contains("1.3.1"))
    }

    @Test("A mapping that refers to an undeclared framework or requirement is refused at its position", arguments: [
        ("rules:\n    r: {other: [A]}", "unknown framework \"other\""),
        ("rules:\n    r: {f: [B]}", "requirement B is not declared under framework f"),
        ("rules: {}\n  extra: 1", "unknown key \"extra\" in spec"),
    ])
    func invalidMappings(rules: String, message: String) {
        let text = """
            apiVersion: meshlint.io/v1alpha1
            kind: ComplianceMapping
            metadata: {name: m}
            spec:
              frameworks:
                - {id: f, title: F, requirements: [{id: A, title: a}]}
              \(rules)
            """
        do {
            _ = try ComplianceMapping.load(Array(text.utf8), file: "m.yaml")
            Issue.record("accepted: \(rules)")
        } catch {
            #expect(error.description.contains(message), "\(error)")
            #expect(error.mark.line >= 7)
        }
    }
}

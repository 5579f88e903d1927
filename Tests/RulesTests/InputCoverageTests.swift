import MeshLintConfig
import Rules
import Testing
import YAMLModel

/// What the input does not show is not proof that it does not exist: references to objects absent
/// from the input are notes, unless the namespace is declared complete or the name is a near miss
/// of one the input holds (issue 18, cause 1).
@Suite("input coverage")
struct InputCoverageTests {
    /// Namespace `kubeflow` holds a workload and a ServiceAccount, as an overlay repository does;
    /// the accounts and Services its policies name live in the upstream manifests.
    static let overlay = """
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: centraldashboard, namespace: kubeflow}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: centraldashboard, namespace: kubeflow}
        spec:
          template:
            metadata: {labels: {app: centraldashboard}}
            spec: {serviceAccountName: centraldashboard}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: centraldashboard, namespace: kubeflow}
        spec: {selector: {app: centraldashboard}, ports: [{port: 80}]}
        ---

        """

    static let principalPolicy = overlay + """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: profiles, namespace: kubeflow}
        spec:
          selector: {matchLabels: {app: centraldashboard}}
          rules: [{from: [{source: {principals: [cluster.local/ns/kubeflow/sa/profiles-controller]}}]}]
        """

    @Test func anAccountDefinedElsewhereIsANote() throws {
        let found = findings(of: "unknown-principal", in: Example(Self.principalPolicy)).findings
        let note = try #require(found.first)
        #expect(found.count == 1)
        #expect(note.severity == .note)
        #expect(note.isInconclusive)
        #expect(note.message.contains("which is not in the input"))
        #expect(note.message.contains("complete: [kubeflow]"))
    }

    @Test func aCompleteNamespaceMakesTheAbsenceAWarning() throws {
        for configuration in ["complete: [kubeflow]\n", "complete: [\"kube*\"]\n", "complete: [\"*\"]\n"] {
            let found = findings(of: "unknown-principal", in: Example(Self.principalPolicy, configuration: configuration)).findings
            #expect(found.map(\.severity) == [.warning], "\(configuration)")
            #expect(found.first?.message.contains("has no such ServiceAccount") == true)
        }
        let other = findings(of: "unknown-principal", in: Example(Self.principalPolicy, configuration: "complete: [payments]\n"))
        #expect(other.findings.map(\.severity) == [.note])
    }

    @Test func aNearMissIsAWarningWithoutDeclaringAnything() throws {
        let example = Example(Self.overlay + """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: dashboard, namespace: kubeflow}
            spec:
              rules: [{from: [{source: {principals: [cluster.local/ns/kubeflow/sa/centraldashbord]}}]}]
            """)
        let found = findings(of: "unknown-principal", in: example).findings
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.message.contains("Did you mean cluster.local/ns/kubeflow/sa/centraldashboard?") == true)
    }

    static let targetPolicy = overlay + """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: pipeline-ui, namespace: kubeflow}
        spec:
          targetRefs: [{kind: Service, group: "", name: ml-pipeline-ui}]
          rules: [{to: [{operation: {methods: [GET]}}]}]
        """

    @Test func aTargetDefinedElsewhereIsANote() throws {
        let found = findings(of: "policy-target-invalid", in: Example(Self.targetPolicy)).findings
        #expect(found.map(\.severity) == [.note])
        #expect(found.first?.message.contains("if it does not exist") == true)
        let complete = findings(of: "policy-target-invalid", in: Example(Self.targetPolicy, configuration: "complete: [kubeflow]\n"))
        #expect(complete.findings.map(\.severity) == [.error])
    }

    @Test func aMisspeltTargetIsAnError() throws {
        let example = Example(Self.overlay + """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: dashboard, namespace: kubeflow}
            spec:
              targetRefs: [{kind: Service, group: "", name: centraldashbaord}]
              rules: [{to: [{operation: {methods: [GET]}}]}]
            """)
        let found = findings(of: "policy-target-invalid", in: example).findings
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.message.contains("did you mean centraldashboard?") == true)
    }

    @Test func aTargetOutsideTheInputLeavesEnforcementUnknown() throws {
        let file = ManifestLoader.load(path: "overlay.yaml", bytes: Array(Self.targetPolicy.utf8))
        let index = MeshIndex(resources: file.resources)
        let policy = try #require(index.authorizationPolicies.first)
        let target = try #require(index.attachment(of: policy).targets.first)
        #expect(!target.outcome.reachesNothing)
        #expect(l7NowhereFindings(in: Self.targetPolicy).isEmpty)
        let complete = MeshIndex(resources: file.resources, options: MeshIndexOptions(completeNamespaces: ["kubeflow"]))
        let completeTarget = try #require(complete.attachment(of: policy).targets.first)
        #expect(completeTarget.outcome.reachesNothing)
    }

    private func l7NowhereFindings(in yaml: String) -> [Finding] {
        findings(of: "l7-policy-without-waypoint", in: Example(yaml)).findings
    }

    static let boundToAbsentWaypoint = overlay + """
        apiVersion: v1
        kind: Service
        metadata:
          name: jupyter-web-app
          namespace: kubeflow
          labels: {istio.io/use-waypoint: kubeflow-waypoint}
        spec: {selector: {app: jupyter}, ports: [{port: 80}]}
        """

    @Test func aWaypointDefinedElsewhereIsANoteAndLeavesTheBindingUnknown() throws {
        let found = findings(of: "unknown-waypoint", in: Example(Self.boundToAbsentWaypoint)).findings
        #expect(found.map(\.severity) == [.note])
        let file = ManifestLoader.load(path: "overlay.yaml", bytes: Array(Self.boundToAbsentWaypoint.utf8))
        let index = MeshIndex(resources: file.resources)
        let service = try #require(index.services.first { $0.name == "jupyter-web-app" })
        #expect(index.binding(of: service.resource).isBound == nil)
        let complete = findings(of: "unknown-waypoint", in: Example(Self.boundToAbsentWaypoint, configuration: "complete: [kubeflow]\n"))
        #expect(complete.findings.map(\.severity) == [.error])
    }

    @Test func theCompleteKeyIsValidated() {
        #expect(throws: (any Error).self) {
            _ = try Configuration.parse(Array("complete: kubeflow\n".utf8), file: ".meshlint.yaml")
        }
    }
}

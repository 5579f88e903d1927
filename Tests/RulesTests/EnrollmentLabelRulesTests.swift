import Rules
import Testing
import YAMLModel

@Suite("conflicting-dataplane-labels and waypoint-label-without-ambient")
struct EnrollmentLabelRulesTests {
    @Test func namespaceConflictFixKeepsTheOtherLabels() throws {
        let example = Example("""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: payments
              labels: {team: pay, istio.io/dataplane-mode: ambient, istio.io/rev: stable}
            """)
        let finding = try #require(findings(of: "conflicting-dataplane-labels", in: example).findings.first)
        // Mid-migration (istio.io "Enable ambient mode"): a warning naming the step that remains.
        #expect(finding.severity == .warning)
        #expect(finding.message.contains("it is mid-migration") && finding.message.contains("Remaining step: remove it and restart"))
        #expect(finding.remediation.contains("kubectl label namespace payments istio.io/rev-"))
        #expect(finding.remediation.contains("  labels:\n    team: pay\n    istio.io/dataplane-mode: ambient\n"))
        #expect(finding.related.first?.message.contains("asks for ambient") == true)
    }

    @Test func podAmbientInSidecarNamespaceIsFixedByRefusingInjection() throws {
        let example = Example("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: legacy, labels: {istio-injection: enabled}}
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: reconcile, namespace: legacy}
            spec:
              schedule: "0 * * * *"
              jobTemplate:
                spec:
                  template:
                    metadata: {labels: {app: reconcile, istio.io/dataplane-mode: ambient}}
                    spec: {restartPolicy: Never, containers: [{name: r, image: r:1.0}]}
            """)
        let finding = try #require(findings(of: "conflicting-dataplane-labels", in: example).findings.first)
        // A pod template that asks for both is still an error.
        #expect(finding.severity == .error)
        #expect(finding.remediation.contains("""
            spec:
              jobTemplate:
                spec:
                  template:
                    metadata:
                      labels:
                        app: reconcile
                        istio.io/dataplane-mode: ambient
                        sidecar.istio.io/inject: "false"
            """))
        // The fix really puts the pods in ambient.
        let fixed = Example("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: legacy, labels: {istio-injection: enabled}}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: reconcile
              namespace: legacy
              labels: {istio.io/dataplane-mode: ambient, sidecar.istio.io/inject: "false"}
            spec: {containers: [{name: r, image: r:1.0}]}
            """)
        #expect(findings(of: "conflicting-dataplane-labels", in: fixed).findings.isEmpty)
    }

    @Test func waypointLabelOnAPodOutOfAmbientSaysWhy() throws {
        let example = Example("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: tools}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: probe
              namespace: tools
              labels: {istio.io/use-waypoint: waypoint}
            spec: {containers: [{name: probe, image: probe:1.0}]}
            """)
        let finding = try #require(findings(of: "waypoint-label-without-ambient", in: example).findings.first)
        #expect(finding.message.contains("namespace tools has no `istio.io/dataplane-mode: ambient` label"))
        #expect(finding.remediation.contains("kubectl label namespace tools istio.io/dataplane-mode=ambient"))
        #expect(finding.remediation.contains("metadata:\n  labels:\n    istio.io/use-waypoint: waypoint\n    istio.io/dataplane-mode: ambient"))
    }
}

import YAMLModel

/// The file is a Helm (Go) template, not a manifest.
struct HelmTemplateNotRenderedRule: InputProblemRule {
    static let problemKind = InputProblem.Kind.helmTemplate

    static let description = RuleDescription(
        id: "helm-template-not-rendered",
        name: "Helm template not rendered",
        summary: "A file holds Helm or Go template syntax and is not a manifest until rendered.",
        rationale: """
            A template's `{{ ... }}` actions often parse as different, valid YAML (`{{ .Values.x }}` is a \
            flow mapping), so reading it as a manifest would check something the cluster never receives. \
            MeshLint skips the file and says so; the rendered output is what should be checked.
            """,
        remediation: "Render the chart and check its output: `helm template RELEASE CHART | meshlint scan -`.",
        severity: .note,
        area: .input,
        tags: ["input", "helm"],
        precision: .high,
        triggeringExamples: [
            Example("""
                apiVersion: apps/v1
                kind: Deployment
                spec:
                  replicas: ↓{{ .Values.replicaCount }}
                """),
            Example("""
                metadata:
                  labels:
                    ↓{{- include "chart.labels" . | nindent 4 }}
                """),
        ],
        nonTriggeringExamples: [
            Example("""
                apiVersion: monitoring.coreos.com/v1
                kind: PrometheusRule
                metadata: {name: alerts, namespace: monitoring}
                spec:
                  groups:
                  - name: mesh
                    rules:
                    - alert: WaypointDown
                      annotations:
                        summary: "waypoint {{ $labels.pod }} is down"
                """),
        ])
}

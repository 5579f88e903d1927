import Foundation
import Testing
@testable import YAMLModel

@Suite("Pruning while composing")
struct PruningTests {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: shop}
        spec:
          replicas: 3
          strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%}}
          template:
            metadata: {labels: {app: api}}
            spec:
              serviceAccountName: api
              terminationGracePeriodSeconds: 30
              volumes: [{name: tmp, emptyDir: {}}]
              containers:
              - name: api
                image: registry/api:1.0
                ports: [{name: http, containerPort: 8080}]
                env:
                - {name: A, value: "1"}
                resources: {limits: {cpu: "1"}}
        """

    @Test("A workload's unread pod-spec fields are never built; what rules read stays, with its spans")
    func prunesUnreadFields() {
        let whole = YAMLParser.parse(Array(Self.deployment.utf8))
        let pruned = YAMLParser.parse(Array(Self.deployment.utf8), pruning: .standard)
        #expect(pruned.problems.isEmpty)
        #expect(pruned.nodesBuilt < whole.nodesBuilt)
        let container = pruned.documents[0].root["spec", "template", "spec", "containers"]!.items[0]
        #expect(container["env"] == nil && container["resources"] == nil)
        #expect(container["ports"]!.items[0]["containerPort"]!.int == 8080)
        #expect(container["image"]!.span == whole.documents[0].root["spec", "template", "spec", "containers"]!.items[0]["image"]!.span)
        #expect(pruned.documents[0].root["spec", "template", "spec", "volumes"] == nil)
        #expect(pruned.documents[0].root["spec", "template", "spec", "serviceAccountName"]?.string == "api")
        #expect(pruned.documents[0].root["spec", "template", "spec", "terminationGracePeriodSeconds"] == nil)
        #expect(pruned.documents[0].root["spec", "strategy"] == nil)
        #expect(pruned.documents[0].root["spec", "replicas"]?.int == 3)
    }

    @Test("An autoscaler keeps its target and bounds, not its metrics")
    func prunesAutoscalerMetrics() {
        let autoscaler = """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: api, namespace: shop}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
              minReplicas: 2
              maxReplicas: 6
              metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
              behavior: {scaleDown: {stabilizationWindowSeconds: 300}}
            """
        let spec = YAMLParser.parse(Array(autoscaler.utf8), pruning: .standard).documents[0].root["spec"]!
        #expect(spec["metrics"] == nil && spec["behavior"] == nil)
        #expect(spec["scaleTargetRef", "name"]?.string == "api")
        #expect(spec["minReplicas"]?.int == 2 && spec["maxReplicas"]?.int == 6)
    }

    @Test("Other kinds, and keys a custom rule reads, are kept")
    func keepsOtherKindsAndRetainedKeys() {
        let configMap = Self.deployment.replacingOccurrences(of: "kind: Deployment", with: "kind: ConfigMap")
        let other = YAMLParser.parse(Array(configMap.utf8), pruning: .standard)
        #expect(other.documents[0].root["spec", "template", "spec", "containers"]!.items[0]["env"] != nil)
        let retained = YAMLParser.parse(Array(Self.deployment.utf8), pruning: .standard.retaining(keys: ["resources"]))
        let container = retained.documents[0].root["spec", "template", "spec", "containers"]!.items[0]
        #expect(container["resources"]?["limits"]?["cpu"]?.string == "1")
        #expect(container["env"] == nil)
        // `kind` after `spec`: the document is kept whole.
        let late = "apiVersion: apps/v1\nspec:\n  template:\n    spec:\n      volumes: []\nkind: Deployment\nmetadata: {name: x}\n"
        #expect(YAMLParser.parse(Array(late.utf8), pruning: .standard).documents[0].root["spec", "template", "spec", "volumes"] != nil)
    }

    @Test("Every workload kind prunes the same pod spec at its own path; only controllers lose their rollout fields")
    func everyKindPrunesItsPodSpec() {
        let podSpec = """
            serviceAccountName: api
            volumes: [{name: tmp, emptyDir: {}}]
            containers: [{name: api, image: registry/api:1.0, env: [{name: A, value: "1"}]}]
            """
        func parsed(_ kind: String, _ path: [String], strategy: Bool = true) -> Node {
            // The pod spec nested at `path`, with a `strategy` beside the outermost `spec`.
            var body = podSpec
            for key in path.reversed() { body = "\(key):\n" + body.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") }
            let text = "apiVersion: v1\nkind: \(kind)\nmetadata: {name: api}\n" + body + (strategy ? "\n  strategy: {type: Recreate}" : "") + "\n"
            let result = YAMLParser.parse(Array(text.utf8), pruning: .standard)
            #expect(result.problems.isEmpty, "\(kind)")
            return result.documents[0].root
        }
        let controllers = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"]
        for kind in controllers {
            let root = parsed(kind, ["spec", "template", "spec"])
            let spec = root["spec", "template", "spec"]
            #expect(spec?["volumes"] == nil && spec?["containers"]?.items.first?["env"] == nil, "\(kind)")
            #expect(spec?["serviceAccountName"]?.string == "api" && spec?["containers"]?.items.first?["image"] != nil, "\(kind)")
            #expect(root["spec", "strategy"] == nil, "\(kind)")
        }
        let pod = parsed("Pod", ["spec"])
        #expect(pod["spec", "volumes"] == nil && pod["spec", "containers"]?.items.first?["env"] == nil)
        #expect(pod["spec", "strategy"] != nil, "a Pod has no rollout fields to prune")
        let cronJob = parsed("CronJob", ["spec", "jobTemplate", "spec", "template", "spec"])
        #expect(cronJob["spec", "jobTemplate", "spec", "template", "spec", "volumes"] == nil)
        #expect(cronJob["spec", "jobTemplate", "spec", "template", "spec", "serviceAccountName"]?.string == "api")
        #expect(cronJob["spec", "strategy"] != nil)
        // A shared subtree is retained for every kind at once.
        let retained = Pruning.standard.retaining(keys: ["env"])
        for (kind, path) in [("Deployment", ["spec", "template", "spec"]), ("CronJob", ["spec", "jobTemplate", "spec", "template", "spec"])] {
            let text = "kind: \(kind)\nmetadata: {name: api}\n" + path.enumerated().map { String(repeating: "  ", count: $0) + $1 + ":" }.joined(separator: "\n")
                + "\n" + String(repeating: "  ", count: path.count) + "containers: [{name: api, env: [], resources: {}}]\n"
            let root = YAMLParser.parse(Array(text.utf8), pruning: retained).documents[0].root
            let container = path.reduce(Optional(root)) { $0?[$1] }?["containers"]?.items.first
            #expect(container?["env"] != nil && container?["resources"] == nil, "\(kind)")
        }
    }

    @Test("A duplicate of a pruned key is still found, and an alias into a pruned subtree parses the file whole")
    func duplicatesAndAliases() {
        let duplicate = Self.deployment + "\n        env: []\n"
        let problems = YAMLParser.parse(Array(duplicate.utf8), pruning: .standard).problems
        #expect(problems.map(\.message).contains { $0.hasPrefix("duplicate key \"env\"") })
        let aliased = Self.deployment
            .replacingOccurrences(of: "env:\n", with: "env: &shared\n")
            + "\n      - name: sidecar\n        ports: *shared\n"
        let parsed = YAMLParser.parse(Array(aliased.utf8), pruning: .standard)
        #expect(parsed.problems.isEmpty, "\(parsed.problems.map(\.message))")
        #expect(parsed.documents[0].root["spec", "template", "spec", "containers"]!.items[0]["env"] != nil)
        #expect(parsed.documents[0].root["spec", "template", "spec", "containers"]!.items[1]["ports"]?.items.count == 1)
        // An alias from one pruned place to another needs nothing more.
        let between = aliased.replacingOccurrences(of: "ports: *shared", with: "env: *shared")
        #expect(YAMLParser.parse(Array(between.utf8), pruning: .standard).problems.isEmpty)
    }
}

import Testing
@testable import YAMLModel

@Suite("Waypoint scaling")
struct WaypointScalingTests {
    static let gateway = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: wp, namespace: app}
        spec:
          gatewayClassName: istio-waypoint
          infrastructure:
            parametersRef: {group: "", kind: ConfigMap, name: wp-options}
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        """

    func scaling(_ extra: String...) throws -> WaypointScaling {
        let index = meshIndex(documents(Self.gateway, Fixture.namespace("app")) + extra.map { "---\n" + $0 + "\n" }.joined())
        let waypoint = try #require(index.waypoint(ObjectKey(namespace: "app", name: "wp")))
        return index.scaling(of: waypoint)
    }

    @Test func defaultsToOneReplicaWithoutBudget() throws {
        let result = try scaling()
        #expect(!result.hasSeveralReplicas)
        #expect(result.disruptionBudget == nil)
    }

    @Test func userHPAAndPDB() throws {
        let result = try scaling("""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: wp, namespace: app}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: wp}
              minReplicas: 2
              maxReplicas: 4
            """, """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: wp, namespace: app}
            spec:
              minAvailable: 1
              selector: {matchLabels: {gateway.networking.k8s.io/gateway-name: wp}}
            """)
        #expect(result.replicas?.detail == "HorizontalPodAutoscaler minReplicas: 2")
        #expect(result.disruptionBudget?.resource.kind == "PodDisruptionBudget")
    }

    @Test func hpaWithOneReplicaIsRecorded() throws {
        let result = try scaling("""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: wp, namespace: app}
            spec:
              scaleTargetRef: {kind: Deployment, name: wp}
              maxReplicas: 4
            """)
        #expect(!result.hasSeveralReplicas)
        #expect(result.singleReplicaSettings.map(\.detail) == ["HorizontalPodAutoscaler minReplicas: 1"])
    }

    @Test func parametersRefOverlays() throws {
        let result = try scaling("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: wp-options, namespace: app}
            data:
              deployment: |
                spec:
                  replicas: 3
              podDisruptionBudget: |
                spec:
                  minAvailable: 1
            """)
        #expect(result.replicas?.detail == "deployment overlay sets replicas: 3")
        let key = try #require(result.replicas?.resource.node["data"]?.pair("deployment")?.key)
        #expect(result.replicas?.span.start == key.span.start)
        #expect(result.disruptionBudget?.detail == "podDisruptionBudget overlay")
    }

    @Test func classDefaultsApplyWhenTheGatewaySaysNothing() throws {
        let result = try scaling("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: waypoint-defaults
              namespace: istio-system
              labels: {gateway.istio.io/defaults-for-class: istio-waypoint}
            data:
              horizontalPodAutoscaler: |
                spec:
                  minReplicas: 2
                  maxReplicas: 5
            """)
        #expect(result.replicas?.detail == "horizontalPodAutoscaler overlay sets minReplicas: 2")
    }

    @Test func anAutoscalerDecidesOverDeploymentReplicas() throws {
        let result = try scaling("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: wp-options, namespace: app}
            data:
              deployment: |
                spec:
                  replicas: 3
            """, """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: wp, namespace: app}
            spec:
              scaleTargetRef: {kind: Deployment, name: wp}
              minReplicas: 1
              maxReplicas: 4
            """)
        #expect(!result.hasSeveralReplicas)
        #expect(result.singleReplicaSettings.map(\.detail) == ["HorizontalPodAutoscaler minReplicas: 1"])
    }

    @Test func theGatewaysOverlayOverridesClassDefaultsKeyByKey() throws {
        let result = try scaling("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: wp-options, namespace: app}
            data:
              horizontalPodAutoscaler: |
                spec:
                  minReplicas: 1
            """, """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: waypoint-defaults
              namespace: istio-system
              labels: {gateway.istio.io/defaults-for-class: istio-waypoint}
            data:
              horizontalPodAutoscaler: |
                spec:
                  minReplicas: 3
              podDisruptionBudget: |
                spec:
                  minAvailable: 1
            """)
        #expect(!result.hasSeveralReplicas)
        #expect(result.disruptionBudget?.resource.name == "waypoint-defaults")
    }

    @Test func classDefaultsOutsideTheRootNamespaceAreIgnored() throws {
        let result = try scaling("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: waypoint-defaults
              namespace: app
              labels: {gateway.istio.io/defaults-for-class: istio-waypoint}
            data:
              deployment: |
                spec:
                  replicas: 2
            """)
        #expect(!result.hasSeveralReplicas)
    }

    @Test func aPDBForOtherPodsDoesNotCount() throws {
        let result = try scaling("""
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: other, namespace: app}
            spec:
              minAvailable: 1
              selector: {matchLabels: {app: api}}
            """)
        #expect(result.disruptionBudget == nil)
    }
}

import Rules
import Testing
import YAMLModel

@Suite("singleton-waypoint")
struct SingletonWaypointRuleTests {
    static func waypoint(_ name: String, annotations: String = "{}") -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: \(name), namespace: payments, annotations: \(annotations)}
        spec:
          gatewayClassName: istio-waypoint
          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
        ---

        """
    }

    @Test func oneFindingPerWaypoint() throws {
        let found = findings(of: "singleton-waypoint", in: Example(Self.waypoint("east") + Self.waypoint("west"))).findings
        #expect(found.map(\.resource?.name) == ["east", "west"])
    }

    @Test func remediationTargetsTheRenamedDeploymentAndSelectsTheGatewaysPods() throws {
        let example = Example(Self.waypoint("waypoint", annotations: "{gateway.istio.io/name-override: payments-waypoint}"))
        let finding = try #require(findings(of: "singleton-waypoint", in: example).findings.first)
        #expect(finding.message.contains("runs a single replica and has no PodDisruptionBudget"))
        #expect(finding.remediation.contains("kind: Deployment\n    name: payments-waypoint"))
        #expect(finding.remediation.contains("gateway.networking.k8s.io/gateway-name: waypoint"))
        #expect(finding.remediation.contains("namespace: payments"))
    }

    @Test func relatedLocationsShowWhatKeepsOneReplica() throws {
        let example = Example(Self.waypoint("waypoint") + """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: waypoint-hpa, namespace: payments}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: waypoint}
              minReplicas: 1
              maxReplicas: 8
            """)
        let finding = try #require(findings(of: "singleton-waypoint", in: example).findings.first)
        #expect(finding.related.map(\.message) == ["HorizontalPodAutoscaler minReplicas: 1 keeps one replica"])
        // The user's own HPA is raised in place, keeping its name and maximum.
        #expect(finding.remediation.contains("name: waypoint-hpa"))
        #expect(finding.remediation.contains("maxReplicas: 8"))
    }
}

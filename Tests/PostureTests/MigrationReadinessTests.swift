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

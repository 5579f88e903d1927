import Testing
@testable import Access
import YAMLModel

/// The matrix and its diff computed a batch of Services at a time: the same rows and changes, in
/// the same order, whatever the batch size, and a stop between batches.
@Suite("The access matrix, streamed")
struct AccessMatrixStreamTests {
    /// `count` small namespaces: a workload with its own identity, and its Service.
    static func mesh(_ count: Int, denyIn denied: Set<Int> = []) -> MeshIndex {
        let documents = (0..<count).map { number -> String in
            let name = "ns\(number)"
            var text = """
                apiVersion: v1
                kind: Namespace
                metadata: {name: \(name), labels: {istio.io/dataplane-mode: ambient}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: app, namespace: \(name)}
                spec:
                  selector: {matchLabels: {app: app}}
                  template: {metadata: {labels: {app: app}}, spec: {serviceAccountName: app}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: app, namespace: \(name)}
                spec: {selector: {app: app}, ports: [{name: http, port: 8080}, {name: grpc, port: 9090}]}
                """
            if denied.contains(number) {
                text += "\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: deny, namespace: \(name)}\nspec: {}"
            }
            return text
        }
        return MeshIndex(resources: ManifestLoader.load(path: "mesh.yaml", bytes: Array(documents.joined(separator: "\n---\n").utf8)).resources)
    }

    @Test("Any batch size gives the rows of the whole matrix, in its order", arguments: [1, 7, 50, 100_000])
    func batchesGiveTheWholeMatrix(rowBudget: Int) {
        let index = Self.mesh(12, denyIn: [3, 8])
        let whole = AccessMatrix.compute(index: index)
        #expect(whole.count == 12 * 2 * (12 + 2))
        var streamed: [AccessMatrixRow] = []
        var batches = 0
        let complete = AccessMatrix.stream(AccessMatrixPlan(index: index), rowBudget: rowBudget, shouldStop: { false }) {
            streamed += $0
            batches += 1
        }
        #expect(complete)
        #expect(streamed == whole)
        // A budget below one Service's rows still makes progress, one Service a batch.
        #expect(batches == (rowBudget < 28 ? 12 : rowBudget == 50 ? 6 : 1))
    }

    @Test("The streamed diff is the diff of the whole matrices, also when Services come and go", arguments: [1, 30, 100_000])
    func streamedDiffIsTheWholeDiff(rowBudget: Int) {
        let base = Self.mesh(10, denyIn: [2])
        // Head: ns0 removed, ns2's deny lifted, ns5 denied, two namespaces added.
        var resources = Self.mesh(12, denyIn: [5]).resources.filter { $0.namespace != "ns0" && $0.name != "ns0" }
        resources.sort { $0.file < $1.file }
        let head = MeshIndex(resources: resources)
        let whole = AccessMatrixChange.diff(base: AccessMatrix.compute(index: base), head: AccessMatrix.compute(index: head))
        #expect(!whole.isEmpty)
        var streamed: [AccessMatrixChange] = []
        let complete = AccessMatrixChange.stream(
            base: AccessMatrixPlan(index: base), head: AccessMatrixPlan(index: head), rowBudget: rowBudget, shouldStop: { false }
        ) { streamed += $0 }
        #expect(complete)
        #expect(Set(streamed) == Set(whole))
        #expect(streamed.count == whole.count)
    }

    @Test("A stop between batches ends the matrix early and says so")
    func stopping() {
        let plan = AccessMatrixPlan(index: Self.mesh(6))
        var asked = 0
        var rows = 0
        let complete = AccessMatrix.stream(plan, rowBudget: 1, shouldStop: {
            asked += 1
            return asked > 2
        }) { rows += $0.count }
        #expect(!complete)
        #expect(rows == 2 * 2 * (6 + 2))
    }
}

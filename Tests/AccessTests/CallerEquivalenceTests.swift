import Testing
@testable import Access
import YAMLModel

/// `outcomes(of:for:)` evaluates one request for many callers by grouping the mesh identities that
/// answer the policies' identity questions alike; it must agree with evaluating each caller alone.
@Suite struct CallerEquivalenceTests {
    /// Policies that ask about identities in every way there is: exact, prefix and suffix
    /// principals, namespace globs, service accounts, negations, at the waypoint and at ztunnel.
    static let mesh = meshIndex(
        Fixture.namespace("shop", labels: ["istio.io/use-waypoint": "waypoint"]),
        Fixture.namespace("web"),
        Fixture.namespace("batch"),
        Fixture.namespace("legacy", ambient: false),
        Fixture.waypoint("waypoint", in: "shop"),
        Fixture.deployment("cart", in: "shop", account: "cart"),
        Fixture.service("cart", in: "shop", port: 80, targetPort: "8080"),
        Fixture.deployment("stock", in: "shop", account: "stock"),
        Fixture.service("stock", in: "shop", port: 80, targetPort: "8080", labels: ["istio.io/use-waypoint": "none"]),
        Fixture.deployment("frontend", in: "web", account: "frontend"),
        Fixture.deployment("frontend-canary", in: "web", account: "frontend-canary"),
        // A sidecar caller that answers every identity question as web/frontend does: it skips the waypoint.
        Fixture.deployment("frontend-legacy", in: "web", account: "frontend-legacy", podLabels: ["sidecar.istio.io/inject": "true"]),
        Fixture.deployment("worker", in: "batch", account: "worker"),
        Fixture.deployment("old", in: "legacy", account: "old"),
        Fixture.authorizationPolicy("cart-l7", in: "shop", spec: """
            targetRefs: [{kind: Service, group: "", name: cart}]
            action: ALLOW
            rules:
            - from: [{source: {principals: ["cluster.local/ns/web/sa/frontend*"]}}]
              to: [{operation: {methods: [GET]}}]
            - from: [{source: {namespaces: ["bat*"], notPrincipals: ["*/sa/worker"]}}]
            - from: [{source: {serviceAccounts: ["web/frontend-canary"]}}]
              to: [{operation: {methods: [POST]}}]
            """),
        Fixture.authorizationPolicy("cart-deny", in: "shop", spec: """
            targetRefs: [{kind: Service, group: "", name: cart}]
            action: DENY
            rules:
            - from: [{source: {principals: ["*frontend-canary"]}}]
              to: [{operation: {paths: ["/admin*"]}}]
            """),
        Fixture.authorizationPolicy("stock-l4", in: "shop", spec: """
            selector: {matchLabels: {app: stock}}
            action: ALLOW
            rules:
            - from: [{source: {namespaces: ["web"]}}]
            - from: [{source: {principals: ["cluster.local/ns/batch/sa/*"]}}]
            """))

    static let callers: [AccessCaller] = [
        .anonymous,
        identity("web/frontend"), identity("web/frontend-canary"), identity("web/frontend-2"), identity("web/other"),
        identity("web/frontend-legacy"),
        identity("batch/worker"), identity("batch/reporter"), identity("batchjobs/anything"), identity("shop/cart"),
        identity("shop/stock"), identity("legacy/old"), identity("elsewhere/frontend-canary"), identity("web/frontend"),
    ]

    static let requests: [(method: String, path: String)] = [("GET", "/"), ("POST", "/orders"), ("GET", "/admin/x"), ("DELETE", "/")]

    @Test(arguments: [("cart", 80), ("stock", 80)])
    func groupedOutcomesAgreeWithEachCallerAlone(service name: String, port: Int) throws {
        let evaluator = AccessEvaluator(index: Self.mesh)
        for (method, path) in Self.requests {
            let request = AccessRequest(caller: .anonymous, destination: service("shop", name, port: port), method: method, path: path)
            let grouped = try evaluator.outcomes(of: request, for: Self.callers)
            for (caller, outcome) in zip(Self.callers, grouped) {
                var single = request
                single.caller = caller
                #expect(try evaluator.evaluate(single).outcome == outcome, "\(method) \(path) to \(name) from \(caller)")
            }
        }
    }

    @Test func theOutcomesAreNotAllTheSame() throws {
        // Guards the test above: it would pass vacuously if every caller got one answer.
        let request = AccessRequest(caller: .anonymous, destination: service("shop", "cart", port: 80), method: "GET", path: "/")
        let outcomes = try AccessEvaluator(index: Self.mesh).outcomes(of: request, for: Self.callers)
        #expect(Set(outcomes.map { $0.decision.isAllowed }).count == 2)
    }

    @Test func identitiesNoPolicyTellsApartShareOneEvaluation() throws {
        // A hundred identities of a namespace no policy names: one evaluation stands for them all.
        let strangers = (0..<100).map { identity("guests/visitor-\($0)") }
        let request = AccessRequest(caller: .anonymous, destination: service("shop", "cart", port: 80), method: "GET", path: "/")
        let (outcomes, evaluations) = try AccessEvaluator(index: Self.mesh).groupedOutcomes(of: request, for: strangers)
        #expect(outcomes.count == 100)
        #expect(evaluations == 1)
        #expect(outcomes.allSatisfy { !$0.decision.isAllowed })
    }

    @Test func theExamplesAgreeForEveryServiceAndCaller() throws {
        for directory in ["examples/payments-guide", "examples/payments-hardened"] {
            let index = try meshIndex(directory: directory)
            let evaluator = AccessEvaluator(index: index)
            var callers: [AccessCaller] = [.anonymous, identity("elsewhere/stranger")]
            for workload in index.workloads { callers.append(evaluator.caller(for: workload)) }
            for service in index.services {
                for port in service.ports.compactMap({ $0["port"]?.int }) {
                    for (method, path) in [("POST", "/ledger/v1/debit"), ("GET", "/ledger/v1/balance")] {
                        let request = AccessRequest(
                            caller: .anonymous, destination: .service(service.key, port: port), method: method, path: path)
                        let grouped = try evaluator.outcomes(of: request, for: callers)
                        for (caller, outcome) in zip(callers, grouped) {
                            var single = request
                            single.caller = caller
                            #expect(try evaluator.evaluate(single).outcome == outcome, "\(directory): \(method) \(path) to \(service.key) from \(caller)")
                        }
                    }
                }
            }
        }
    }
}

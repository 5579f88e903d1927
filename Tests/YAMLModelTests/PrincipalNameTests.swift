import Testing
import YAMLModel

@Suite("Principal names")
struct PrincipalNameTests {
    @Test func readsTheFivePartForm() throws {
        let name = try #require(PrincipalName("cluster.local/ns/payments/sa/ledger"))
        #expect(name.trustDomain == "cluster.local")
        #expect(name.namespace == "payments")
        #expect(name.serviceAccount == "ledger")
        #expect(name.with(trustDomain: "corp.example") == "corp.example/ns/payments/sa/ledger")
    }

    @Test(arguments: [
        "*", "cluster.local/ns/payments/sa/*", "*/ns/payments/sa/ledger", "cluster.local/ns/payments",
        "cluster.local/ns/payments/sa/ledger/extra", "/ns/payments/sa/ledger", "cluster.local/ns//sa/ledger",
        "cluster.local/ns/payments/sa/", "cluster.local/namespace/payments/sa/ledger", "cluster.local/ns/payments/serviceaccount/ledger", "",
    ])
    func refusesPatternsAndOtherShapes(text: String) {
        #expect(PrincipalName(text) == nil)
    }
}

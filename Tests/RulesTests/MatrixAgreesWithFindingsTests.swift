import Access
import Rules
import Testing
import YAMLModel

/// The access matrix never contradicts a finding (issue 21, item 11): a token the issuer never
/// mints admits nothing, a GET-only policy is not "any request", and the pod-IP bypass is shown.
@Suite("The access matrix agrees with the findings")
struct MatrixAgreesWithFindingsTests {
    static let issuer = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"

    /// `payments` bound to its waypoint, Deployments `ledger` and `accounts`, Service `ledger`, an
    /// ALLOW at ztunnel for the waypoint and `accounts`, and `extra` documents.
    static func payments(_ extra: String) -> String {
        ExampleFixtures.paymentsWithWaypoint + ExampleFixtures.ledgerDeployment + """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: accounts, namespace: payments}
            spec:
              template:
                metadata: {labels: {app: accounts}}
                spec: {serviceAccountName: accounts}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: ledger, namespace: payments}
            spec: {selector: {app: ledger}, ports: [{name: http, port: 8080}]}
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ledger-l4, namespace: payments}
            spec:
              selector: {matchLabels: {app: ledger}}
              rules:
              - from: [{source: {principals: [cluster.local/ns/payments/sa/payments-waypoint]}}]
            ---
            \(extra)
            """
    }

    private func row(_ yaml: String, caller: String = "payments/accounts", audiences: MintedAudiences = MintedAudiences()) throws -> AccessMatrixRow {
        let file = ManifestLoader.load(path: "mesh.yaml", bytes: Array(yaml.utf8))
        let index = MeshIndex(resources: file.resources)
        return try #require(AccessMatrix.compute(index: index, audiences: audiences).first { $0.service.name == "ledger" && $0.caller == caller })
    }

    static let debitWithToken = """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: ledger-jwt, namespace: payments}
        spec:
          targetRefs: [{kind: Service, group: "", name: ledger}]
          jwtRules:
          - issuer: \(issuer)
            audiences: [AUDIENCE]
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: ledger-debit, namespace: payments}
        spec:
          targetRefs: [{kind: Service, group: "", name: ledger}]
          rules:
          - from: [{source: {principals: [cluster.local/ns/payments/sa/accounts], requestPrincipals: ["*"]}}]
            to: [{operation: {methods: [POST], paths: [/ledger/v1/debit]}}]
        """

    @Test("an audience Entra ID never mints: jwt-audience-mismatch, and the matrix shows no valid token")
    func audienceNoTokenCarries() throws {
        let yaml = Self.payments(Self.debitWithToken.split(separator: "AUDIENCE").joined(separator: "api://ledger"))
        #expect(!findings(of: "jwt-audience-mismatch", in: Example(yaml)).findings.isEmpty)
        let mismatched = try row(yaml)
        #expect(!mismatched.allowedWhen.contains { $0.contains("with a valid token") })

        // The API's client ID: tokens carry it, and the matrix shows the debit.
        let fixed = Self.payments(Self.debitWithToken.split(separator: "AUDIENCE").joined(separator: "7d3c1a52-90e4-4b8f-a6d1-2f0e9c4b8a71"))
        #expect(findings(of: "jwt-audience-mismatch", in: Example(fixed)).findings.isEmpty)
        #expect(try row(fixed).allowedWhen.contains("POST /ledger/v1/debit with a valid token"))
    }

    @Test("an audience .meshlint.yaml declares for the issuer is the one the matrix's token carries")
    func declaredAudience() throws {
        let yaml = Self.payments(Self.debitWithToken.split(separator: "AUDIENCE").joined(separator: "7d3c1a52-90e4-4b8f-a6d1-2f0e9c4b8a71"))
        let declared = MintedAudiences(declared: [Self.issuer: ["99999999-2222-3333-4444-555555555555"]])
        #expect(!(try row(yaml, audiences: declared)).allowedWhen.contains { $0.contains("with a valid token") })
    }

    @Test("a GET-only policy is shown as GET /, not as any request")
    func getOnlyIsNotAnyRequest() throws {
        let yaml = Self.payments("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: ledger-read, namespace: payments}
            spec:
              targetRefs: [{kind: Service, group: "", name: ledger}]
              rules:
              - to: [{operation: {methods: [GET]}}]
            """)
        let read = try row(yaml)
        #expect(read.allowedWhen.first == "GET /")
        #expect(!read.allowedWhen.contains("any request"))
    }

    @Test("the pod-IP bypass that waypoint-bypass-possible reports is a matrix entry")
    func podIPBypassIsShown() throws {
        let yaml = Self.payments(Self.debitWithToken.split(separator: "AUDIENCE").joined(separator: "api://ledger")).replacingOccurrences(
            of: "principals: [cluster.local/ns/payments/sa/payments-waypoint]",
            with: "principals: [cluster.local/ns/payments/sa/payments-waypoint, cluster.local/ns/payments/sa/accounts]")
        #expect(!findings(of: "waypoint-bypass-possible", in: Example(yaml)).findings.isEmpty)
        #expect(try row(yaml).allowedWhen.contains(
            "any request to the pods of payments/ledger by pod IP, skipping waypoint payments/payments-waypoint"))
    }

    @Test("a Service open through its waypoint in a default-deny namespace is reported, and the matrix shows it open")
    func openThroughTheWaypoint() throws {
        let yaml = Self.payments("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: allow-waypoint, namespace: payments}
            spec:
              rules:
              - from: [{source: {principals: [cluster.local/ns/payments/sa/payments-waypoint]}}]
            """)
        let finding = try #require(findings(of: "waypoint-admits-any-identity", in: Example(yaml)).findings.first)
        #expect(finding.message.hasPrefix("Service payments/ledger is reached by any mesh identity through waypoint payments/payments-waypoint"))
        #expect(try row(yaml, caller: "any other mesh identity").allowedWhen == ["any request"])
    }
}

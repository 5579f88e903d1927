import Testing
@testable import YAMLModel

// MARK: - Value checks (istiod's pkg/config/security, case by case)

@Suite("PolicyValidation: ports")
struct PolicyValidationPortTests {
    @Test(arguments: ["1", "80", "8080", "65535", "0", "00080", "065535"])
    func acceptsWhatParseUintAccepts(_ port: String) {
        #expect(PolicyValidation.portError(port) == nil)
    }

    @Test(arguments: ["", "65536", "70000", "99999999999999999999", "-1", "+80", " 80", "80 ", "8_080", "0x50", "http", "80.0", "８０"])
    func rejectsEverythingElse(_ port: String) {
        #expect(PolicyValidation.portError(port) != nil)
    }
}

@Suite("PolicyValidation: IP blocks")
struct PolicyValidationIPTests {
    @Test(arguments: [
        "10.0.0.1", "0.0.0.0", "255.255.255.255", "10.0.0.0/8", "10.0.0.1/8", "10.0.0.0/0", "10.0.0.0/32",
        "2001:db8::1", "::", "::1", "1::", "2001:db8::/32", "::/0", "2001:db8::/128", "::ffff:10.1.2.3",
        "64:ff9b::192.0.2.33", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "fe80::1%eth0", "FE80::ABCD",
    ])
    func acceptsWhatNetipAccepts(_ value: String) {
        #expect(PolicyValidation.ipBlockError(value) == nil, "\(value)")
    }

    @Test(arguments: [
        "", "10.0.0", "10.0.0.0.0", "10.0.0.256", "010.0.0.1", "10.0.0.01", "10..0.1", "10.0.0.0/33", "10.0.0.0/08",
        "10.0.0.0/+8", "10.0.0.0/", "10.0.0.0/8/8", "10.0.0.0/-1", "2001:db8::/129", "fe80::1%eth0/64", "fe80::1%",
        "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "::g", "1:2:3:4:5:6:7::8", "1:2:3:4:5:6:7:8::", "1:", ":1",
        "1.2.3.4:80", "%eth0", "localhost", "1:2:3:4:5:1.2.3.4", "::1.2.3", "10.0.0.1 ",
    ])
    func rejectsEverythingElse(_ value: String) {
        #expect(PolicyValidation.ipBlockError(value) != nil, "\(value)")
    }

    @Test func messagesFollowIstiod() {
        #expect(PolicyValidation.ipBlockError("10.0.0.256") == "bad IP address (10.0.0.256)")
        #expect(PolicyValidation.ipBlockError("10.0.0.0/33")?.hasPrefix("bad CIDR range (10.0.0.0/33): ") == true)
    }
}

@Suite("PolicyValidation: path templates")
struct PolicyValidationPathTests {
    @Test(arguments: [
        "/", "/api", "/api/*", "*/health", "*", "/api/v1/{*}", "/api/{*}/orders", "/static/{**}", "/foo/{**}/",
        "/{**}/index.html", "{*}", "/a/{*}/b/{**}", "/users/~me/{*}", "/a%20b/{*}", "/api//v1", "/api/*/v1",
    ])
    func acceptsWhatIstiodAccepts(_ path: String) {
        #expect(PolicyValidation.pathTemplateError(path) == nil, "\(path)")
    }

    @Test(arguments: [
        "/api/{*}.json", "/{**}/orders/{*}", "/{**}/{**}", "/api/*/{*}", "/**/baz/{*}", "/orders/{id}", "/{name=*}",
        "/{}", "/api/{*", "/a//{*}", "/a b/{*}", "/é/{*}", "/foo{*}",
    ])
    func rejectsWhatIstiodRejects(_ path: String) {
        #expect(PolicyValidation.pathTemplateError(path) != nil, "\(path)")
    }

    @Test func namesTheReason() {
        #expect(PolicyValidation.pathTemplateError("/{**}/a/{*}")?.hasSuffix("{**} is not the last operator") == true)
        #expect(PolicyValidation.pathTemplateError("/a/{id}", field: "NotPaths")
            == "invalid or unsupported path a/{id}, found in NotPaths. Contains '{' or '}' beyond a supported path template")
        #expect(PolicyValidation.pathTemplateError("/a/*/{*}")?.hasSuffix("Contains segment * with invalid string literal") == true)
    }
}

@Suite("PolicyValidation: header names, service accounts, attributes")
struct PolicyValidationNameTests {
    @Test(arguments: ["x-jwt-sub", "X-Claim-1", "a", "Authorization"])
    func strictHeaderNamesAccepted(_ name: String) {
        #expect(PolicyValidation.headerNameError(name) == nil)
    }

    @Test(arguments: ["", ":authority", "x_jwt_sub", "x jwt", "x.jwt", "é"])
    func strictHeaderNamesRejected(_ name: String) {
        #expect(PolicyValidation.headerNameError(name) != nil)
    }

    @Test func jwksURIs() {
        for uri in ["https://a/keys", "http://a:8080/keys", "HTTPS://a/keys", "Http://a"] {
            #expect(PolicyValidation.jwksURIError(uri) == nil, "\(uri)")
        }
        for uri in ["hTPp\\blah", "a/keys", "ftp://a/keys", "://a", "1http://a", "https//a", ""] {
            #expect(PolicyValidation.jwksURIError(uri) != nil, "\(uri)")
        }
    }

    @Test func serviceAccounts() {
        #expect(PolicyValidation.serviceAccountError("orders/checkout", field: "ServiceAccounts") == nil)
        #expect(PolicyValidation.serviceAccountError("checkout", field: "ServiceAccounts") == nil)
        #expect(PolicyValidation.serviceAccountError("", field: "ServiceAccounts") == "empty value not allowed, found in ServiceAccounts")
        #expect(PolicyValidation.serviceAccountError("orders/*", field: "ServiceAccounts") == "wildcard not allowed, found in ServiceAccounts")
        #expect(PolicyValidation.serviceAccountError("a/b/c", field: "ServiceAccounts") != nil)
        #expect(PolicyValidation.serviceAccountError("/checkout", field: "ServiceAccounts")?.contains("empty namespace") == true)
        #expect(PolicyValidation.serviceAccountError("orders/", field: "ServiceAccounts")?.contains("empty serviceAccount") == true)
        #expect(PolicyValidation.serviceAccountError(String(repeating: "a", count: 321), field: "ServiceAccounts") != nil)
    }

    @Test func attributes() {
        #expect(PolicyValidation.attribute("source.ip") == .success(.ipBlocks))
        #expect(PolicyValidation.attribute("remote.ip") == .success(.ipBlocks))
        #expect(PolicyValidation.attribute("destination.port") == .success(.ports))
        #expect(PolicyValidation.attribute("source.serviceAccount") == .success(.serviceAccounts))
        #expect(PolicyValidation.attribute("request.auth.claims[groups]") == .success(.any))
        #expect(PolicyValidation.attribute("request.auth.claims[nested][key]") == .success(.any))
        #expect(PolicyValidation.attribute("request.headers[x-api-key]") == .success(.any))
        #expect(PolicyValidation.attribute("experimental.envoy.filters.a.b[c]") == .success(.any))
        #expect(PolicyValidation.attribute("connection.sni") == .success(.any))
        #expect(PolicyValidation.attribute("request.auth.claims[]") == .failure(AttributeError("bad key (request.auth.claims[]): should have format a[b]")))
        #expect(PolicyValidation.attribute("request.headers") != .success(.any))
        #expect(PolicyValidation.attribute("request.auth.claim[groups]") == .failure(AttributeError("unknown attribute: request.auth.claim[groups]")))
        #expect(PolicyValidation.attribute("destination.namespace") != .success(.any))
        #expect(PolicyValidation.attribute("destination.labels[app]") != .success(.any))
        #expect(PolicyValidation.attribute("destination.user") != .success(.any))
        #expect(PolicyValidation.attributeValueError("10.0.0.0/8", of: .ipBlocks, key: "source.ip") == nil)
        #expect(PolicyValidation.attributeValueError("https", of: .ports, key: "destination.port") != nil)
        #expect(PolicyValidation.attributeValueError("", of: .any, key: "source.namespace") == "empty value not allowed, found in source.namespace")
    }
}

@Suite("PolicyValidation: YAML numbers in string lists")
struct PolicyValidationScalarTests {
    private func item(_ text: String) throws -> Node {
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: [\(text)]\n"
        let file = ManifestLoader.load(path: "t.yaml", bytes: Array(yaml.utf8))
        return try #require(file.resources.first?.node["data"]?.items.first)
    }

    @Test(arguments: ["8080", "-1", "+80", "1.5", "1e3", ".5", "0"])
    func numbers(_ text: String) throws {
        #expect(PolicyValidation.isYAMLNumber(try item(text)))
    }

    @Test(arguments: ["\"8080\"", "'8080'", "!!str 8080", "http", "80a", "1e", "true", "10.0.0.1"])
    func strings(_ text: String) throws {
        #expect(!PolicyValidation.isYAMLNumber(try item(text)))
    }
}

// MARK: - Whole policies

/// The issues of the first policy of `kind` in `yaml`, as (subject, line, column, effect).
private func issues(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [PolicyValidationIssue] {
    let index = meshIndex(yaml, sourceLocation: sourceLocation)
    if let policy = index.authorizationPolicies.first { return policy.validationIssues }
    if let policy = index.requestAuthentications.first { return policy.validationIssues }
    return index.peerAuthentications.first?.validationIssues ?? []
}

@Suite("PolicyValidation: AuthorizationPolicy")
struct AuthorizationPolicyValidationTests {
    private func policy(_ spec: String, annotations: String = "") -> String {
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: p\n  namespace: ns\n\(annotations)spec:\n\(spec)\n"
    }

    @Test func denyAndCustomNeedRules() {
        for rules in ["", "  rules: []\n", "  rules: ~\n"] {
            let found = issues(policy("  action: DENY\n" + rules))
            #expect(found.map(\.subject) == [.rules], "\(rules)")
            #expect(found.first?.effect == .rejected(.istiod))
            #expect(found.first?.error.hasPrefix("DENY action without `rules` is meaningless") == true)
        }
        #expect(issues(policy("  action: CUSTOM\n  provider: {name: opa}\n")).map(\.subject) == [.rules])
        #expect(issues(policy("  action: DENY\n  rules: [{}]\n")).isEmpty)
        #expect(issues(policy("  action: ALLOW\n")).isEmpty)
        #expect(issues("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: p, namespace: ns}\nspec: {}\n").isEmpty)
    }

    @Test func providerGoesWithCustomOnly() {
        #expect(issues(policy("  action: CUSTOM\n  rules: [{}]\n")).map(\.error) == ["`provider.name` must not be empty"])
        #expect(issues(policy("  action: CUSTOM\n  provider: {}\n  rules: [{}]\n")).map(\.subject) == [.provider])
        #expect(issues(policy("  provider: {name: opa}\n  rules: [{}]\n")).map(\.error)
            == ["`provider` must not be with non CUSTOM action, found ALLOW"])
        #expect(issues(policy("  action: CUSTOM\n  provider: {name: opa}\n  rules: [{}]\n")).isEmpty)
    }

    @Test func unknownActionIsRejectedByTheSchema() {
        let found = issues(policy("  action: Deny\n  rules: [{}]\n"))
        #expect(found.map(\.subject) == [.action])
        #expect(found.first?.effect == .rejected(.apiServer))
        #expect(found.first?.span.start == Mark(line: 7, column: 11))
    }

    @Test func emptyFromAndToAreReadAsAbsent() {
        let found = issues(policy("  rules:\n  - from: []\n    to: []\n"))
        #expect(found.map(\.subject) == [.from, .to])
        #expect(found.allSatisfy { $0.effect == .readAsAbsent && $0.ruleIndex == 0 })
        #expect(found.map(\.span.start) == [Mark(line: 8, column: 5), Mark(line: 9, column: 5)])
        // Absent or null lists are just absent.
        #expect(issues(policy("  rules:\n  - from: ~\n    to:\n    when: [{key: source.ip, values: [10.0.0.1]}]\n")).isEmpty)
    }

    @Test func sourcesAndOperations() {
        let found = issues(policy("""
              rules:
              - from:
                - {}
                - source: {}
                - source: {principal: [a]}
                - source: {principals: []}
                to:
                - operation: ~
                - operation: {method: [GET]}
            """))
        #expect(found.map(\.subject) == [.source, .source, .source, .source, .operation, .operation])
        #expect(found.map(\.error.description).filter { $0.contains("principal is not a field of a source") }.count == 1)
        #expect(found.map(\.error.description).filter { $0.contains("method is not a field of an operation") }.count == 1)
        #expect(found.allSatisfy { $0.effect == .rejected(.istiod) })
    }

    @Test func serviceAccountsExcludeIdentities() {
        let found = issues(policy("""
              rules:
              - from:
                - source: {serviceAccounts: [a/b], notNamespaces: [c]}
                - source: {notServiceAccounts: [a/b], principals: []}
                - source: {serviceAccounts: [a/b], ipBlocks: [10.0.0.1]}
            """))
        #expect(found.map(\.subject) == [.serviceAccounts, .serviceAccounts])
        #expect(found.allSatisfy { $0.effect == .rejected(.apiServer) && $0.error == "Cannot set serviceAccounts with namespaces or principals" })
        let many = (1...17).map { "sa\($0)" }.joined(separator: ", ")
        #expect(issues(policy("  rules:\n  - from: [{source: {serviceAccounts: [\(many)]}}]\n")).map(\.subject) == [.serviceAccounts])
    }

    @Test func valuesOfFields() {
        let found = issues(policy("""
              rules:
              - from: [{source: {ipBlocks: ["10.0.0.0/33", "10.0.0.1"], principals: [""], remoteIpBlocks: [1.2.3]}}]
                to: [{operation: {ports: ["80", 8080, "x"], paths: ["/a/{*}.json", "/a/{*}"], hosts: [""]}}]
            """))
        #expect(found.map(\.subject) == [.emptyValue, .ipBlock, .ipBlock, .emptyValue, .notAString, .port, .path])
    }

    @Test func conditions() {
        let found = issues(policy("""
              rules:
              - when:
                - {values: [a]}
                - {key: "", values: [a]}
                - {key: source.ip}
                - {key: source.ip, values: [], notValues: []}
                - {key: "request.auth.claim[groups]", values: [a]}
                - {key: source.ip, values: ["10.0.0.256", ""]}
                - {key: destination.port, notValues: [8080]}
                - {key: source.serviceAccount, values: ["a/*"]}
                - {key: "request.headers[x-id]", notValues: ["1"]}
            """))
        #expect(found.map(\.subject)
            == [.condition, .conditionKey, .condition, .condition, .conditionKey, .conditionValue, .conditionValue, .notAString, .conditionValue])
        #expect(found.first?.effect == .rejected(.apiServer))
    }

    @Test func customRestrictions() {
        let found = issues(policy("""
              action: CUSTOM
              provider: {name: opa}
              rules:
              - from: [{source: {namespaces: [a], ipBlocks: [10.0.0.1]}}]
                when:
                - {key: source.principal, values: [a]}
                - {key: "request.auth.claims[iss]", values: [a]}
                - {key: "request.headers[x]", values: [a]}
            """))
        #expect(found.map(\.subject) == [.customUnsupported, .customUnsupported, .customUnsupported])
    }

    @Test func dryRunAnnotation() {
        let annotated: (String) -> String = { "  annotations:\n    istio.io/dry-run: \"\($0)\"\n" }
        #expect(issues(policy("  action: DENY\n  rules: [{}]\n", annotations: annotated("true"))).isEmpty)
        #expect(issues(policy("  rules: [{}]\n", annotations: annotated("F"))).isEmpty)
        #expect(issues(policy("  rules: [{}]\n", annotations: annotated("yes"))).map(\.subject) == [.dryRun])
        #expect(issues(policy("  action: AUDIT\n  rules: [{}]\n", annotations: annotated("true"))).map(\.subject) == [.dryRun])
    }

    @Test func selectorsAndNullItems() {
        let found = issues(policy("  selector: {matchLabels: {\"app*\": x, tier: \"*\"}}\n  rules:\n  - ~\n  - from: [~]\n"))
        #expect(found.map(\.subject) == [.selector, .selector, .notAnObject, .notAnObject])
    }
}

@Suite("PolicyValidation: RequestAuthentication and PeerAuthentication")
struct AuthenticationValidationTests {
    private func requestAuthentication(_ rules: String) -> String {
        "apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: r, namespace: ns}\nspec:\n  jwtRules:\n\(rules)\n"
    }

    private func peerAuthentication(_ spec: String) -> String {
        "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: p, namespace: ns}\nspec:\n\(spec)\n"
    }

    @Test func issuerOrJwksUri() {
        #expect(issues(requestAuthentication("  - audiences: [a]")).map(\.error) == ["issuer or jwksUri must be non-empty string"])
        #expect(issues(requestAuthentication("  - jwksUri: https://a/keys")).isEmpty)
        #expect(issues(requestAuthentication("  - jwks_uri: https://a/keys")).isEmpty)
        #expect(issues(requestAuthentication("  - {jwksUri: \"\", jwks: \"{}\"}")).map(\.subject) == [.jwtRule, .jwksUri, .jwks])
        #expect(issues(requestAuthentication("  - issuer: \"\"\n    jwksUri: https://a/keys")).map(\.subject) == [.issuer])
        #expect(issues(requestAuthentication("  - {issuer: a, jwks_uri: https://a/keys, jwksUri: https://a/keys}")).map(\.subject) == [.jwks])
        #expect(issues(requestAuthentication("  - {issuer: a, jwksUri: a/keys}")).map(\.subject) == [.jwksUri])
        #expect(issues(requestAuthentication("  - {issuer: a, jwks_uri: \"\"}")).map(\.subject) == [.jwksUri])
    }

    @Test func locationsAudiencesAndHeaders() {
        let found = issues(requestAuthentication("""
              - issuer: a
                audiences: ["", b]
                fromHeaders: [{prefix: x}, {name: ""}, {name: x-token}]
                fromParams: [""]
                fromCookies: [""]
                outputClaimToHeaders: [{claim: sub}, {claim: "", header: x}, {claim: sub, header: x_sub}, {claim: sub, header: x-sub}]
                spaceDelimitedClaims: [""]
            """))
        #expect(found.map(\.subject) == [
            .audience, .tokenLocation, .tokenLocation, .tokenLocation, .tokenLocation, .claimToHeader, .claimToHeader,
            .claimToHeader, .spaceDelimitedClaim,
        ])
        #expect(issues(requestAuthentication("  - ~")).map(\.subject) == [.notAnObject])
    }

    @Test func peerAuthenticationPortLevel() {
        #expect(issues(peerAuthentication("  portLevelMtls:\n    \"80\": {mode: STRICT}")).map(\.error) == ["portLevelMtls requires selector"])
        #expect(issues(peerAuthentication("  selector: {matchLabels: {}}\n  portLevelMtls:\n    \"80\": {mode: STRICT}")).map(\.subject) == [.portLevelMtls])
        #expect(issues(peerAuthentication("  selector: {matchLabels: {a: b}}\n  portLevelMtls: {}")).map(\.subject) == [.portLevelMtls])
        #expect(issues(peerAuthentication("  selector: {matchLabels: {a: b}}\n  portLevelMtls:\n    \"0\": {mode: STRICT}\n    acd: {mode: STRICT}\n    \"42949672\": {mode: STRICT}\n    80: {mode: DISABLE}")).map(\.subject)
            == [.portLevelPort, .portLevelPort, .portLevelPort])
        #expect(issues(peerAuthentication("  mtls: {mode: BLAH}")).map(\.subject) == [.mtlsMode])
        #expect(issues(peerAuthentication("  mtls: {mode: UNSET}")).isEmpty)
        #expect(issues(peerAuthentication("  mtls: {mode: STRICT}")).isEmpty)
    }
}

// MARK: - Target references

@Suite("MeshIndex: target reference problems")
struct TargetProblemTests {
    private func problems(_ yaml: String, root: String = "istio-system") -> [TargetRefProblem] {
        let index = meshIndex(yaml, root: root)
        if let policy = index.authorizationPolicies.first { return index.targetProblems(of: policy) }
        if let policy = index.requestAuthentications.first { return index.targetProblems(of: policy) }
        guard let policy = index.peerAuthentications.first else { return [] }
        return index.targetProblems(of: policy)
    }

    private func policy(_ spec: String, namespace: String = "app", kind: String = "AuthorizationPolicy") -> String {
        "apiVersion: security.istio.io/v1\nkind: \(kind)\nmetadata: {name: p, namespace: \(namespace)}\nspec:\n\(spec)\n"
    }

    private let app = documents(Fixture.namespace("app"), Fixture.gateway("wp", in: "app"), Fixture.service("svc", in: "app"))

    @Test func rejectedPolicies() {
        #expect(problems(documents(app, policy("  selector: {matchLabels: {a: b}}\n  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: wp}]")))
            .map(\.kind) == [.selectorAndTargetRefs])
        #expect(problems(documents(app, policy("  targetRef: {kind: Service, name: svc}\n  targetRefs: [{kind: Service, name: svc}]")))
            .map(\.kind) == [.targetRefAndTargetRefs])
        #expect(problems(documents(app, policy("  targetRefs: [{kind: Service, name: svc, namespace: other}]")))
            .map(\.kind) == [.crossNamespace("other")])
        #expect(problems(documents(app, policy("  targetRefs: [{kind: Service}]"))).map(\.kind) == [.missingName])
        #expect(problems(documents(app, policy("  targetRefs: [{kind: Deployment, group: apps, name: svc}]")))
            .map(\.kind) == [.unsupportedKind(GroupKind(group: "apps", kind: "Deployment"))])
        #expect(problems(documents(app, policy("  targetRefs: [{kind: Gateway, name: wp}]")))
            .map(\.kind) == [.unsupportedKind(GroupKind(group: "", kind: "Gateway"))])
        #expect(problems(documents(app, policy("  targetRefs: [{kind: service, name: svc}]")))
            .map(\.kind) == [.unsupportedKind(GroupKind(group: "", kind: "service"))])
        let refs = (1...17).map { "\n  - {kind: Service, name: s\($0)}" }.joined()
        #expect(problems(policy("  targetRefs:" + refs)).map(\.kind) == [.tooManyRefs(17)])
    }

    @Test func ignoredRefs() {
        let waypointClass = "  targetRefs: [{kind: GatewayClass, group: gateway.networking.k8s.io, name: istio-waypoint}]"
        #expect(problems(policy(waypointClass, namespace: "istio-system")).isEmpty)
        #expect(problems(policy(waypointClass, namespace: "mesh-root"), root: "mesh-root").isEmpty)
        #expect(problems(policy(waypointClass)).map(\.kind) == [.gatewayClassOutsideRootNamespace("istio-system")])
        // istiod compares the class name, whatever the class's controller is.
        let custom = documents(Fixture.gatewayClass("my-waypoints"),
                               policy("  targetRefs: [{kind: GatewayClass, group: gateway.networking.k8s.io, name: my-waypoints}]",
                                      namespace: "istio-system"))
        #expect(problems(custom).map(\.kind) == [.notWaypointClass("my-waypoints")])
        #expect(problems(documents(app, policy("  targetRefs: [{kind: Service, name: svcx}]")))
            .map(\.kind) == [.notFound(.service, ObjectKey(namespace: "app", name: "svcx"), .notInInput)])
        #expect(problems(documents(app, policy("  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: wpx}]")))
            .map(\.effect) == [.refIgnored])
        // Without the namespace's application manifests, a missing Service is just elsewhere.
        #expect(problems(policy("  targetRefs: [{kind: Service, name: svcx}]")).isEmpty)
        #expect(problems(documents(app, policy("  targetRefs: [{kind: Service, group: core, name: svc}]"))).isEmpty)
    }

    @Test func peerAuthenticationHasNoTargetRefs() {
        let found = problems(policy("  targetRefs: [{kind: Service, name: svc}]", kind: "PeerAuthentication"))
        #expect(found.map(\.kind) == [.fieldNotInSchema])
        #expect(found.first?.effect == .fieldDropped)
        #expect(problems(policy("  mtls: {mode: STRICT}", kind: "PeerAuthentication")).isEmpty)
    }
}

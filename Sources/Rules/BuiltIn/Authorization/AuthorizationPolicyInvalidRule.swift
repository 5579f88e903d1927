import YAMLModel

/// A security policy istiod's validation (or the CRD) rejects, so it is never applied; or an empty
/// `from`/`to` istiod reads as absent.
struct AuthorizationPolicyInvalidRule: BuiltInRule {
    /// An AuthorizationPolicy `ledger-policy` of `payments` with `spec` (indented two spaces).
    private static func authorizationPolicy(_ spec: String, annotations: String = "") -> String {
        """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: ledger-policy, namespace: payments\(annotations)}
        spec:
        \(spec)
        """
    }

    /// A RequestAuthentication `ledger-jwt` of `payments` with `jwtRules` items (indented two spaces).
    private static func requestAuthentication(_ jwtRules: String) -> String {
        """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: ledger-jwt, namespace: payments}
        spec:
          targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: payments-waypoint}]
          jwtRules:
        \(jwtRules)
        """
    }

    /// A PeerAuthentication `strict` of `payments` with `spec` (indented two spaces).
    private static func peerAuthentication(_ spec: String) -> String {
        """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: strict, namespace: payments}
        spec:
        \(spec)
        """
    }

    static let description = RuleDescription(
        id: "authorization-policy-invalid",
        name: "Security policy invalid",
        summary: "An AuthorizationPolicy, RequestAuthentication or PeerAuthentication is rejected by istiod's validation or the CRD, so it is never applied.",
        rationale: """
            istiod validates every security policy when it is applied (its `validation.istio.io` webhook), \
            and the CRDs carry their own schema and CEL rules. A policy that fails is never stored: a DENY \
            denies nothing, an ALLOW allows nothing of what it lists (and, where no other ALLOW applies, \
            stops being an allow-list), a RequestAuthentication validates no token, a PeerAuthentication's \
            STRICT mode does not apply. In a GitOps pipeline the only trace is a failed sync, so the gap is \
            silent. The rule reproduces istiod's checks exactly: a DENY or CUSTOM action without rules (a \
            DENY without rules is invalid, not a deny-all: that is `rules: [{}]`), CUSTOM without \
            `provider.name`, `provider` with another action, an unknown action; a `from` entry without a \
            source, an empty `source` or `operation` (a misspelt field counts as empty), `serviceAccounts` \
            with `principals` or `namespaces` in one source, a `when` without a key or without \
            values/notValues or on an unknown attribute; ports that are not decimal numbers up to 65535 \
            (or unquoted YAML numbers), IP blocks that are not addresses or CIDR ranges, paths where `{*}` \
            or `{**}` is not a whole segment, `{**}` is not the last operator, or `*` and braces appear \
            beside an operator; JWT rules with neither issuer nor jwksUri, with both jwks and jwksUri, a jwksUri that is not \
            http(s), empty audiences or token locations, or output header names other than letters, digits and `-`; \
            port-level mTLS without a selector and unknown mTLS modes. istiod also drops an empty list \
            before its "must not be empty" check, so `from: []` or `to: []` is read as no `from`/`to` at \
            all and the rule matches every source or operation: reported here too. \
            Condition keys newer than the Istio the repository installs are checked against that release \
            (`source.trustDomain`: istiod's webhook accepts it from 1.30, its proxies enforce it from 1.31, \
            ztunnel never); with no version declared, against the newest release.
            """,
        remediation: """
            Fix the field the finding points at; a DENY needs rules (`rules: [{}]` denies every request):
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata:
              name: <name>
              namespace: <namespace>
            spec:
              action: DENY
              rules:
              - from:
                - source:
                    notNamespaces: ["<namespace>"]
                to:
                - operation:
                    ports: ["8080"]
                    paths: ["/admin/{**}"]
            """,
        severity: .error,
        area: .authorization,
        tags: ["security", "authorization", "authentication", "validation"],
        securitySeverity: 7.5,
        precision: .veryHigh,
        references: [
            "https://github.com/istio/istio/blob/master/pkg/config/security/security.go",
            "https://istio.io/latest/docs/reference/config/security/authorization-policy/",
            "https://istio.io/latest/docs/reference/config/security/conditions/",
            "https://istio.io/latest/docs/reference/config/security/request_authentication/",
            "https://istio.io/latest/docs/reference/config/security/peer_authentication/",
        ],
        inputs: [.authorizationPolicy, .requestAuthentication, .peerAuthentication],
        triggeringExamples: [
            // DENY without rules is invalid (it is not a deny-all).
            Example(Self.authorizationPolicy("""
                  action: ↓DENY
                """)),
            // CUSTOM without rules.
            Example(Self.authorizationPolicy("""
                  action: ↓CUSTOM
                  provider: {name: opa}
                """)),
            // CUSTOM without provider.
            Example(Self.authorizationPolicy("""
                  action: ↓CUSTOM
                  rules: [{to: [{operation: {paths: ["/admin/{**}"]}}]}]
                """)),
            // provider with another action.
            Example(Self.authorizationPolicy("""
                  action: DENY
                  ↓provider: {name: opa}
                  rules: [{to: [{operation: {paths: ["/admin/{**}"]}}]}]
                """)),
            // An unknown action (the enum is upper case).
            Example(Self.authorizationPolicy("""
                  action: ↓deny
                  rules: [{}]
                """)),
            // `from: []` and `to: []` are read as absent: the rule matches every source and operation.
            Example(Self.authorizationPolicy("""
                  action: DENY
                  rules:
                  - ↓from: []
                    ↓to: []
                """)),
            // A from entry without a source, an empty source, an empty operation.
            Example(Self.authorizationPolicy("""
                  rules:
                  - from:
                    - ↓{}
                    - ↓source: {}
                    to:
                    - ↓operation: {}
                """)),
            // A misspelt field is not a field: the source is empty.
            Example(Self.authorizationPolicy("""
                  rules:
                  - from:
                    - ↓source: {principal: [cluster.local/ns/orders/sa/checkout]}
                """)),
            // serviceAccounts with namespaces or principals in one source (istio's own invalid examples).
            Example(Self.authorizationPolicy("""
                  rules:
                  - from:
                    - source:
                        ↓serviceAccounts: ["bar/sa"]
                        namespaces: ["bar"]
                    - source:
                        ↓serviceAccounts: ["baz/sa"]
                        principals: ["bar"]
                """)),
            // A malformed service account.
            Example(Self.authorizationPolicy("""
                  rules:
                  - from: [{source: {serviceAccounts: [↓"orders/*"]}}]
                """)),
            // A when without values, and one without key.
            Example(Self.authorizationPolicy("""
                  rules:
                  - when:
                    - key: ↓request.auth.claims[groups]
                    - ↓{values: [admins]}
                """)),
            // A when on an unknown attribute, and a bad value for destination.port.
            Example(Self.authorizationPolicy("""
                  rules:
                  - when:
                    - key: ↓request.auth.claim[groups]
                      values: [admins]
                    - key: destination.port
                      values: [↓"https"]
                """)),
            // Ports that are not numbers up to 65535, and an unquoted YAML number.
            Example(Self.authorizationPolicy("""
                  rules:
                  - to:
                    - operation:
                        ports: [↓"70000", ↓"http", ↓8080]
                        notPorts: [↓"-1"]
                """)),
            // IP blocks that are not addresses or CIDR ranges.
            Example(Self.authorizationPolicy("""
                  rules:
                  - from:
                    - source:
                        ipBlocks: [↓"10.0.0.0/33", ↓"10.0.0.256", ↓"010.0.0.1"]
                        remoteIpBlocks: [↓"203.0.113.0/024"]
                        notIpBlocks: [↓"2001:db8::/129", ↓"fe80::1%eth0/64"]
                """)),
            // Path templates: {*} as part of a segment, {**} before another operator, * beside an operator.
            Example(Self.authorizationPolicy("""
                  rules:
                  - to:
                    - operation:
                        paths: [↓"/api/{*}.json", ↓"/{**}/orders/{*}", ↓"/api/*/{*}"]
                        notPaths: [↓"/orders/{id}"]
                """)),
            // Empty strings in a list.
            Example(Self.authorizationPolicy("""
                  rules:
                  - to: [{operation: {methods: [GET, ↓""]}}]
                """)),
            // CUSTOM does not support identities.
            Example(Self.authorizationPolicy("""
                  action: CUSTOM
                  provider: {name: opa}
                  rules:
                  - from: [{source: {↓principals: [cluster.local/ns/orders/sa/checkout]}}]
                    when: [{key: ↓"request.auth.claims[iss]", values: ["https://issuer.example.com"]}]
                """)),
            // istio.io/dry-run only with ALLOW or DENY, and with a boolean.
            Example(Self.authorizationPolicy("""
                  action: AUDIT
                  rules: [{}]
                """, annotations: ", annotations: {↓istio.io/dry-run: \"true\"}")),
            // A wildcard in a selector.
            Example(Self.authorizationPolicy("""
                  selector: {matchLabels: {app: ↓"ledger-*"}}
                """)),
            // A null rule.
            Example(Self.authorizationPolicy("""
                  rules:
                  - ↓~
                """)),
            // A JWT rule with neither issuer nor jwksUri.
            Example(ExampleFixtures.paymentsWithWaypoint + Self.requestAuthentication("""
                  - ↓audiences: [ledger]
                """)),
            // An empty issuer.
            Example(ExampleFixtures.paymentsWithWaypoint + Self.requestAuthentication("""
                  - issuer: ↓""
                    jwksUri: https://issuer.example.com/keys
                """)),
            // Both jwks and jwksUri.
            Example(ExampleFixtures.paymentsWithWaypoint + Self.requestAuthentication("""
                  - issuer: https://issuer.example.com
                    jwksUri: https://issuer.example.com/keys
                    ↓jwks: '{"keys": []}'
                """)),
            // A jwksUri without an http(s) scheme (istio's own invalid example).
            Example(ExampleFixtures.paymentsWithWaypoint + Self.requestAuthentication("""
                  - issuer: https://issuer.example.com
                    jwksUri: ↓"hTPp\\\\blah"
                  - issuer: https://other.example.com
                    jwksUri: ↓issuer.example.com/keys
                """)),
            // An empty audience.
            Example(ExampleFixtures.paymentsWithWaypoint + Self.requestAuthentication("""
                  - issuer: https://issuer.example.com
                    audiences: [ledger, ↓""]
                """)),
            // Header names: outputClaimToHeaders takes letters, digits and '-'; fromHeaders needs a name.
            Example(ExampleFixtures.paymentsWithWaypoint + Self.requestAuthentication("""
                  - issuer: https://issuer.example.com
                    fromHeaders:
                    - name: ↓""
                      prefix: "Bearer "
                    fromParams: [↓""]
                    outputClaimToHeaders:
                    - {header: ↓":authority", claim: sub}
                    - {header: ↓x_jwt_groups, claim: groups}
                    - {header: ↓"", claim: email}
                """)),
            // A null JWT rule.
            Example(ExampleFixtures.paymentsWithWaypoint + Self.requestAuthentication("""
                  - ↓~
                """)),
            // istio.io/dry-run is not supported on a RequestAuthentication.
            Example(ExampleFixtures.paymentsWithWaypoint + """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata:
                  name: ledger-jwt
                  namespace: payments
                  annotations: {↓istio.io/dry-run: "true"}
                spec:
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
            // Port-level mTLS without a selector (istio's own invalid example).
            Example(Self.peerAuthentication("""
                  ↓portLevelMtls:
                    "80":
                      mode: STRICT
                """)),
            // Unknown mTLS modes, and port keys that are not ports.
            Example(Self.peerAuthentication("""
                  selector: {matchLabels: {app: ledger}}
                  mtls: {mode: ↓BLAH}
                  portLevelMtls:
                    ↓"0": {mode: STRICT}
                    ↓acd: {mode: STRICT}
                    "8080": {mode: ↓strict}
                """)),
            // An empty portLevelMtls.
            Example(Self.peerAuthentication("""
                  selector: {matchLabels: {app: ledger}}
                  ↓portLevelMtls: {}
                """)),
        ],
        nonTriggeringExamples: [
            // DENY with rules; `rules: [{}]` denies every request.
            Example(Self.authorizationPolicy("""
                  action: DENY
                  rules: [{}]
                """)),
            // ALLOW without rules is the valid allow-nothing policy; so is `spec: {}`.
            Example(Self.authorizationPolicy("""
                  action: ALLOW
                """)),
            // CUSTOM with provider and rules.
            Example(Self.authorizationPolicy("""
                  action: CUSTOM
                  provider: {name: opa}
                  rules: [{to: [{operation: {paths: ["/admin/{**}"], notPorts: ["15021"]}}]}]
                """)),
            // AUDIT is a valid action.
            Example(Self.authorizationPolicy("""
                  action: AUDIT
                  rules: [{to: [{operation: {methods: [DELETE]}}]}]
                """)),
            // No from and no to: the rule matches every request, as written.
            Example(Self.authorizationPolicy("""
                  action: DENY
                  rules:
                  - when: [{key: source.namespace, notValues: [payments]}]
                """)),
            // Sources, operations and conditions with valid values.
            Example(Self.authorizationPolicy("""
                  rules:
                  - from:
                    - source:
                        principals: [cluster.local/ns/orders/sa/checkout]
                        ipBlocks: ["10.0.0.0/16", "203.0.113.4", "2001:db8::/32", "::ffff:10.1.2.3"]
                        notRemoteIpBlocks: ["10.0.0.1/8"]
                    to:
                    - operation:
                        ports: ["8080", "0", "065535"]
                        methods: [GET, POST]
                        paths: ["/api/{*}/orders", "/static/{**}", "/{**}/index.html", "/api/*", "*/health"]
                    when:
                    - key: request.auth.claims[groups]
                      values: [admins]
                    - key: destination.port
                      notValues: ["15021"]
                """)),
            // serviceAccounts alone in one source, namespaces in another.
            Example(Self.authorizationPolicy("""
                  rules:
                  - from:
                    - source: {serviceAccounts: [orders/checkout, billing]}
                    - source: {namespaces: [orders]}
                """)),
            // Valid dry-run values on ALLOW and DENY.
            Example(Self.authorizationPolicy("""
                  action: DENY
                  rules: [{to: [{operation: {paths: ["/admin/{**}"]}}]}]
                """, annotations: ", annotations: {istio.io/dry-run: \"True\"}")),
            // A JWT rule with issuer and jwksUri; one with jwksUri only (istiod accepts either).
            Example(ExampleFixtures.paymentsWithWaypoint + Self.requestAuthentication("""
                  - issuer: https://issuer.example.com
                    jwksUri: https://issuer.example.com/keys
                    audiences: [ledger]
                    fromHeaders: [{name: x-jwt-assertion, prefix: "Bearer "}]
                    outputClaimToHeaders: [{header: x-jwt-sub, claim: sub}]
                  - jwksUri: HTTPS://other.example.com/keys
                  - issuer: https://inline.example.com
                    jwks: '{"keys": []}'
                """)),
            // Port-level mTLS with a selector, valid modes.
            Example(Self.peerAuthentication("""
                  selector: {matchLabels: {app: ledger}}
                  mtls: {mode: STRICT}
                  portLevelMtls:
                    8080: {mode: PERMISSIVE}
                    "9090": {mode: UNSET}
                """)),
            // A namespace-wide PeerAuthentication.
            Example(Self.peerAuthentication("""
                  mtls: {mode: DISABLE}
                """)),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        for policy in index.authorizationPolicies {
            let consequence = Self.consequence(of: policy.action)
            // Keys the installed Istio does not know yet count like any other refused key.
            findings += (policy.validationIssues + index.versionedAttributeIssues(of: policy)).map { issue in
                finding(Self.message(for: issue, name: policy.resource.displayName, consequence: consequence, action: policy.action),
                        on: policy.resource, at: issue.span, remediation: Self.remediation(for: issue, kind: .authorizationPolicy))
            }
        }
        for policy in index.requestAuthentications {
            let consequence = "It is never stored, so no waypoint validates its tokens, and policies that require a "
                + "request principal from them deny every request."
            findings += policy.validationIssues.map { issue in
                finding(Self.message(for: issue, name: policy.resource.displayName, consequence: consequence, action: nil),
                        on: policy.resource, at: issue.span, remediation: Self.remediation(for: issue, kind: .requestAuthentication))
            }
        }
        for policy in index.peerAuthentications {
            let consequence = "It is never stored, so its mTLS settings do not apply: the namespace or mesh-wide mode "
                + "(PERMISSIVE by default) does."
            findings += policy.validationIssues.map { issue in
                finding(Self.message(for: issue, name: policy.resource.displayName, consequence: consequence, action: nil),
                        on: policy.resource, at: issue.span, remediation: Self.remediation(for: issue, kind: .peerAuthentication))
            }
        }
        return findings
    }

    /// What a rejected AuthorizationPolicy leaves undone.
    private static func consequence(of action: AuthorizationPolicyView.Action?) -> String {
        switch action {
        case .allow?:
            "It is never stored, so what it allows is not allowed by it and, where no other ALLOW policy applies, every request is allowed."
        case .deny?: "It is never stored, so nothing it denies is denied."
        case .audit?: "It is never stored, so nothing it audits is logged."
        case .custom?: "It is never stored, so no request is sent to the external authorizer."
        case nil: "It is never stored, so nothing enforces it."
        }
    }

    static func message(
        for issue: PolicyValidationIssue, name: String, consequence: String, action: AuthorizationPolicyView.Action?
    ) -> String {
        switch issue.effect {
        case .rejected(let validator):
            let who = validator == .apiServer ? "the API server rejects it (CRD validation)" : "istiod's validation rejects it"
            let lead = issue.subject == .rules && issue.value == "DENY"
                ? "\(name) is a DENY policy without rules, which is invalid (it is not a deny-all)"
                : "\(name) is invalid"
            return "\(lead): \(who): \(issue.error). \(consequence)"
        case .readAsAbsent:
            let field = issue.subject == .to ? "to" : "from"
            let what = issue.subject == .to ? "every operation" : "every source"
            let rule = issue.ruleIndex ?? 0
            let effect = switch action {
            case .deny?: " A DENY rule that matches \(what) denies more than intended."
            case .allow?: " An ALLOW rule that matches \(what) allows more than intended."
            default: ""
            }
            return "\(name) has `\(field): []` in spec.rules[\(rule)], which istiod reads as no `\(field)` at all: the empty list is "
                + "dropped before its check (\(issue.error)), so the rule matches \(what).\(effect)"
        }
    }

    static func remediation(for issue: PolicyValidationIssue, kind: GroupKind) -> String {
        switch issue.subject {
        case .action:
            return "Use one of ALLOW, DENY, AUDIT or CUSTOM, in upper case:\nspec:\n  action: DENY"
        case .rules where issue.value == "CUSTOM":
            return """
                Give the CUSTOM policy rules (`rules: [{}]` sends every request to the authorizer):
                spec:
                  action: CUSTOM
                  provider:
                    name: <extension-provider>
                  rules:
                  - to:
                    - operation:
                        paths: ["/admin/{**}"]
                """
        case .rules:
            return """
                Give the DENY rules; `rules: [{}]` denies every request:
                spec:
                  action: DENY
                  rules:
                  - to:
                    - operation:
                        paths: ["/admin/{**}"]
                """
        case .provider where issue.value == nil:
            return """
                Name an extension provider declared in meshConfig.extensionProviders:
                spec:
                  action: CUSTOM
                  provider:
                    name: <extension-provider>
                """
        case .provider:
            return "Remove `provider`, or set `action: CUSTOM` if the policy delegates to an external authorizer."
        case .from:
            return """
                Remove the empty `from` if the rule is meant for every source, or list the sources:
                  - from:
                    - source:
                        principals: ["cluster.local/ns/<namespace>/sa/<service-account>"]
                """
        case .to:
            return """
                Remove the empty `to` if the rule is meant for every operation, or list the operations:
                  - to:
                    - operation:
                        ports: ["8080"]
                """
        case .source:
            return """
                Give every `from` entry a source with at least one of principals, requestPrincipals, namespaces, \
                serviceAccounts, ipBlocks, remoteIpBlocks (or their not- forms):
                  - from:
                    - source:
                        namespaces: ["<namespace>"]
                """
        case .operation:
            return """
                Give every `to` entry an operation with at least one of hosts, ports, methods, paths (or their not- forms):
                  - to:
                    - operation:
                        ports: ["8080"]
                """
        case .condition:
            return """
                Give the condition a key and values (or notValues):
                  when:
                  - key: request.auth.claims[groups]
                    values: ["<group>"]
                """
        case .conditionKey:
            return "Use a supported attribute (https://istio.io/latest/docs/reference/config/security/conditions/), e.g. "
                + "`source.ip`, `request.headers[x-api-key]` or `request.auth.claims[groups]`."
        case .conditionValue:
            return "Give a value of the attribute's form: an IP address or CIDR range for `*.ip`, a port number for "
                + "`destination.port`, `<namespace>/<service-account>` for `source.serviceAccount`."
        case .serviceAccounts:
            return """
                Use serviceAccounts alone in a source (`<namespace>/<name>` or `<name>`, no wildcard, at most 16), \
                and principals or namespaces in another:
                  - from:
                    - source:
                        serviceAccounts: ["<namespace>/<service-account>"]
                    - source:
                        namespaces: ["<namespace>"]
                """
        case .ipBlock:
            return "Write an IP address or a CIDR range (prefix length without leading zeros):\n  ipBlocks: [\"10.0.0.0/16\", \"203.0.113.4\"]"
        case .port:
            return "Write each port as a decimal number up to 65535, quoted:\n  ports: [\"8080\"]"
        case .notAString:
            return "Quote the value: the field is a list of strings.\n  ports: [\"\(issue.value ?? "8080")\"]"
        case .path:
            return """
                Use `{*}` for exactly one whole segment and `{**}` for any number of segments (no operator after it), \
                with no `*`, `{` or `}` elsewhere in a template; or a plain path with one `*` at its start or end:
                  paths: ["/api/{*}/orders", "/static/{**}", "/api/*"]
                """
        case .emptyValue:
            return "Remove the empty string from `\(issue.value ?? "the list")`."
        case .notAnObject:
            return "Remove the empty item (`- ~` or a bare `-`), or give it its fields."
        case .customUnsupported:
            return "A CUSTOM policy matches on the request only (hosts, ports, methods, paths, ipBlocks, headers): move "
                + "identity conditions (principals, namespaces, service accounts, request.auth.*) to an ALLOW or DENY policy."
        case .selector:
            return "Select workloads by exact labels (no `*`, no empty key):\n  selector:\n    matchLabels:\n      app: <app>"
        case .dryRun where kind == .authorizationPolicy:
            return "Use `istio.io/dry-run: \"true\"` (or \"false\") on ALLOW and DENY policies only."
        case .dryRun:
            return "Remove the istio.io/dry-run annotation: only AuthorizationPolicy supports it."
        case .jwtRule, .issuer:
            return """
                Name the token issuer (and where its keys are):
                  jwtRules:
                  - issuer: "https://issuer.example.com"
                    jwksUri: "https://issuer.example.com/.well-known/jwks.json"
                """
        case .jwksUri:
            return "Give the key set's URL with its scheme, http or https:\n    jwksUri: \"https://issuer.example.com/.well-known/jwks.json\""
        case .jwks:
            return "Keep one key source: `jwksUri` (fetched by istiod) or `jwks` (inline), not both."
        case .audience:
            return "Remove the empty audience:\n    audiences: [\"<client-id>\"]"
        case .tokenLocation:
            return "Name the header, query parameter or cookie the token is read from:\n    fromHeaders:\n    - name: Authorization\n      prefix: \"Bearer \""
        case .claimToHeader:
            return "Give claim and header, the header named with letters, digits and '-' only:\n    outputClaimToHeaders:\n    - header: x-jwt-sub\n      claim: sub"
        case .spaceDelimitedClaim:
            return "Remove the empty claim name from spaceDelimitedClaims."
        case .portLevelMtls:
            return """
                Port-level mTLS needs a workload selector (and at least one port):
                spec:
                  selector:
                    matchLabels:
                      app: <app>
                  mtls:
                    mode: STRICT
                  portLevelMtls:
                    "8080":
                      mode: PERMISSIVE
                """
        case .portLevelPort:
            return "Key portLevelMtls by port number, 1 to 65535:\n  portLevelMtls:\n    \"8080\":\n      mode: PERMISSIVE"
        case .mtlsMode:
            return "Use one of UNSET, DISABLE, PERMISSIVE or STRICT, in upper case:\n  mtls:\n    mode: STRICT"
        }
    }
}

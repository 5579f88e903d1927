import YAMLModel

/// A jwtRule whose `issuer` and `jwksUri` do not belong together, whose Entra issuer no token can
/// carry, or whose keys are fetched over plaintext.
struct JWTIssuerJWKSMismatchRule: BuiltInRule {
    private static let tenant = "6f1c2a4e-8b3d-4c71-9a5e-2d7f0b9c1e38"
    private static let otherTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    private static let clientID = "b4c1e9a2-3f5d-4e8a-9c7b-1d2e3f4a5b6c"

    static let description = RuleDescription(
        id: "jwt-issuer-jwks-mismatch",
        name: "JWT issuer and JWKS mismatch",
        summary: "A jwtRule's `issuer` and `jwksUri` name different Entra ID tenants or token versions, its issuer is one no token carries, or its keys are fetched without TLS.",
        rationale: """
            Istio accepts a JWT when its `iss` equals a jwtRule's `issuer` and its signature verifies with \
            a key from that rule's `jwksUri`. Microsoft Entra ID publishes a key set per tenant and token \
            version: v1 tokens (`iss` `https://sts.windows.net/<tenant>/`) go with \
            `https://login.microsoftonline.com/<tenant>/discovery/keys`, v2 tokens \
            (`https://login.microsoftonline.com/<tenant>/v2.0`) with `.../<tenant>/discovery/v2.0/keys`. \
            An issuer paired with the keys of another tenant or version verifies tokens with keys that are \
            not published for them (a tenant or application with its own signing keys, or a key rollover, \
            makes them differ), and shows that one of the two was copied from another configuration. An \
            issuer of the `common`, `organizations` or `consumers` endpoints, or one naming the tenant by \
            domain, is never a token's `iss`: every token carries the tenant ID (a GUID) of the tenant that \
            issued it, so the rule matches no token and every request carrying one is rejected with 401. \
            A `jwksUri` that is not https (for any issuer) lets anyone on the network path between Istio \
            and the identity provider substitute their own keys and have forged tokens accepted.
            """,
        remediation: """
            Pair the issuer with its own tenant's key set, over https:
            jwtRules:
            - issuer: "https://login.microsoftonline.com/<tenant-id>/v2.0"
              jwksUri: "https://login.microsoftonline.com/<tenant-id>/discovery/v2.0/keys"
              audiences: ["<api-client-id>"]
            """,
        severity: .error,
        area: .authentication,
        tags: ["security", "authentication", "jwt", "availability"],
        securitySeverity: 7.4,
        precision: .high,
        references: [
            "https://istio.io/latest/docs/reference/config/security/request_authentication/",
            "https://istio.io/latest/docs/reference/config/security/jwt/",
            "https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference",
            "https://learn.microsoft.com/en-us/entra/identity-platform/signing-key-rollover",
        ],
        inputs: [.requestAuthentication],
        triggeringExamples: [
            // Keys of another tenant.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: https://login.microsoftonline.com/\(tenant)/v2.0
                    jwksUri: ↓https://login.microsoftonline.com/\(otherTenant)/discovery/v2.0/keys
                    audiences: ["\(clientID)"]
                """),
            // A v2 issuer with v1 keys, and a v1 issuer with v2 keys.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: https://login.microsoftonline.com/\(tenant)/v2.0
                    jwksUri: ↓https://login.microsoftonline.com/\(tenant)/discovery/keys
                    audiences: ["\(clientID)"]
                  - issuer: https://sts.windows.net/\(tenant)/
                    jwksUri: ↓"https://login.microsoftonline.com/\(tenant)/discovery/v2.0/keys"
                    audiences: ["api://ledger"]
                """),
            // Issuers of the multi-tenant endpoints (and one naming its tenant by domain) match no token.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: ↓https://login.microsoftonline.com/common/v2.0
                    jwksUri: https://login.microsoftonline.com/common/discovery/v2.0/keys
                    audiences: ["\(clientID)"]
                  - issuer: ↓https://login.microsoftonline.com/organizations/v2.0
                    audiences: ["\(clientID)"]
                  - issuer: ↓https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0
                    audiences: ["\(clientID)"]
                """),
            // Keys fetched over plaintext, for any issuer.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: https://auth.example.com
                    jwksUri: ↓http://auth.example.com/.well-known/jwks.json
                    audiences: [ledger.example.com]
                """),
        ],
        nonTriggeringExamples: [
            // Matching tenant and version, v2 and v1.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: https://login.microsoftonline.com/\(tenant)/v2.0
                    jwksUri: https://login.microsoftonline.com/\(tenant)/discovery/v2.0/keys
                    audiences: ["\(clientID)"]
                  - issuer: https://sts.windows.net/\(tenant)/
                    jwksUri: https://login.microsoftonline.com/\(tenant)/discovery/keys
                    audiences: ["api://ledger"]
                """),
            // A tenant-ID issuer with the multi-tenant key set of the same version: the tenant cannot be compared.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: https://login.microsoftonline.com/\(tenant)/v2.0
                    jwksUri: https://login.microsoftonline.com/common/discovery/v2.0/keys
                    audiences: ["\(clientID)"]
                """),
            // Keys discovered from the issuer (no jwksUri), and a non-Entra issuer over https.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: ledger-jwt, namespace: payments}
                spec:
                  targetRefs: [{kind: Service, group: "", name: ledger}]
                  jwtRules:
                  - issuer: https://login.microsoftonline.com/\(tenant)/v2.0
                    audiences: ["\(clientID)"]
                  - issuer: https://auth.example.com
                    jwksUri: https://auth.example.com/.well-known/jwks.json
                    audiences: [ledger.example.com]
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        // A rejected RequestAuthentication fetches no keys; another rule reports it.
        context.index.requestAuthentications.filter { !context.index.isRejected($0) }.flatMap { authentication in
            authentication.jwtRules.flatMap { findings(for: $0, in: authentication, index: context.index) }
        }
    }

    private func findings(
        for jwtRule: RequestAuthenticationView.JWTRule, in authentication: RequestAuthenticationView, index: MeshIndex
    ) -> [Finding] {
        let issuer = jwtRule.issuer
        let keys = jwtRule.jwksUri
        let issuerEndpoint = issuer.flatMap { EntraID.issuer($0.value) }
        let keySet = keys.flatMap { EntraID.keySet($0.value) }
        var findings: [Finding] = []
        if let issuer, let issuerEndpoint, !issuerEndpoint.hasTenantID {
            findings.append(issuerFinding(authentication, issuer: issuer, endpoint: issuerEndpoint, keys: keys, keySet: keySet))
        }
        // Plain http only: anything that is not a URL at all is refused by validation instead.
        if let keys, keys.value.lowercased().hasPrefix("http://") {
            findings.append(plaintextFinding(
                authentication, keys: keys, issuer: issuer, endpoint: issuerEndpoint,
                inCluster: Self.isInClusterURL(keys.value, namespaces: Set(index.namespaces.map(\.name)))))
        } else if let keys, let issuer, let issuerEndpoint, let keySet {
            let otherTenant = keySet.namesOtherTenant(than: issuerEndpoint)
            let otherVersion = keySet.version != issuerEndpoint.version
            if otherTenant || otherVersion {
                findings.append(mismatchFinding(
                    authentication, keys: keys, keySet: keySet, issuer: issuer, endpoint: issuerEndpoint,
                    otherTenant: otherTenant, otherVersion: otherVersion))
            }
        }
        return findings
    }

    // MARK: Findings

    private func mismatchFinding(
        _ authentication: RequestAuthenticationView, keys: Spanned<String>, keySet: EntraID.Endpoint,
        issuer: Spanned<String>, endpoint: EntraID.Endpoint, otherTenant: Bool, otherVersion: Bool
    ) -> Finding {
        var differences: [String] = []
        if otherTenant { differences.append("tenant \(keySet.tenant) instead of the issuer's tenant \(endpoint.tenant)") }
        if otherVersion {
            differences.append("\(keySet.version.rawValue) tokens instead of the issuer's \(endpoint.version.rawValue) tokens")
        }
        let message = "\(authentication.resource.displayName) verifies tokens of issuer `\(issuer.value)` with the key set of "
            + differences.joined(separator: " and ") + " (`\(keys.value)`): these keys are not published for this issuer's "
            + "tokens, so they can fail to verify them (401), and one of the two URLs was likely copied from another configuration."
        // The tenant by ID: the issuer's, else the key set's (an issuer without one is reported on its own).
        let tenant = endpoint.hasTenantID ? endpoint.tenant : (keySet.hasTenantID ? keySet.tenant : "<tenant-id>")
        let fixedIssuer = endpoint.hasTenantID ? issuer.value : Self.issuerURL(tenant: tenant, like: endpoint, issuer: issuer.value)
        let fixedKeys = EntraID.keySetURL(tenant: tenant, version: endpoint.version, host: EntraID.loginHost(of: keys.value))
        var remediation = """
            Use the key set of the issuer's tenant and token version:
            jwtRules:
            - issuer: \(AuthenticationRemediation.scalar(fixedIssuer))
              jwksUri: \(AuthenticationRemediation.scalar(fixedKeys))
            """
        if otherVersion {
            let versionIssuer = Self.issuerURL(
                tenant: tenant, like: EntraID.Endpoint?.none, version: keySet.version, issuer: issuer.value)
            remediation += """

                (If the API's app registration issues \(keySet.version.rawValue) tokens, keep the key set and use their \
                issuer instead: `\(versionIssuer)`.)
                """
        }
        return finding(
            message, on: authentication.resource, at: keys.span,
            related: [RelatedLocation(
                "the issuer: \(endpoint.version.rawValue) tokens of tenant \(endpoint.tenant)", in: authentication.resource,
                at: issuer.span)],
            remediation: remediation)
    }

    private func issuerFinding(
        _ authentication: RequestAuthenticationView, issuer: Spanned<String>, endpoint: EntraID.Endpoint,
        keys: Spanned<String>?, keySet: EntraID.Endpoint?
    ) -> Finding {
        let what = endpoint.isMultiTenantAlias
            ? "names the multi-tenant `\(endpoint.tenant)` endpoint, not a tenant"
            : "names its tenant by domain (`\(endpoint.tenant)`)"
        let message = "\(authentication.resource.displayName) expects issuer `\(issuer.value)`, which \(what): every Entra ID "
            + "token carries the ID (a GUID) of the tenant that issued it in `iss`, so no token matches this jwtRule and "
            + "requests carrying one are rejected (401)."
        let tenant = keySet.flatMap { $0.hasTenantID ? $0.tenant : nil } ?? "<tenant-id>"
        let issuerURL = Self.issuerURL(tenant: tenant, like: endpoint, issuer: issuer.value)
        let keysURL = EntraID.keySetURL(
            tenant: tenant, version: endpoint.version, host: keys.flatMap { EntraID.loginHost(of: $0.value) })
        let remediation = """
            Name the tenant by its ID, one jwtRule per tenant whose tokens the API accepts (a multi-tenant API \
            lists each customer tenant):
            jwtRules:
            - issuer: \(AuthenticationRemediation.scalar(issuerURL))
              jwksUri: \(AuthenticationRemediation.scalar(keysURL))
            """
        let related = keys.map {
            [RelatedLocation("the key set the rule verifies with", in: authentication.resource, at: $0.span)]
        } ?? []
        return finding(message, on: authentication.resource, at: issuer.span, related: related, remediation: remediation)
    }

    /// The issuer URL of `tenant` for the version of `endpoint` (or `version`), on the login host of the
    /// written issuer when it has one.
    private static func issuerURL(
        tenant: String, like endpoint: EntraID.Endpoint?, version: EntraID.TokenVersion? = nil, issuer: String
    ) -> String {
        let version = version ?? endpoint?.version ?? .v2
        if version == .v2, let host = EntraID.loginHost(of: issuer) { return "https://\(host)/\(tenant)/v2.0" }
        return EntraID.issuerURL(tenant: tenant, version: version)
    }

    private func plaintextFinding(
        _ authentication: RequestAuthenticationView, keys: Spanned<String>, issuer: Spanned<String>?, endpoint: EntraID.Endpoint?,
        inCluster: Bool
    ) -> Finding {
        let message = "\(authentication.resource.displayName) fetches the keys of "
            + (issuer.map { "issuer `\($0.value)`" } ?? "its jwtRule") + " from `\(keys.value)`, which is not https: "
            + (inCluster
                ? "istiod fetches them in plaintext from a Service inside the cluster, so a workload that can intercept or "
                    + "impersonate that Service can substitute its own keys and have forged tokens accepted."
                : "anyone on the network path can substitute their own keys and have forged tokens accepted.")
        let fixed: String
        if let endpoint, endpoint.hasTenantID {
            fixed = EntraID.keySetURL(tenant: endpoint.tenant, version: endpoint.version)
        } else if keys.value.lowercased().hasPrefix("http://") {
            fixed = "https://" + keys.value.dropFirst("http://".count)
        } else {
            fixed = "https://<host>/<path-to-jwks>"
        }
        var lines = ["Fetch the keys over https:", "jwtRules:"]
        lines.append("- issuer: \(AuthenticationRemediation.scalar(issuer?.value ?? "<issuer>"))")
        lines.append("  jwksUri: \(AuthenticationRemediation.scalar(fixed))")
        let related = issuer.map { [RelatedLocation("the issuer whose tokens the keys verify", in: authentication.resource, at: $0.span)] } ?? []
        let reported = finding(message, on: authentication.resource, at: keys.span, related: related, remediation: lines.joined(separator: "\n"))
        // Plain http on the cluster's own network is a weakness, not the open door it is across the internet.
        guard inCluster else { return reported }
        var weakness = reported
        weakness.severity = .warning
        return weakness
    }

    /// True for a URL whose host is a cluster-local Service name: `svc` (not `localhost`),
    /// `svc.<namespace the input holds>`, `svc.ns.svc`, or `svc.ns.svc.<cluster domain>`.
    static func isInClusterURL(_ url: String, namespaces: Set<String>) -> Bool {
        guard let schemeEnd = url.firstRange(of: "://") else { return false }
        let rest = url[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" }.lowercased()
        let labels = host.split(separator: ".").map(String.init)
        guard let first = labels.first, !first.isEmpty, host != "localhost" else { return false }
        if labels.count == 1 { return true }
        if labels.count == 2 { return namespaces.contains(labels[1]) }
        return labels[2] == "svc"
    }
}

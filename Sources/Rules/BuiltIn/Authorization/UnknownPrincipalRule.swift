import YAMLModel

/// An AuthorizationPolicy naming an identity or namespace the input shows does not exist.
struct UnknownPrincipalRule: BuiltInRule {
    /// Namespace `payments` with the ServiceAccount `accounts` and Deployment `ledger` (which runs as
    /// `ledger`), and namespace `checkout` with the ServiceAccount `storefront`.
    private static let payments = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: checkout, labels: {istio.io/dataplane-mode: ambient}}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: accounts, namespace: payments}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: storefront, namespace: checkout}
        ---

        """ + ExampleFixtures.ledgerDeployment

    static let description = RuleDescription(
        id: "unknown-principal",
        name: "Unknown principal",
        summary: "An AuthorizationPolicy names a ServiceAccount, namespace or trust domain that does not exist, so that value matches no caller.",
        rationale: """
            `principals` (`<trust-domain>/ns/<namespace>/sa/<service-account>`), `serviceAccounts` \
            (`<sa>` or `<namespace>/<sa>`), `namespaces` and the `source.principal` / \
            `source.namespace` conditions are compared as strings with the caller's certificate \
            identity; Istio never checks that they name something real. A misspelt ServiceAccount, a \
            renamed namespace or a foreign trust domain matches no caller: in an ALLOW the callers it \
            was meant to admit are denied, in a DENY nobody is denied, and in `notPrincipals` / \
            `notNamespaces` nobody is exempt, so a DENY meant to spare one caller (a waypoint) hits \
            every caller. A ServiceAccount is reported only when the input holds its namespace's \
            identities (a workload, a ServiceAccount or a Gateway istiod deploys there: a namespace \
            present only through its policies says nothing about its accounts), and then as a note: the \
            account may be defined in another repository. It is a warning when the name is a near miss of \
            an account the input holds, or when the namespace is declared complete (`complete:` in \
            .meshlint.yaml, or `--complete`); `default`, each \
            waypoint's account (the Gateway's name), the `<gateway>-istio` \
            account of Istio gateways and every `serviceAccountName` of a workload count as existing. \
            A namespace the input neither holds nor assumes is unknown, not missing (a repository \
            holds part of a cluster): it is reported only when it is a near misspelling of one the \
            input holds (`paymnets` for `payments`); patterns (`*`, `prefix*`, `*suffix`) are not checked. A principal's trust domain must be the mesh's (`trustDomain` in \
            .meshlint.yaml, `cluster.local` by default) or `cluster.local`, which istiod rewrites to the \
            mesh's; trust domain aliases are not known to MeshLint.
            """,
        remediation: """
            Name an identity that exists, or create it:
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: <service-account>
              namespace: <namespace>
            For a namespace whose manifests live elsewhere, declare it in .meshlint.yaml:
            assume:
              namespaces:
                <namespace>:
                  labels: {}
            """,
        severity: .warning,
        area: .authorization,
        tags: ["security", "authorization", "identity"],
        securitySeverity: 5.0,
        precision: .medium,
        references: [
            "https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source",
            "https://istio.io/latest/docs/reference/config/security/conditions/",
            "https://istio.io/latest/docs/ambient/usage/l4-policy/",
            "https://istio.io/latest/docs/tasks/security/authorization/authz-td-migration/",
        ],
        inputs: [.authorizationPolicy, .serviceAccount, .namespace, .deployment, .gateway],
        triggeringExamples: [
            // A misspelt ServiceAccount in principals: payments is in the input, and has `accounts`.
            Example(payments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from:
                    - source:
                        principals:
                        - ↓cluster.local/ns/payments/sa/acounts
                        - cluster.local/ns/payments/sa/accounts
                """),
            // serviceAccounts, in both forms: `sa` (the policy's namespace) and `ns/sa`.
            Example(payments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from:
                    - source: {serviceAccounts: [↓reporting, ↓checkout/cart, accounts]}
                """),
            // A namespace no manifest holds or the configuration assumes.
            Example(payments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  rules:
                  - from: [{source: {namespaces: [checkout, ↓chekout]}}]
                """),
            // A foreign trust domain matches no identity of the mesh.
            Example(payments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  rules:
                  - from: [{source: {principals: [↓corp.example/ns/payments/sa/accounts]}}]
                """),
            // With the mesh's trust domain configured, another one is reported too.
            Example(payments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  rules:
                  - from: [{source: {principals: [↓old.example/ns/payments/sa/accounts]}}]
                """, configuration: "trustDomain: corp.example\n"),
            // The negative forms and the identity conditions: a DENY meant to spare the waypoint,
            // with a misspelt waypoint account, denies the waypoint too.
            Example(payments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: only-via-waypoint, namespace: payments}
                spec:
                  action: DENY
                  rules:
                  - from:
                    - source:
                        notPrincipals: [↓cluster.local/ns/payments/sa/payments-waypoint]
                        notNamespaces: [↓paymnets]
                  - when:
                    - key: source.principal
                      values: [↓cluster.local/ns/payments/sa/legacy]
                    - key: source.namespace
                      notValues: [sandbox]
                """),
        ],
        nonTriggeringExamples: [
            // The ServiceAccount exists, as a manifest.
            Example(payments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/payments/sa/accounts]}}]
                """),
            // `default`, a workload's serviceAccountName and a waypoint's account always exist.
            Example(ExampleFixtures.paymentsWithWaypoint + ExampleFixtures.ledgerDeployment + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  rules:
                  - from:
                    - source:
                        principals:
                        - cluster.local/ns/payments/sa/default
                        - cluster.local/ns/payments/sa/payments-waypoint
                        serviceAccounts: [ledger, payments/default]
                """),
            // The namespace's manifests are not in the input, or only its policies are: its accounts
            // are unknown, not absent.
            Example(payments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  rules:
                  - from:
                    - source:
                        principals: [cluster.local/ns/frontend/sa/web]
                        serviceAccounts: [frontend/web]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: reports-allow, namespace: reports}
                spec:
                  rules: [{from: [{source: {serviceAccounts: [exporter]}}]}]
                """),
            // Namespaces that are present, assumed, always there, or patterns.
            Example(payments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  rules:
                  - from:
                    - source: {namespaces: [checkout, partners, kube-system, istio-system, "*-prod", "team-*", "*"]}
                """, configuration: """
                assume:
                  namespaces:
                    partners:
                      labels: {istio.io/dataplane-mode: ambient}
                """),
            // The configured trust domain, and cluster.local (istiod maps it to the mesh's).
            Example(payments + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  rules:
                  - from:
                    - source:
                        principals:
                        - corp.example/ns/payments/sa/accounts
                        - cluster.local/ns/payments/sa/accounts
                        - "*/ns/payments/sa/accounts"
                """, configuration: "trustDomain: corp.example\n"),
            // Negative forms and conditions naming identities that exist, or patterns.
            Example(ExampleFixtures.paymentsWithWaypoint + ExampleFixtures.ledgerDeployment + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: only-via-waypoint, namespace: payments}
                spec:
                  action: DENY
                  rules:
                  - from:
                    - source:
                        notPrincipals: [cluster.local/ns/payments/sa/payments-waypoint]
                        notNamespaces: [payments]
                  - when:
                    - key: source.principal
                      values: [cluster.local/ns/payments/sa/ledger, "cluster.local/ns/payments/sa/*"]
                    - key: source.namespace
                      notValues: [payments, "team-*"]
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        for policy in index.authorizationPolicies {
            let namespace = policy.namespace ?? "default"
            for rule in policy.rules {
                for source in rule.sources {
                    for field in source.fields {
                        let use = Use(field: field.name, isNegative: field.isNegative, action: policy.action)
                        for value in field.values {
                            let problem: Problem?
                            switch field.name {
                            case "principals", "notPrincipals":
                                problem = Self.principalProblem(value.value, in: index)
                            case "serviceAccounts", "notServiceAccounts":
                                problem = RuleEntry.serviceAccountIdentity(value.value, policyNamespace: namespace)
                                    .flatMap { Self.serviceAccountProblem($0, in: index) }
                            case "namespaces", "notNamespaces":
                                problem = Self.namespaceProblem(value.value, in: index)
                            default:
                                problem = nil
                            }
                            if let problem { findings.append(report(problem, value: value, use: use, policy: policy, in: index)) }
                        }
                    }
                }
                for condition in rule.conditions {
                    guard let key = condition.key?.value, key == "source.principal" || key == "source.namespace" else { continue }
                    for (values, negative) in [(condition.values, false), (condition.notValues, true)] {
                        let use = Use(field: key, isNegative: negative, action: policy.action)
                        for value in values {
                            let problem = key == "source.principal"
                                ? Self.principalProblem(value.value, in: index) : Self.namespaceProblem(value.value, in: index)
                            if let problem { findings.append(report(problem, value: value, use: use, policy: policy, in: index)) }
                        }
                    }
                }
            }
        }
        return findings
    }

    // MARK: Problems

    /// What is wrong with one value.
    private enum Problem {
        case foreignTrustDomain(PrincipalName)
        case missingServiceAccount(MeshIdentity, written: PrincipalName?, absence: Absence)
        case unknownNamespace(String)
    }

    /// Where a value is used, which decides what its matching nothing does.
    private struct Use {
        let field: String
        let isNegative: Bool
        let action: AuthorizationPolicyView.Action?

        var consequence: String {
            switch (action, isNegative) {
            case (.allow?, false): "no caller is admitted through it"
            case (.allow?, true): "it excludes no caller"
            case (.deny?, false): "it denies no caller"
            case (.deny?, true): "it exempts no caller from the deny, which then applies to every caller"
            default: "it matches no caller"
            }
        }
    }

    private static func principalProblem(_ value: String, in index: MeshIndex) -> Problem? {
        guard let principal = PrincipalName(value) else { return nil }
        guard index.isMeshTrustDomain(of: principal) else { return .foreignTrustDomain(principal) }
        let identity = MeshIdentity(namespace: principal.namespace, serviceAccount: principal.serviceAccount)
        guard let problem = serviceAccountProblem(identity, in: index) else { return nil }
        guard case .missingServiceAccount(let identity, _, let absence) = problem else { return problem }
        return .missingServiceAccount(identity, written: principal, absence: absence)
    }

    /// A ServiceAccount the input shows no sign of. It is missing where the namespace is declared
    /// complete, a likely typo where the input holds a nearly equal name, and otherwise only
    /// not in the input (a note), and that only where the input holds some of the namespace's
    /// identities: a namespace present only through its policies says nothing about its accounts.
    private static func serviceAccountProblem(_ identity: MeshIdentity, in index: MeshIndex) -> Problem? {
        let key = ObjectKey(namespace: identity.namespace, name: identity.serviceAccount)
        guard index.serviceAccountEvidence(key) == nil else { return nil }
        let absence = index.absence(
            of: identity.serviceAccount, in: identity.namespace, among: index.serviceAccountNames(in: identity.namespace))
        guard absence.isConclusive || index.identitiesAreKnown(in: identity.namespace) else { return nil }
        return .missingServiceAccount(identity, written: nil, absence: absence)
    }

    private static func namespaceProblem(_ value: String, in index: MeshIndex) -> Problem? {
        guard !value.isEmpty, !IstioStringMatch.isPattern(value), !index.namespaceIsKnown(value) else { return nil }
        // A namespace the input does not mention is unknown, not missing (a repository holds part of
        // a cluster): only a near-misspelling of a namespace it does hold is reported.
        let known = index.namespaces.map(\.name)
        guard !NameSimilarity.closest(to: value, among: known).isEmpty else { return nil }
        return .unknownNamespace(value)
    }

    // MARK: Findings

    private func report(
        _ problem: Problem, value: Spanned<String>, use: Use, policy: AuthorizationPolicyView, in index: MeshIndex
    ) -> Finding {
        let name = policy.resource.displayName
        switch problem {
        case .foreignTrustDomain(let principal):
            let local = principal.with(trustDomain: index.trustDomain)
            return finding(
                "\(name) names \(value.value) in \(use.field), but trust domain \(principal.trustDomain) is not the mesh's "
                    + "(\(index.trustDomain)): istiod matches it against no workload identity, so \(use.consequence).",
                on: policy.resource, at: value.span,
                remediation: """
                    Write the mesh's trust domain (or cluster.local, which istiod maps to it):
                    \(AuthenticationRemediation.scalar(local))
                    If the mesh's trust domain is \(principal.trustDomain), declare it in .meshlint.yaml:
                    trustDomain: \(AuthenticationRemediation.scalar(principal.trustDomain))
                    """)

        case .missingServiceAccount(let identity, let written, let absence):
            let suggestions = absence.suggestions
            let spell: (String) -> String = { account in
                written.map { "\($0.trustDomain)/ns/\(identity.namespace)/sa/\(account)" }
                    ?? (value.value.containsASCII("/") ? "\(identity.namespace)/\(account)" : account)
            }
            var message = "\(name) names ServiceAccount \(identity.namespace)/\(identity.serviceAccount) in \(use.field), "
                + (absence.isConclusive
                    ? "but namespace \(identity.namespace) has no such ServiceAccount: no workload runs as it, so \(use.consequence)."
                    : "which is not in the input (no ServiceAccount manifest, no workload running as it): if it does not exist, "
                        + "\(use.consequence).")
            if let best = suggestions.first { message += " Did you mean \(spell(best))?" }
            var related: [RelatedLocation] = []
            for account in suggestions.prefix(3) {
                guard let location = Self.location(of: ObjectKey(namespace: identity.namespace, name: account), in: index) else { continue }
                related.append(location)
            }
            if related.isEmpty, let object = index.namespace(identity.namespace).object {
                related.append(RelatedLocation(
                    "namespace \(identity.namespace) is in the input, without ServiceAccount \(identity.serviceAccount)",
                    in: object.resource))
            }
            var remediation = suggestions.first.map { "Correct the value to an existing identity:\n\(AuthenticationRemediation.scalar(spell($0)))\nor create the ServiceAccount" }
                ?? "Create the ServiceAccount (and run the caller as it)"
            remediation += """
                :
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: \(AuthenticationRemediation.scalar(identity.serviceAccount))
                  namespace: \(AuthenticationRemediation.scalar(identity.namespace))
                """
            let reported = finding(message, on: policy.resource, at: value.span, related: related, remediation: remediation)
            return absence.isConclusive ? reported : reported.inconclusive(namespace: identity.namespace)

        case .unknownNamespace(let namespace):
            let known = index.namespaces.filter { $0.isPresent || $0.isAssumed }.map(\.name)
            let suggestions = NameSimilarity.closest(to: namespace, among: known)
            var message = "\(name) names namespace \(namespace) in \(use.field), but the input neither holds nor assumes "
                + "namespace \(namespace): if it does not exist, \(use.consequence)."
            if let best = suggestions.first { message += " Did you mean \(best)?" }
            let related = suggestions.prefix(3).compactMap { candidate in
                index.namespace(candidate).object.map { RelatedLocation("namespace \(candidate)", in: $0.resource) }
            }
            var remediation = suggestions.first.map { "Correct the namespace:\n\(AuthenticationRemediation.scalar($0))\n" } ?? ""
            remediation += """
                If namespace \(namespace) exists and its manifests live elsewhere, declare it in .meshlint.yaml:
                assume:
                  namespaces:
                    \(AuthenticationRemediation.scalar(namespace)):
                      labels: {}  # its labels, e.g. istio.io/dataplane-mode: ambient
                """
            return finding(message, on: policy.resource, at: value.span, related: related, remediation: remediation)
        }
    }

    /// Where the input shows a ServiceAccount exists.
    private static func location(of key: ObjectKey, in index: MeshIndex) -> RelatedLocation? {
        switch index.serviceAccountEvidence(key) {
        case .object(let account)?:
            return RelatedLocation("ServiceAccount \(key) exists", in: account.resource)
        case .gateway(let gateway)?:
            return RelatedLocation("istiod runs \(gateway.resource.displayName) as ServiceAccount \(key)", in: gateway.resource)
        case .workload(let workload)?:
            return RelatedLocation(
                "\(workload.resource.displayName) runs as ServiceAccount \(key)", in: workload.resource,
                at: workload.serviceAccountName?.span)
        case .defaultAccount?, nil:
            return nil
        }
    }
}

import YAMLModel

/// A policy `selector` that selects no pod: the policy applies to nothing.
struct SelectorMatchesNoWorkloadRule: BuiltInRule {
    /// Namespace `payments` with Deployment `ledger` (pods `app: ledger`, `tier: backend`).
    private static let ledger = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: payments, labels: {istio.io/dataplane-mode: ambient}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ledger, namespace: payments}
        spec:
          selector: {matchLabels: {app: ledger}}
          template:
            metadata: {labels: {app: ledger, tier: backend}}
            spec: {serviceAccountName: ledger}
        ---

        """

    static let description = RuleDescription(
        id: "selector-matches-no-workload",
        name: "Selector matches no workload",
        summary: "A policy's workload selector matches no pod template of any workload in its namespace, so the policy applies to nothing.",
        rationale: """
            An AuthorizationPolicy, RequestAuthentication or PeerAuthentication with `selector` applies \
            only to pods whose labels include every `matchLabels` entry (in every namespace when the \
            policy is in the root namespace). A typo, a label renamed in the Deployment, or a workload \
            that was removed leaves the policy selecting nothing: the ALLOW list, the deny, the STRICT \
            mTLS or the token check it was written for protects no pod, and Istio reports no error. \
            MeshLint reports this only when the input holds workloads of that namespace (for the root \
            namespace, any workload), since a repository may hold the policies without the workloads. \
            Pods istiod generates for a waypoint or an Istio gateway carry \
            `gateway.networking.k8s.io/gateway-name: <gateway>`; a selector naming an existing Gateway \
            that way selects them. A RequestAuthentication with a selector in an ambient namespace is \
            left to request-authentication-without-waypoint: no waypoint enforces it, whatever it selects.
            """,
        remediation: """
            Make matchLabels equal to labels of the pod template the policy is for, or delete the policy \
            if that workload is gone:
            spec:
              selector:
                matchLabels:
                  app: <the workload's pod label>
            """,
        severity: .warning,
        area: .authorization,
        tags: ["authorization", "authentication", "selector", "correctness"],
        precision: .high,
        references: [
            "https://istio.io/latest/docs/reference/config/type/workload-selector/",
            "https://istio.io/latest/docs/reference/config/security/authorization-policy/",
            "https://istio.io/latest/docs/reference/config/security/peer_authentication/",
            "https://istio.io/latest/docs/ambient/usage/l4-policy/",
        ],
        inputs: [
            .authorizationPolicy, .requestAuthentication, .peerAuthentication, .deployment, .statefulSet, .daemonSet,
            .replicaSet, .job, .cronJob, .pod, .gateway, .namespace,
        ],
        triggeringExamples: [
            // A typo in the label value; Deployment ledger is the near miss.
            Example(ledger + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  selector:
                    ↓matchLabels: {app: ledgr}
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/payments/sa/accounts]}}]
                """),
            // Every label must match: ledger's pods have tier backend, not frontend.
            Example(ledger + """
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: ledger-strict, namespace: payments}
                spec:
                  selector:
                    ↓matchLabels:
                      app: ledger
                      tier: frontend
                  mtls: {mode: STRICT}
                """),
            // A RequestAuthentication outside ambient (its pods have sidecars) with no matching pod.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {istio-injection: enabled}}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: carts, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: carts}}
                ---
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: orders-jwt, namespace: shop}
                spec:
                  selector: {↓matchLabels: {app: orders}}
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
            // In the root namespace the selector looks in every namespace, and matches nothing in any.
            Example(ledger + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: deny-legacy, namespace: istio-system}
                spec:
                  selector: {↓matchLabels: {app: legacy-billing}}
                  action: DENY
                  rules: [{from: [{source: {namespaces: [sandbox]}}]}]
                """),
            // Generated waypoint pods: the label names a waypoint that does not exist.
            Example(ExampleFixtures.paymentsWithWaypoint + ExampleFixtures.ledgerDeployment + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: waypoint-ingress, namespace: payments}
                spec:
                  selector:
                    ↓matchLabels: {gateway.networking.k8s.io/gateway-name: waypoint}
                  rules: [{from: [{source: {namespaces: [payments]}}]}]
                """),
        ],
        nonTriggeringExamples: [
            // The selector matches Deployment ledger's pod template.
            Example(ledger + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-allow, namespace: payments}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/payments/sa/accounts]}}]
                """),
            // A subset of the pod labels is enough.
            Example(ledger + """
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: backend-strict, namespace: payments}
                spec:
                  selector: {matchLabels: {tier: backend}}
                  mtls: {mode: STRICT}
                """),
            // The namespace's workloads are not in the input: nothing can be said.
            Example("""
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: orders-jwt, namespace: shop}
                spec:
                  selector: {matchLabels: {app: orders}}
                  jwtRules: [{issuer: "https://issuer.example.com"}]
                """),
            // From the root namespace, a workload in another namespace matches.
            Example(ledger + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ledger-deny-sandbox, namespace: istio-system}
                spec:
                  selector: {matchLabels: {app: ledger}}
                  action: DENY
                  rules: [{from: [{source: {namespaces: [sandbox]}}]}]
                """),
            // The label istiod puts on the pods of waypoint payments-waypoint.
            Example(ExampleFixtures.paymentsWithWaypoint + ExampleFixtures.ledgerDeployment + """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: waypoint-ingress, namespace: payments}
                spec:
                  selector:
                    matchLabels: {gateway.networking.k8s.io/gateway-name: payments-waypoint}
                  rules: [{from: [{source: {namespaces: [payments]}}]}]
                """),
            // A CronJob's pod template is read through its job template.
            Example("""
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: nightly-report, namespace: reports}
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate:
                    spec:
                      template:
                        metadata: {labels: {app: nightly-report}}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: report-allow, namespace: reports}
                spec:
                  selector: {matchLabels: {app: nightly-report}}
                  rules: [{from: [{source: {namespaces: [reports]}}]}]
                """),
        ])

    func check(_ context: LintContext) -> [Finding] {
        let index = context.index
        var findings: [Finding] = []
        for policy in index.authorizationPolicies {
            if let finding = check(policy, effect: "whatever it allows or denies applies to no pod", in: index) {
                findings.append(finding)
            }
        }
        for policy in index.requestAuthentications where index.namespace(policy.namespace ?? "default").dataplaneMode != .ambient {
            if let finding = check(policy, effect: "no pod validates tokens with it", in: index) { findings.append(finding) }
        }
        for policy in index.peerAuthentications {
            if let finding = check(policy, effect: "its mTLS mode applies to no pod", in: index) { findings.append(finding) }
        }
        return findings
    }

    private func check(_ policy: some WorkloadPolicyView, effect: String, in index: MeshIndex) -> Finding? {
        // A selector beside targetRefs is rejected by istiod: policy-target-invalid reports it.
        guard policy.targetRefs.isEmpty, let selector = policy.selector, !selector.matchLabels.isEmpty,
              let matchLabels = policy.spec?["selector"]?.pair("matchLabels")
        else { return nil }
        let namespace = policy.namespace ?? "default"
        let reach = index.reach(of: selector, policyNamespace: namespace)
        guard reach.matchesNothing else { return nil }

        let wanted = selector.matchLabels.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        let place = reach.namespace.map { "no workload in namespace \($0)" } ?? "no workload in any namespace (the policy is in the root namespace)"
        let generatedPods = selector.matchLabels.contains { $0.key == WellKnown.gatewayNameLabel }
            ? " and no waypoint or Istio gateway of that name exists" : ""
        var message = "\(policy.resource.displayName) selects pods labelled \(wanted), but \(place) has such a pod template"
            + "\(generatedPods): \(effect)."
        var related: [RelatedLocation] = []
        for miss in reach.nearMisses.prefix(3) {
            let difference = miss.differences[0]
            related.append(RelatedLocation(
                "the pods of \(miss.workload.resource.displayName) have \(difference.key)=\(difference.actual), not \(difference.wanted)",
                in: miss.workload.resource, at: miss.workload.podLabels[difference.key]?.entrySpan))
        }
        for gateway in reach.nearMissGateways.prefix(3) {
            related.append(RelatedLocation(
                "istiod labels the pods of \(gateway.resource.displayName) \(WellKnown.gatewayNameLabel): \(gateway.name)",
                in: gateway.resource))
        }
        let remediation: String
        // A near miss proves a typo; otherwise the pods may belong to a workload defined outside the
        // input, unless the input holds the whole namespace (or, from the root namespace, the mesh).
        var conclusive = reach.namespace.map(index.inputHoldsWhole) ?? index.inputHoldsWholeMesh
        // The closest workload is suggested only when it looks meant: some labels right, or values misspelt.
        if let closest = reach.nearMisses.first,
           closest.matchingLabels > 0 || closest.differences.allSatisfy({ NameSimilarity.isLikelyTypo(of: $0.wanted, $0.actual) }) {
            let differences = closest.differences.map { "\($0.key)=\($0.actual)" }.joined(separator: ", ")
            message += " Closest: \(closest.workload.resource.displayName), whose pods have \(differences)."
            conclusive = true
            remediation = Self.remediation(
                for: policy, labels: closest.suggestedLabels(for: selector), of: closest.workload.resource.displayName)
        } else if let gateway = reach.nearMissGateways.first {
            message += " Closest: \(gateway.resource.displayName)."
            conclusive = true
            remediation = Self.remediation(for: policy, labels: [(WellKnown.gatewayNameLabel, gateway.name)], of: gateway.resource.displayName)
        } else {
            let candidates = (reach.namespace.map { index.workloads(in: $0) } ?? index.workloads).filter { !$0.podLabels.isEmpty }
            var text = """
                Point the selector at the pod labels of the workload \(policy.resource.displayName) is for (spec.selector.matchLabels), \
                or delete the policy if that workload is gone.
                """
            if !candidates.isEmpty {
                text += " The pod templates there are labelled:\n" + candidates.prefix(5).map { workload in
                    "\(workload.resource.displayName): " + workload.podLabels.entries.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
                }.joined(separator: "\n")
                if candidates.count > 5 { text += "\n(and \(candidates.count - 5) more)" }
            }
            remediation = text
        }
        let reported = finding(
            message, on: policy.resource, at: matchLabels.key.span.union(matchLabels.value.span), related: related,
            remediation: remediation)
        return conclusive ? reported : reported.inconclusive(namespace: reach.namespace ?? "*")
    }

    /// The selector to paste, naming the workload it selects.
    private static func remediation(
        for policy: some WorkloadPolicyView, labels: [(key: String, value: String)], of workload: String
    ) -> String {
        let lines = labels.map { "      \(AuthenticationRemediation.scalar($0.key)): \(AuthenticationRemediation.scalar($0.value))" }
        return """
            Select the pods of \(workload) (or delete \(policy.resource.displayName) if its workload is gone):
            spec:
              selector:
                matchLabels:

            """ + lines.joined(separator: "\n")
    }
}

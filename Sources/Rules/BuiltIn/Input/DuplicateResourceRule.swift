import YAMLModel

/// One object written several times in a scan: which copy a cluster gets depends on the order
/// they are applied, which no file order can tell.
struct DuplicateResourceRule: BuiltInRule {
    static let description = RuleDescription(
        id: "duplicate-resource",
        name: "Duplicate resource",
        summary: "The input holds several objects of the same kind, namespace and name; which one the cluster has depends on the order they are applied.",
        rationale: """
            Environment folders, patches and copies often write the same object twice. Applied to one \
            cluster, the last copy applied replaces the others, and nothing in the files says which \
            that is. MeshLint reports every copy, and where they disagree on what rules read it does \
            not pick one by path order: labels that copies of a Namespace disagree on (ambient \
            enrollment, the waypoint) are unknown, and copies of a Service or ServiceEntry with \
            different labels leave unknown where a policy targeting it is enforced, and copies of a \
            Gateway that differ leave its waypoint unknown. Scan each \
            environment on its own (one directory per scan) when the folders are separate environments.
            """,
        remediation: """
            Keep one copy in each scan: remove or rename the copy, or scan each environment's folder \
            separately (meshlint scan envs/prod).
            """,
        severity: .note,
        area: .input,
        tags: ["input", "consistency"],
        precision: .veryHigh,
        references: [
            "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/",
            "https://istio.io/latest/docs/ambient/usage/add-workloads/",
        ],
        inputs: [.namespace, .service],
        triggeringExamples: [
            // The same Namespace twice, with different labels: its enrollment is unknown.
            Example("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: ↓payments, labels: {istio.io/dataplane-mode: ambient}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: ↓payments}
                """),
        ],
        nonTriggeringExamples: [
            // Same name, different kinds or namespaces: different objects.
            Example("""
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: payments}
                spec: {selector: {app: ledger}, ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: ledger, namespace: payments}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: ledger, namespace: reports}
                spec: {selector: {app: ledger}, ports: [{port: 80}]}
                """),
        ])

    /// The copies a finding names.
    static let placesShown = 5

    func check(_ context: LintContext) -> [Finding] {
        context.index.duplicates.flatMap { group -> [Finding] in
            // A few places are enough to find the copies; thousands of copies must not make each
            // finding thousands of places long.
            let shown = group.copies.prefix(Self.placesShown)
            var places = shown.map { "\($0.file):\($0.reportSpan($0.nameSpan).start.line)" }
            if group.copies.count > shown.count { places.append("and \(group.copies.count - shown.count) more") }
            let subject = "\(group.groupKind.kind) \(group.key)"
            var message = "\(subject) is written \(group.copies.count) times in the input (\(places.joined(separator: ", "))); "
                + "applied to one cluster, the copy applied last replaces the others."
            if group.differences.isEmpty {
                message += " The copies are the same."
            } else {
                let consequence = switch (group.groupKind, group.labelsDiffer) {
                case (.namespace, true) where !context.index.namespace(group.key.name).disputedLabels.isEmpty:
                    ", so MeshLint takes what the copies disagree on (labels "
                        + "\(context.index.namespace(group.key.name).disputedLabels.sorted().joined(separator: ", "))) as unknown."
                case (.peerAuthentication, _) where group.differences.contains("spec"):
                    ", so the mTLS mode it sets is unknown."
                case (.service, true), (.serviceEntry, true): ", so where a policy targeting it is enforced is unknown."
                case (.gateway, _) where group.specOrLabelsDiffer: ", so whether and how it serves as a waypoint, and where policies targeting it apply, is unknown."
                default: "; rules read each copy as written."
                }
                message += " They differ in \(group.differences.joined(separator: ", "))" + consequence
            }
            return group.copies.map { copy in
                let others = group.copies.lazy.filter { $0 !== copy }.prefix(Self.placesShown)
                    .map { RelatedLocation("another copy of \(subject)", in: $0) }
                return finding(message, on: copy, at: copy.nameSpan, related: Array(others))
            }
        }
    }
}

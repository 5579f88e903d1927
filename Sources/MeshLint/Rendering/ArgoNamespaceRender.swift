import YAMLModel

/// The namespaces Argo CD creates for Applications that sync with `CreateNamespace=true` and
/// labels with their `managedNamespaceMetadata`, as objects of a stream of their own. Each label
/// is traced to its line in the Application; the rest of the object to `managedNamespaceMetadata`
/// (or the sync options) of the first Application that creates the namespace.
struct ArgoNamespaceRender: RenderedStream {
    let root: String
    let name: String
    var engineWords: String { "Argo CD Application" }
    /// What the Application's own sources read, so that its namespace is in its environment;
    /// empty for the namespaces every environment shares.
    let reads: Set<String>
    let file: ManifestFile
    /// By namespace: the Applications that create it, in order.
    let creators: [String: [ArgoApplication]]

    /// The namespaces `applications` create, leaving out those in `existing`.
    init?(applications: [ArgoApplication], existing: Set<String>, name: String, reads: Set<String>) {
        var creators: [String: [ArgoApplication]] = [:]
        var order: [String] = []
        // Only a namespace whose metadata Argo CD manages is known: one it merely creates may be
        // labelled by anything else, so it stays a namespace the input does not hold.
        for application in applications where application.createsNamespace && application.namespaceIsManaged {
            guard let namespace = application.namespace, !existing.contains(namespace) else { continue }
            if creators[namespace] == nil { order.append(namespace) }
            creators[namespace, default: []].append(application)
        }
        guard !order.isEmpty else { return nil }
        var text = ""
        for namespace in order {
            text += "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: \(YAMLText.quoted(namespace))\n"
            var labels: [(String, String)] = []
            for application in creators[namespace] ?? [] {
                for label in application.managedLabels where !labels.contains(where: { $0.0 == label.key }) { labels.append((label.key, label.value)) }
            }
            if !labels.isEmpty {
                text += "  labels:\n" + labels.map { "    \(YAMLText.quoted($0.0)): \(YAMLText.quoted($0.1))\n" }.joined()
            }
        }
        root = "<Argo CD>"
        self.name = name
        self.reads = reads
        self.creators = creators
        file = ManifestLoader.load(path: "<namespaces created by \(name)>", bytes: Array(text.utf8))
    }

    func location(of span: Span, in resource: Resource) -> TracedLocation? {
        guard let applications = creators[resource.name], let first = applications.first else { return nil }
        let steps = KustomizeRender.steps(to: span.start, in: resource.node)
        if let steps, steps.path.count == 3, steps.path[0] == .key("metadata"), steps.path[1] == .key("labels"),
           case .key(let key) = steps.path[2],
           let (application, label) = applications.lazy.compactMap({ application in
               application.managedLabels.first { $0.key == key }.map { (application, $0) }
           }).first {
            return TracedLocation(file: application.resource.file, span: steps.atKey ? label.keySpan : label.valueSpan, exact: true)
        }
        return TracedLocation(
            file: first.resource.file, span: first.namespaceSpan ?? first.resource.nameSpan, exact: false,
            remark: "(Argo CD creates namespace \(resource.name): Application \(first.name) syncs with CreateNamespace=true.)")
    }

}

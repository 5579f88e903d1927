/// The trust domain and root namespace an input's own mesh configuration declares: the `istio`
/// ConfigMap's `mesh`, an IstioOperator's `meshConfig`, istiod's Helm values in an Argo CD
/// Application or Flux HelmRelease, or a Sail operator `Istio`.
///
/// A repository that installs Istio with `meshConfig.trustDomain: corp.example` names its
/// principals in that domain; read with the default `cluster.local`, every one of them would look
/// foreign. What the configuration (.meshlint.yaml, the command line) gives still wins.
public struct DeclaredMeshSettings: Sendable {
    /// One declared value, and where it is written.
    public struct Setting: Sendable {
        public let value: String
        public let resource: Resource
        /// The key or value that declares it (the ConfigMap's `mesh` key when it is inside that string).
        public let span: Span
        /// The field, for messages: `meshConfig.trustDomain`.
        public let field: String
    }

    /// Every declaration, in input order.
    public let trustDomain: [Setting]
    public let rootNamespace: [Setting]
    /// `meshConfig.pathNormalization.normalization`: how every Envoy of the mesh normalizes a request's
    /// path before authorization compares it (NONE, BASE, MERGE_SLASHES, DECODE_AND_MERGE_SLASHES).
    public let pathNormalization: [Setting]

    /// The trust domain every declaration names; nil when there is none or they disagree.
    public var agreedTrustDomain: String? { Self.agreed(trustDomain) }
    /// The root namespace every declaration names; nil when there is none or they disagree.
    public var agreedRootNamespace: String? { Self.agreed(rootNamespace) }
    /// The path normalization every declaration names; nil when there is none or they disagree.
    public var agreedPathNormalization: String? { Self.agreed(pathNormalization) }

    private static func agreed(_ settings: [Setting]) -> String? {
        guard let first = settings.first, settings.allSatisfy({ $0.value == first.value }) else { return nil }
        return first.value
    }

    init(resources: [Resource]) {
        var trustDomains: [Setting] = []
        var roots: [Setting] = []
        var normalizations: [Setting] = []
        for resource in resources {
            // Within one resource the first source that sets a key wins (an IstioOperator's
            // `spec.meshConfig` over its `spec.values.meshConfig`): one declaration per resource.
            let sources = Self.meshConfigs(of: resource)
            if let (source, value) = sources.lazy.compactMap({ source in source.read("trustDomain").map { (source, $0) } }).first {
                trustDomains.append(Setting(value: value.text, resource: resource, span: value.span, field: source.field + ".trustDomain"))
            }
            if let (source, value) = sources.lazy.compactMap({ source in source.read("rootNamespace").map { (source, $0) } }).first {
                roots.append(Setting(value: value.text, resource: resource, span: value.span, field: source.field + ".rootNamespace"))
            }
            if let (source, value) = sources.lazy.compactMap({ source in source.read("pathNormalization", "normalization").map { (source, $0) } }).first {
                normalizations.append(Setting(
                    value: value.text, resource: resource, span: value.span, field: source.field + ".pathNormalization.normalization"))
            }
        }
        trustDomain = trustDomains
        rootNamespace = roots
        pathNormalization = normalizations
    }

    /// A `meshConfig` mapping found in a resource: a node of it, or a YAML string parsed apart (whose
    /// values are reported at the key that holds the string).
    private struct MeshConfigSource {
        let node: Node
        /// Where values inside a parsed string are reported; nil when `node` is in the resource.
        let stringSpan: Span?
        let field: String

        func read(_ keys: String...) -> (text: String, span: Span)? {
            var current: Node? = node
            for key in keys { current = current?[key] }
            guard let value = current, let text = value.string, !text.isEmpty else { return nil }
            return (text, stringSpan ?? value.span)
        }
    }

    private static func meshConfigs(of resource: Resource) -> [MeshConfigSource] {
        let node = resource.node
        switch (resource.group, resource.kind) {
        case ("", "ConfigMap"):
            // istiod reads `istio` (or `istio-<revision>`) ConfigMap's `mesh` key.
            guard resource.name == "istio" || resource.name.hasPrefix("istio-") && !resource.name.contains("sidecar"),
                  let mesh = node["data"]?.pair("mesh"), let text = mesh.value.string
            else { return [] }
            return parsed(text, at: mesh.key.span, field: "data.mesh").map { [$0] } ?? []
        case ("install.istio.io", "IstioOperator"):
            return [node["spec", "meshConfig"], node["spec", "values", "meshConfig"]].enumerated().compactMap { offset, config in
                config.map { MeshConfigSource(node: $0, stringSpan: nil, field: offset == 0 ? "spec.meshConfig" : "spec.values.meshConfig") }
            }
        case ("sailoperator.io", "Istio"):
            return node["spec", "values", "meshConfig"].map { [MeshConfigSource(node: $0, stringSpan: nil, field: "spec.values.meshConfig")] } ?? []
        case ("helm.toolkit.fluxcd.io", "HelmRelease"):
            guard node["spec", "chart", "spec", "chart"]?.string == "istiod" else { return [] }
            return node["spec", "values", "meshConfig"].map { [MeshConfigSource(node: $0, stringSpan: nil, field: "spec.values.meshConfig")] } ?? []
        case ("argoproj.io", "Application"):
            let spec = node["spec"]
            let sources = [spec?["source"]].compactMap { $0 } + (spec?["sources"]?.items.map { $0 } ?? [])
            return sources.filter { $0["chart"]?.string == "istiod" }.flatMap { source -> [MeshConfigSource] in
                var found: [MeshConfigSource] = []
                if let config = source["helm", "valuesObject", "meshConfig"] {
                    found.append(MeshConfigSource(node: config, stringSpan: nil, field: "helm.valuesObject.meshConfig"))
                }
                if let values = source["helm"]?.pair("values"), let text = values.value.string,
                   let parsedValues = parsed(text, at: values.key.span, field: "helm.values"),
                   let config = parsedValues.node["meshConfig"] {
                    found.append(MeshConfigSource(node: config, stringSpan: values.key.span, field: "helm.values meshConfig"))
                }
                return found
            }
        default:
            return []
        }
    }

    /// A YAML document held in a string, parsed apart; small and bounded by the default limits.
    private static func parsed(_ text: String, at span: Span, field: String) -> MeshConfigSource? {
        guard text.utf8.count <= 1 << 20, let root = YAMLParser.parse(Array(text.utf8)).documents.first?.root,
              root.kind == .mapping
        else { return nil }
        return MeshConfigSource(node: root, stringSpan: span, field: field)
    }
}

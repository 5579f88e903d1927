import Foundation
import Testing
@testable import Access
import YAMLModel

/// The package's root directory, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// An index of YAML documents, all read as one file named `mesh.yaml`.
func meshIndex(_ documents: String...) -> MeshIndex {
    let text = documents.joined(separator: "\n---\n")
    let file = ManifestLoader.load(path: "mesh.yaml", bytes: Array(text.utf8))
    #expect(file.problems.isEmpty, "fixture YAML does not parse: \(file.problems.map(\.message))")
    return MeshIndex(resources: file.resources)
}

/// An index of every YAML file in a directory of the repository, read from disk as the command would.
func meshIndex(directory: String) throws -> MeshIndex {
    let url = packageRoot.appendingPathComponent(directory)
    let names = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".yaml") }.sorted()
    var resources: [Resource] = []
    for name in names {
        let data = try Data(contentsOf: url.appendingPathComponent(name))
        let file = ManifestLoader.load(path: "\(directory)/\(name)", bytes: Array(data))
        #expect(file.problems.isEmpty)
        resources += file.resources
    }
    return MeshIndex(resources: resources)
}

func evaluate(_ index: MeshIndex, _ request: AccessRequest) throws -> AccessResult {
    try AccessEvaluator(index: index).evaluate(request)
}

extension AccessResult {
    /// The first step (path first) whose message contains `text`, with `outcome` when given.
    func step(_ text: String, _ outcome: AccessStep.Outcome? = nil) -> AccessStep? {
        trace.steps.first { $0.message.contains(text) && (outcome == nil || $0.outcome == outcome) }
    }

    func hasStep(_ text: String, _ outcome: AccessStep.Outcome? = nil) -> Bool { step(text, outcome) != nil }
}

func identity(_ namespaceAndAccount: String) -> AccessCaller {
    let parts = namespaceAndAccount.split(separator: "/").map(String.init)
    return .identity(MeshIdentity(namespace: parts[0], serviceAccount: parts[1]))
}

func service(_ namespace: String, _ name: String, port: Int) -> AccessDestination {
    .service(ObjectKey(namespace: namespace, name: name), port: port)
}

// MARK: - Fixture documents

enum Fixture {
    /// A Namespace, ambient unless told otherwise, with optional extra labels (e.g. use-waypoint).
    static func namespace(_ name: String, ambient: Bool = true, labels: [String: String] = [:]) -> String {
        var all = labels
        if ambient { all["istio.io/dataplane-mode"] = "ambient" }
        let body = all.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
        return """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: \(name)
            \(body.isEmpty ? "" : "  labels:\n" + body)
            """
    }

    /// A Deployment `name` (pods labelled `app: name`, running as ServiceAccount `account`, port 8080).
    static func deployment(_ name: String, in namespace: String, account: String? = nil, podLabels: [String: String] = [:]) -> String {
        var labels = podLabels
        labels["app"] = name
        let body = labels.sorted { $0.key < $1.key }.map { "        \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
        return """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: \(name)
              namespace: \(namespace)
            spec:
              selector:
                matchLabels:
                  app: \(name)
              template:
                metadata:
                  labels:
            \(body)
                spec:
                  serviceAccountName: \(account ?? name)
                  containers:
                    - name: main
                      image: example/\(name)
                      ports:
                        - name: http
                          containerPort: 8080
            """
    }

    /// A Service selecting `app: name`, port `port` to `targetPort` (default 8080).
    static func service(_ name: String, in namespace: String, port: Int = 80, targetPort: String = "8080", labels: [String: String] = [:]) -> String {
        let body = labels.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
        return """
            apiVersion: v1
            kind: Service
            metadata:
              name: \(name)
              namespace: \(namespace)
            \(body.isEmpty ? "" : "  labels:\n" + body)
            spec:
              selector:
                app: \(name)
              ports:
                - name: http
                  port: \(port)
                  targetPort: \(targetPort)
            """
    }

    /// A waypoint Gateway; `for` is its `istio.io/waypoint-for`.
    static func waypoint(_ name: String, in namespace: String, for traffic: String = "service") -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: \(name)
          namespace: \(namespace)
          labels:
            istio.io/waypoint-for: \(traffic)
        spec:
          gatewayClassName: istio-waypoint
          listeners:
            - name: mesh
              port: 15008
              protocol: HBONE
        """
    }

    /// An AuthorizationPolicy whose `spec` is given as YAML lines indented under `spec:`.
    static func authorizationPolicy(_ name: String, in namespace: String, annotations: [String: String] = [:], spec: String) -> String {
        let notes = annotations.map { "    \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
        return """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata:
              name: \(name)
              namespace: \(namespace)
            \(notes.isEmpty ? "" : "  annotations:\n" + notes)
            spec:
            \(indent(spec))
            """
    }

    /// A RequestAuthentication whose `spec` is given as YAML lines indented under `spec:`.
    static func requestAuthentication(_ name: String, in namespace: String, spec: String) -> String {
        """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
        \(indent(spec))
        """
    }

    static func peerAuthentication(_ name: String, in namespace: String, spec: String) -> String {
        """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
        \(indent(spec))
        """
    }

    /// An ingress Gateway of class `istio`.
    static func ingressGateway(_ name: String, in namespace: String) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          gatewayClassName: istio
          listeners:
            - name: http
              port: 80
              protocol: HTTP
        """
    }

    /// `targetRefs` to a Service, as spec lines.
    static func targetingService(_ name: String) -> String {
        """
        targetRefs:
          - kind: Service
            group: ""
            name: \(name)
        """
    }

    private static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}

/// A shop: namespace `shop` in ambient, bound to waypoint `shop-waypoint`, with Service `api`
/// (port 80 → 8080) in front of Deployment `api`, and a caller Deployment `web`; plus `extra` documents.
func shopDocuments(_ extra: [String]) -> String {
    ([
        Fixture.namespace("shop", labels: ["istio.io/use-waypoint": "shop-waypoint"]),
        Fixture.waypoint("shop-waypoint", in: "shop"),
        Fixture.deployment("api", in: "shop"),
        Fixture.service("api", in: "shop"),
        Fixture.deployment("web", in: "shop"),
    ] + extra).joined(separator: "\n---\n")
}

func shop(_ extra: String...) -> MeshIndex { meshIndex(shopDocuments(extra)) }

/// The same shop without a waypoint: the namespace is ambient but binds nothing.
func directShopDocuments(_ extra: [String]) -> String {
    ([
        Fixture.namespace("shop"),
        Fixture.deployment("api", in: "shop"),
        Fixture.service("api", in: "shop"),
        Fixture.deployment("web", in: "shop"),
    ] + extra).joined(separator: "\n---\n")
}

func directShop(_ extra: String...) -> MeshIndex { meshIndex(directShopDocuments(extra)) }

/// Line `number` (1-based) of `text`.
func line(_ number: Int, of text: String) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return number >= 1 && number <= lines.count ? String(lines[number - 1]) : ""
}

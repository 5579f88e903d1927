import YAMLModel

/// Pasteable YAML that the waypoint rules' fixes share, filled in with the real names.
enum WaypointRemediation {
    /// A ztunnel DENY at `service`'s pods for every peer but the waypoint's `identity`: only traffic
    /// that passed the waypoint reaches them.
    static func denyAllButWaypoint(service: ServiceView, identity: MeshIdentity, name: String) -> String {
        let labels = service.selector?.matchLabels.map { "      \($0.key): \($0.value)" }.joined(separator: "\n")
            ?? "      <labels of the Service's pods>"
        return """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata:
              name: \(name)
              namespace: \(service.namespace ?? "default")
            spec:
              action: DENY
              selector:
                matchLabels:
            \(labels)
              rules:
              - from:
                - source:
                    notPrincipals:
                    - \(identity.principal)
            """
    }

    /// A waypoint Gateway: class `istio-waypoint`, the HBONE listener, `istio.io/waypoint-for` when
    /// the traffic type is not the default (`service`), and `allowedRoutes` admitting `clientNamespaces`
    /// when they use it from other namespaces.
    static func gateway(
        name: String, namespace: String, trafficType: WaypointTrafficType = .service, clientNamespaces: [String] = []
    ) -> String {
        var lines = [
            "apiVersion: gateway.networking.k8s.io/v1",
            "kind: Gateway",
            "metadata:",
            "  name: \(name)",
            "  namespace: \(namespace)",
        ]
        if trafficType != .service {
            lines += ["  labels:", "    \(WellKnown.waypointForLabel): \(trafficType.rawValue)"]
        }
        lines += ["spec:", "  gatewayClassName: \(WellKnown.waypointGatewayClass)", "  listeners:"]
        lines += listener(name: "mesh", clientNamespaces: clientNamespaces).map { "  " + $0 }
        return lines.joined(separator: "\n")
    }

    /// The HBONE listener a waypoint needs, as a `listeners` item, admitting `clientNamespaces`.
    static func listener(name: String, clientNamespaces: [String] = []) -> [String] {
        ["- name: \(name)", "  port: \(WellKnown.hbonePort)", "  protocol: \(WellKnown.hboneProtocol)"]
            + allowedRoutes(clientNamespaces).map { "  " + $0 }
    }

    /// `allowedRoutes` admitting exactly these namespaces (by the `kubernetes.io/metadata.name` label
    /// Kubernetes puts on every Namespace); empty for none.
    static func allowedRoutes(_ namespaces: [String]) -> [String] {
        let sorted = Array(Set(namespaces)).sorted()
        guard let first = sorted.first else { return [] }
        var lines = ["allowedRoutes:", "  namespaces:", "    from: Selector", "    selector:"]
        if sorted.count == 1 {
            lines += ["      matchLabels:", "        kubernetes.io/metadata.name: \(first)"]
        } else {
            lines += [
                "      matchExpressions:",
                "      - key: kubernetes.io/metadata.name",
                "        operator: In",
                "        values: [\(sorted.joined(separator: ", "))]",
            ]
        }
        return lines
    }

    /// The labels to set on `resource`, where its kind keeps them (`metadata.labels`, or the pod
    /// template's for a Deployment, StatefulSet, CronJob...), as a YAML fragment of its manifest.
    static func labels(_ labels: [(key: String, value: String)], on resource: Resource) -> String {
        let path: [String] = switch resource.groupKind {
        case .namespace, .service, .serviceEntry, .pod, .gateway: ["metadata", "labels"]
        case .cronJob: ["spec", "jobTemplate", "spec", "template", "metadata", "labels"]
        default: ["spec", "template", "metadata", "labels"]
        }
        var lines = ["# \(resource.displayName)"]
        for (depth, key) in path.enumerated() {
            lines.append(String(repeating: "  ", count: depth) + key + ":")
        }
        let indent = String(repeating: "  ", count: path.count)
        lines += labels.map { "\(indent)\($0.key): \(quoted($0.value))" }
        return lines.joined(separator: "\n")
    }

    /// Label values YAML would read as something other than a string are quoted.
    private static func quoted(_ value: String) -> String {
        let plain = value.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }
        let ambiguous = ["true", "false", "yes", "no", "on", "off", "null", "~", ""].contains(value.lowercased())
            || Double(value) != nil
        return plain && !ambiguous ? value : "\"\(value)\""
    }

    /// "Gateway payments/waypoint (for service)": a waypoint as the fixes list them.
    static func describe(_ waypoint: Waypoint) -> String {
        "\(waypoint.key) (\(WellKnown.waypointForLabel): \(waypoint.trafficType?.rawValue ?? "unknown"))"
    }
}

/// Something in the input that shows its authors use JWTs in the mesh: a RequestAuthentication, or
/// an AuthorizationPolicy that reads request principals or `request.auth.*` claims.
///
/// A waypoint without a RequestAuthentication leaves nothing open in a mesh that carries no
/// tokens (a waypoint for traffic splitting, a TCP database): rules that ask for JWT validation
/// fire only where the input shows the intent.
public struct JWTIntent: Sendable {
    /// What shows it, for a message: "RequestAuthentication istio-system/dex-jwt".
    public let description: String
    public let resource: Resource
    public let span: Span
}

extension MeshIndex {
    /// The first sign, in input order, that the mesh uses JWTs; nil when the input shows none.
    public var jwtIntent: JWTIntent? {
        if let policy = requestAuthentications.first {
            return JWTIntent(description: policy.resource.displayName, resource: policy.resource, span: policy.resource.nameSpan)
        }
        for policy in authorizationPolicies {
            for rule in policy.rules {
                for source in rule.sources {
                    for field in source.fields where field.name == "requestPrincipals" || field.name == "notRequestPrincipals" {
                        return JWTIntent(
                            description: "\(field.name) in \(policy.resource.displayName)", resource: policy.resource, span: field.keySpan)
                    }
                }
                for condition in rule.conditions {
                    guard let key = condition.key, key.value.hasPrefix("request.auth.") else { continue }
                    return JWTIntent(
                        description: "the condition on \(key.value) in \(policy.resource.displayName)", resource: policy.resource,
                        span: key.span)
                }
            }
        }
        return nil
    }
}

/// What a Service's ports carry, as Istio selects a port's protocol: `appProtocol`, else the port
/// name's prefix (`http`, `http-web`, `grpc-api`, `tcp-db`).
public enum ServiceTraffic: Sendable, Equatable {
    /// A port declares HTTP, HTTP/2 or gRPC: a proxy in its path sees requests (and tokens).
    case http
    /// Every port declares a protocol that is not HTTP (TCP, TLS, a database protocol).
    case notHTTP
    /// Some port declares nothing: the input cannot tell.
    case unknown
}

extension ServiceView {
    /// What the Service's ports carry (see `ServiceTraffic`).
    public var traffic: ServiceTraffic {
        var undeclared = ports.isEmpty
        for port in ports {
            let declared = port["appProtocol"]?.string ?? port["name"]?.string.map { String($0.prefix { $0 != "-" }) }
            guard let declared, !declared.isEmpty else {
                undeclared = true
                continue
            }
            let name = declared.lowercased()
            if Self.httpProtocols.contains(name) { return .http }
            if !Self.otherProtocols.contains(name) { undeclared = true }
        }
        return undeclared ? .unknown : .notHTTP
    }

    /// Istio's HTTP protocol names, and Kubernetes' standard appProtocol values for them.
    static let httpProtocols: Set<String> = ["http", "http2", "grpc", "grpc-web", "kubernetes.io/h2c", "kubernetes.io/ws", "kubernetes.io/wss"]
    /// Istio's protocol names that are not HTTP.
    static let otherProtocols: Set<String> = ["tcp", "tls", "https", "mongo", "mysql", "redis", "udp", "postgres", "postgresql"]
}

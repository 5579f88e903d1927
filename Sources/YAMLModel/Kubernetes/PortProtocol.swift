/// What a Service port carries, as istiod reads it (istio/istio `pkg/config/kube/conversion.go`
/// `ConvertProtocol`, `pkg/config/protocol/instance.go`): `appProtocol` when set, else the port
/// name up to its first `-` (`grpc-web` whole), compared without case.
///
/// The proxies in front of the port build their filter chains from it (istio/istio
/// `pilot/pkg/networking/core/listener_waypoint.go` `buildWaypointInternal`): an HTTP protocol gets
/// the HTTP chain only, a TCP one (TCP, TLS, HTTPS, databases) the TCP chain only, and an undeclared
/// protocol both behind a protocol sniffer.
public enum PortProtocol: Sendable, Equatable {
    /// HTTP, HTTP/2, gRPC (and gRPC-Web): requests are seen.
    case http(String)
    /// TCP, TLS, HTTPS, Mongo, Redis, MySQL: only connections are seen.
    case tcp(String)
    /// UDP: no proxy takes it.
    case udp
    /// Nothing istiod recognises is declared: the proxy sniffs each connection.
    case sniffed

    /// Reads a Service port entry's `protocol`, `appProtocol`, `name` and `port` as istiod does.
    public init(transport: String?, appProtocol: String?, name: String?, port: Int?) {
        if transport?.uppercased() == "UDP" {
            self = .udp
            return
        }
        var declared = appProtocol ?? name ?? ""
        switch declared.lowercased() {
        case "kubernetes.io/h2c": declared = "http2"
        case "kubernetes.io/ws": declared = "http"
        case "kubernetes.io/wss": declared = "https"
        default: break
        }
        let lowered = declared.lowercased()
        let word = lowered.hasPrefix("grpc-web") ? "grpc-web" : String(lowered.prefix { $0 != "-" })
        if Self.httpNames.contains(word) {
            self = .http(word)
        } else if Self.tcpNames.contains(word) {
            self = .tcp(word)
        } else if word == "udp" {
            self = .udp
        } else if let port, Self.wellKnownTCPPorts.contains(port) {
            // istiod treats SMTP, DNS, MySQL and MongoDB ports as TCP when nothing is declared.
            self = .tcp("tcp")
        } else {
            self = .sniffed
        }
    }

    /// True when the port gets only the TCP filter chain.
    public var isTCPOnly: Bool {
        if case .tcp = self { return true }
        return false
    }

    static let httpNames: Set<String> = ["http", "http2", "http_proxy", "grpc", "grpc-web"]
    static let tcpNames: Set<String> = ["tcp", "https", "tls", "mongo", "redis", "mysql"]
    static let wellKnownTCPPorts: Set<Int> = [25, 53, 3306, 27017]
}

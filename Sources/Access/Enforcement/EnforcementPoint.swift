import YAMLModel

/// What evaluates a policy, which decides what it can see.
///
/// A waypoint, a sidecar and an ingress gateway are Envoys: on their HTTP filter chain they see every
/// attribute; on the TCP chain (a port that declares a TCP protocol) only the connection, and istiod
/// drops the HTTP-only parts of each rule. ztunnel sees only the L4 translation istiod sends it.
enum EnforcementPoint: Equatable {
    case envoy(FilterChain)
    case ztunnel

    var isEnvoy: Bool { self != .ztunnel }
}

/// Which of an Envoy's filter chains a connection takes.
enum FilterChain: Equatable {
    /// The HTTP connection manager: JWT authentication, then the HTTP RBAC filter.
    case http
    /// The TCP proxy: the network RBAC filter, with HTTP-only attributes dropped (istio/istio
    /// `pilot/pkg/security/authz/model/model.go` `rule.checkError`: an ALLOW rule that uses one is
    /// left out, a DENY or AUDIT rule loses the attribute and matches more).
    case tcp

    /// The chain a port's protocol gets; a sniffed port takes the HTTP chain for an HTTP request.
    init(_ portProtocol: PortProtocol) {
        self = portProtocol.isTCPOnly ? .tcp : .http
    }
}

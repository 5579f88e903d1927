import Access
import YAMLModel

/// One request whose outcome differs between two states of the mesh, with both traces.
public struct AccessChange: Sendable {
    /// `payments/accounts`, `anonymous`, `ingress gateway edge/public`, `any other mesh identity`.
    public let caller: String
    /// `ledger.payments:8080`.
    public let destination: String
    /// `POST /ledger/v1/debit with a valid token`.
    public let request: String
    public let before: AccessResult
    public let after: AccessResult

    /// True when the request gets through after and did not before.
    public var isNewlyAllowed: Bool { after.decision.isAllowed && !before.decision.isAllowed }
}

/// Compares what callers can do in two states of the mesh, over every caller identity of the
/// input (sidecar, ambient and outside callers: anonymous clients, ingress gateways, any other mesh
/// identity) and the requests the namespace's policies tell apart.
struct AccessComparison {
    /// One request to try, with how it is described.
    struct Probe {
        let request: AccessRequest
        let description: String
    }

    let namespace: String
    let callers: [(name: String, caller: AccessCaller)]
    /// Service ports and the requests tried against each.
    let destinations: [(service: ServiceView, port: Int, probes: [Probe])]
    /// Callers whose requests to Services outside the namespace are compared too (its own).
    let outbound: Set<String>

    /// The callers and requests to compare, gathered from every state's index (the policies differ).
    init(namespace: String, states: [MeshIndex], audiences: MintedAudiences) {
        self.namespace = namespace
        let base = states[0]
        var callers = AccessMatrix.callers(in: base, evaluator: AccessEvaluator(index: base))
        for gateway in base.deployedGateways(in: nil) where !gateway.isWaypoint {
            callers.append(("ingress gateway \(gateway.key)", .ingress(gateway.key)))
        }
        self.callers = callers
        outbound = Set(base.workloads(in: namespace).map { "\($0.namespace ?? "default")/\($0.serviceAccount)" })
        var destinations: [(ServiceView, Int, [Probe])] = []
        for service in base.services.sorted(by: { $0.key < $1.key }) {
            let probes = Self.probes(for: service, states: states, audiences: audiences)
            for port in service.ports.compactMap({ $0["port"]?.int }) {
                destinations.append((service, port, probes))
            }
        }
        self.destinations = destinations
    }

    /// The requests that tell the policies apart for `service`: GET /, other methods on another
    /// path, and one per rule of every AuthorizationPolicy of its namespace and the root namespace
    /// in any state (its first method and path, the claims and headers its conditions ask for),
    /// each without a token and, where a jwtRule could validate one, with a token as its issuer
    /// mints it.
    /// How many distinct requests are tried per Service (each with and without a token): enough for
    /// every rule of a real namespace, bounded for a hostile one.
    static let maxRequestShapes = 64

    static func probes(for service: ServiceView, states: [MeshIndex], audiences: MintedAudiences) -> [Probe] {
        let placeholder = AccessDestination.service(service.key, port: 0)
        let namespace = service.namespace ?? "default"
        var seen = Set<String>()
        var shapes: [(method: String, path: String, claims: [String: ClaimValue], headers: [String: String], description: String)] = []
        func add(_ method: String, _ path: String, claims: [String: ClaimValue] = [:], headers: [String: String] = [:]) {
            var description = ""
            if !claims.isEmpty { description += ", claims " + claims.keys.sorted().map { "\($0)=\(claims[$0]?.string ?? "")" }.joined(separator: ", ") }
            if !headers.isEmpty { description += ", headers " + headers.keys.sorted().map { "\($0): \(headers[$0]!)" }.joined(separator: ", ") }
            // A pull request can write thousands of rules: the requests tried are bounded.
            guard shapes.count < maxRequestShapes, seen.insert("\(method) \(path)\(description)").inserted else { return }
            shapes.append((method, path, claims, headers, description))
        }
        add("GET", "/")
        add("POST", "/meshlint-probe/x")
        var jwtRule: RequestAuthenticationView.JWTRule?
        for index in states {
            let root = index.rootNamespace
            for policy in index.authorizationPolicies(in: namespace) + (namespace == root ? [] : index.authorizationPolicies(in: root)) {
                for rule in policy.rules {
                    let operation = rule.operations.first
                    let method = operation?.field("methods")?.values.first?.value ?? "GET"
                    let path = operation?.field("paths")?.values.first.map { AccessMatrix.concretePath($0.value) } ?? "/"
                    var claims: [String: ClaimValue] = [:]
                    var headers: [String: String] = [:]
                    for condition in rule.conditions {
                        guard let key = condition.key?.value, let value = condition.values.first?.value else { continue }
                        if let claimPath = condition.claimPath, claimPath.count == 1 {
                            claims[claimPath[0]] = .string(value)
                        } else if key.hasPrefix("request.headers["), key.hasSuffix("]") {
                            headers[String(key.dropFirst("request.headers[".count).dropLast())] = value
                        }
                    }
                    add(method, path, claims: claims, headers: headers)
                }
            }
            jwtRule = jwtRule ?? (index.requestAuthentications(in: namespace) + index.requestAuthentications(in: root))
                .flatMap(\.jwtRules).first { $0.issuer != nil }
        }
        var probes: [Probe] = []
        for shape in shapes {
            if shape.claims.isEmpty {
                probes.append(Probe(
                    request: AccessRequest(caller: .anonymous, destination: placeholder, method: shape.method, path: shape.path, headers: shape.headers),
                    description: "\(shape.method) \(shape.path)\(shape.description)"))
            }
            if let jwtRule, let issuer = jwtRule.issuer?.value {
                var claims: [String: ClaimValue] = ["iss": .string(issuer), "sub": "meshlint-witness"]
                if let audience = audiences.audience(issuer: issuer, service: service.key, accepted: jwtRule.audiences.map(\.value)) {
                    claims["aud"] = .string(audience)
                }
                for (key, value) in shape.claims { claims[key] = value }
                probes.append(Probe(
                    request: AccessRequest(
                        caller: .anonymous, destination: placeholder, method: shape.method, path: shape.path, headers: shape.headers,
                        token: JWTClaims(claims)),
                    description: "\(shape.method) \(shape.path) with a valid token\(shape.description)"))
            }
        }
        return probes
    }

    /// Every request whose outcome differs between `before` and `after`, in order of destination,
    /// caller and request. Requests into the namespace from every caller; out of it from its own.
    func changes(before: MeshIndex, after: MeshIndex) -> [AccessChange] {
        let old = AccessEvaluator(index: before)
        let new = AccessEvaluator(index: after)
        var changes: [AccessChange] = []
        for (service, port, probes) in destinations {
            let inbound = service.namespace == namespace
            let destination = AccessDestination.service(service.key, port: port)
            for (name, caller) in callers where inbound || outbound.contains(name) {
                for probe in probes {
                    var request = probe.request
                    request.caller = caller
                    request.destination = destination
                    guard let was = try? old.evaluate(request), let now = try? new.evaluate(request),
                          was.decision.isAllowed != now.decision.isAllowed
                    else { continue }
                    changes.append(AccessChange(
                        caller: name, destination: "\(service.name).\(service.namespace ?? "default"):\(port)",
                        request: probe.description, before: was, after: now))
                }
            }
        }
        return changes
    }
}

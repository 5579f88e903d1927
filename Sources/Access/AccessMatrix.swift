import YAMLModel

/// One cell of the access matrix: whether a caller can reach a Service port, and how.
public struct AccessMatrixRow: Sendable, Hashable {
    public let service: ObjectKey
    public let port: Int
    /// `ns/sa`, `anonymous`, or `any other mesh identity`.
    public let caller: String
    /// The decision for a plain request (GET /, no token).
    public let plainDecision: AccessDecision
    /// The requests that do get through, each described (`any request`, `POST /ledger/v1/debit with
    /// a valid token, claims roles=Ledger.Debit`); empty when nothing does.
    public let allowedWhen: [String]

    public var isReachable: Bool { !allowedWhen.isEmpty }

    /// The cell's identity across two matrices (for the diff).
    public var key: String { "\(service.name).\(service.namespace ?? "default"):\(port) <- \(caller)" }
}

/// Who can reach what: every Service port of the input against every identity present (plus
/// anonymous plaintext clients and any other mesh identity).
///
/// Each "allowed when" entry is backed by a request the evaluator actually allowed: a plain request,
/// a request with a token the RequestAuthentication accepts, and one request built from each ALLOW
/// rule at the Service's waypoint (its first method and path, the claims and headers its
/// conditions ask for). So the matrix never claims more than the evaluator decides.
public enum AccessMatrix {
    public static let otherIdentity = MeshIdentity(namespace: "meshlint-any-other-namespace", serviceAccount: "any-other")

    /// The matrix of every Service port (or those `including` selects) against every caller.
    ///
    /// Each request is evaluated for all callers at once (`AccessEvaluator.outcomes`), so a large
    /// mesh costs a few evaluations per request, not one per caller.
    public static func compute(index: MeshIndex, including: (ServiceView) -> Bool = { _ in true }) -> [AccessMatrixRow] {
        summarize(index: index, including: including) { $0 }.flatMap { $0 }
    }

    /// The matrix one Service port at a time: `summary` turns each port's rows (one per caller)
    /// into what the caller keeps, on the worker that computed them, so a large mesh's full matrix
    /// is never held at once. The summaries come in the order of `compute`'s rows.
    public static func summarize<Summary: Sendable>(
        index: MeshIndex, including: (ServiceView) -> Bool = { _ in true },
        _ summary: @escaping @Sendable ([AccessMatrixRow]) -> Summary
    ) -> [Summary] {
        let evaluator = AccessEvaluator(index: index)
        var callers: [(String, AccessCaller)] = [("anonymous", .anonymous)]
        var seen = Set<MeshIdentity>()
        for workload in index.workloads {
            if case .identity(let identity) = evaluator.caller(for: workload), seen.insert(identity).inserted {
                callers.append(("\(identity.namespace)/\(identity.serviceAccount)", .identity(identity)))
            }
        }
        callers.sort { $0.0 < $1.0 }
        callers.append(("any other mesh identity", .identity(otherIdentity)))
        let names = callers.map(\.0)
        let identities = callers.map(\.1)
        let services = index.services.sorted(by: { $0.key < $1.key }).filter(including)
        // Services in chunks on all cores, each chunk with its own table of answers (a table fills
        // a cache as it goes, so it is not shared), the rows in the services' order.
        let chunkSize = max(1, (services.count + 15) / 16)
        let chunks = stride(from: 0, to: services.count, by: chunkSize).map { Array(services[$0..<min($0 + chunkSize, services.count)]) }
        let trustDomain = index.trustDomain
        return chunks.parallelMap { chunk -> [Summary] in
            let everyone = CallerTable(identities, trustDomain: trustDomain)
            var summaries: [Summary] = []
            for service in chunk {
                let ports = service.ports.compactMap { $0["port"]?.int }
                let witnesses = witnessRequests(for: service, index: index)
                for port in ports {
                    let destination = AccessDestination.service(service.key, port: port)
                    guard let plain = try? evaluator.outcomes(of: AccessRequest(caller: .anonymous, destination: destination), for: everyone)
                    else { continue }
                    let witnessed = witnesses.map { witness -> [AccessOutcome]? in
                        var request = witness.request
                        request.destination = destination
                        return try? evaluator.outcomes(of: request, for: everyone)
                    }
                    var rows: [AccessMatrixRow] = []
                    rows.reserveCapacity(names.count)
                    for (position, name) in names.enumerated() {
                        var allowed: [String] = []
                        if plain[position].decision == .allow {
                            allowed = ["any request"]
                        } else {
                            for (witness, outcomes) in zip(witnesses, witnessed)
                            where outcomes?[position].decision == .allow && !allowed.contains(witness.description) {
                                allowed.append(witness.description)
                            }
                        }
                        rows.append(AccessMatrixRow(
                            service: service.key, port: port, caller: name, plainDecision: plain[position].decision, allowedWhen: allowed))
                    }
                    summaries.append(summary(rows))
                }
            }
            return summaries
        }.flatMap { $0 }
    }

    /// Requests worth trying against a Service beyond the plain one: a valid token, and one per
    /// ALLOW rule at its waypoint.
    static func witnessRequests(for service: ServiceView, index: MeshIndex) -> [(request: AccessRequest, description: String)] {
        let placeholder = AccessDestination.service(service.key, port: 0)
        guard let waypoint = index.binding(of: service.resource).waypoint else { return [] }
        let authentications = index.requestAuthentications(at: waypoint).filter { $0.covers(service.key) }
        let jwtRule = authentications.lazy.flatMap(\.policy.jwtRules).first { $0.issuer != nil }
        func token(_ extra: [String: ClaimValue]) -> JWTClaims? {
            guard let jwtRule, let issuer = jwtRule.issuer?.value else { return extra.isEmpty ? nil : JWTClaims(extra) }
            var claims: [String: ClaimValue] = ["iss": .string(issuer), "sub": "meshlint-witness"]
            if let audience = jwtRule.audiences.first?.value { claims["aud"] = .string(audience) }
            for (key, value) in extra { claims[key] = value }
            return JWTClaims(claims)
        }
        var witnesses: [(AccessRequest, String)] = []
        if let valid = token([:]) {
            witnesses.append((AccessRequest(caller: .anonymous, destination: placeholder, token: valid), "any request with a valid token"))
        }
        let allows = index.authorizationPolicies(at: waypoint)
            .filter { $0.covers(service.key) && $0.policy.action == .allow && !$0.policy.isDryRun }
        for policy in allows {
            for rule in policy.policy.rules {
                let operation = rule.operations.first
                let method = operation?.field("methods")?.values.first?.value ?? "GET"
                let path = operation?.field("paths")?.values.first.map { concretePath($0.value) } ?? "/"
                var claims: [String: ClaimValue] = [:]
                var headers: [String: String] = [:]
                for condition in rule.conditions {
                    guard let key = condition.key?.value, let value = condition.values.first?.value else { continue }
                    if let path = condition.claimPath, path.count == 1 {
                        claims[path[0]] = .string(value)
                    } else if key.hasPrefix("request.headers["), key.hasSuffix("]") {
                        headers[String(key.dropFirst("request.headers[".count).dropLast())] = value
                    }
                }
                var description = operation == nil ? "any method and path" : "\(method) \(path)"
                let withToken = token(claims)
                if withToken != nil { description += " with a valid token" }
                if !claims.isEmpty {
                    description += ", claims " + claims.keys.sorted().map { "\($0)=\(claims[$0]!.string ?? "")" }.joined(separator: ", ")
                }
                if !headers.isEmpty {
                    description += ", headers " + headers.keys.sorted().map { "\($0): \(headers[$0]!)" }.joined(separator: ", ")
                }
                witnesses.append((AccessRequest(
                    caller: .anonymous, destination: placeholder, method: method, path: path, headers: headers, token: withToken),
                    description))
            }
        }
        return witnesses
    }

    /// A path that a path pattern matches: templates and wildcards filled in.
    static func concretePath(_ pattern: String) -> String {
        var path = pattern.replacingTemplate("{**}", with: "x").replacingTemplate("{*}", with: "x")
        if path.hasPrefix("*") { path = "/x" + path.dropFirst() }
        if path.hasSuffix("*") { path = path.dropLast() + "x" }
        return path
    }
}

/// What a change does to who can reach what.
public struct AccessMatrixChange: Sendable, Hashable {
    public let before: AccessMatrixRow?
    public let after: AccessMatrixRow?

    public var key: String { (after ?? before)!.key }

    /// True when the change lets something through that did not get through before.
    public var widens: Bool {
        let old = Set(before?.allowedWhen ?? [])
        return (after?.allowedWhen ?? []).contains { !old.contains($0) }
    }

    public static func diff(base: [AccessMatrixRow], head: [AccessMatrixRow]) -> [AccessMatrixChange] {
        let old = Dictionary(base.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(head.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        return Set(old.keys).union(new.keys).sorted().compactMap { key in
            let before = old[key]
            let after = new[key]
            guard before?.allowedWhen != after?.allowedWhen || before?.plainDecision != after?.plainDecision else { return nil }
            return AccessMatrixChange(before: before, after: after)
        }
    }
}

extension String {
    fileprivate func replacingTemplate(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

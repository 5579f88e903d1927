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

    /// The callers of the matrix, by name: `anonymous`, every workload identity of the input
    /// (`namespace/serviceAccount`, sorted), and `any other mesh identity`.
    public static func callers(in index: MeshIndex, evaluator: AccessEvaluator) -> [(name: String, caller: AccessCaller)] {
        var callers: [(String, AccessCaller)] = [("anonymous", .anonymous)]
        var seen = Set<MeshIdentity>()
        for workload in index.workloads {
            if case .identity(let identity) = evaluator.caller(for: workload), seen.insert(identity).inserted {
                callers.append(("\(identity.namespace)/\(identity.serviceAccount)", .identity(identity)))
            }
        }
        callers.sort { $0.0 < $1.0 }
        callers.append(("any other mesh identity", .identity(otherIdentity)))
        return callers
    }

    /// The matrix of every Service port (or those `including` selects) against every caller.
    ///
    /// Each request is evaluated for all callers at once (`AccessEvaluator.outcomes`), so a large
    /// mesh costs a few evaluations per request, not one per caller.
    public static func compute(
        index: MeshIndex, audiences: MintedAudiences = MintedAudiences(), including: (ServiceView) -> Bool = { _ in true }
    ) -> [AccessMatrixRow] {
        summarize(index: index, audiences: audiences, including: including) { $0 }.flatMap { $0 }
    }

    /// The matrix one Service port at a time: `summary` turns each port's rows (one per caller)
    /// into what the caller keeps, on the worker that computed them, so a large mesh's full matrix
    /// is never held at once. The summaries come in the order of `compute`'s rows.
    public static func summarize<Summary: Sendable>(
        index: MeshIndex, audiences: MintedAudiences = MintedAudiences(), including: (ServiceView) -> Bool = { _ in true },
        _ summary: @escaping @Sendable ([AccessMatrixRow]) -> Summary
    ) -> [Summary] {
        let plan = AccessMatrixPlan(index: index, audiences: audiences, including: including)
        return plan.summarize(0..<plan.services.count, summary)
    }

    /// The matrix in batches of Services, each batch computed on all cores and handed to `emit`
    /// before the next is computed: what is held at once is one batch's rows (about `rowBudget`),
    /// whatever the size of the mesh. Before each batch `shouldStop` is asked (the time limit);
    /// returns false when it stopped the matrix early.
    public static func stream(
        _ plan: AccessMatrixPlan, rowBudget: Int = 100_000, shouldStop: () -> Bool, emit: ([AccessMatrixRow]) -> Void
    ) -> Bool {
        var start = 0
        while start < plan.services.count {
            if shouldStop() { return false }
            let end = plan.batchEnd(from: start, rowBudget: rowBudget)
            emit(plan.summarize(start..<end) { $0 }.flatMap { $0 })
            start = end
        }
        return true
    }

    /// Requests worth trying against a Service beyond the plain one: a valid token, and one per
    /// ALLOW rule at its waypoint.
    static func witnessRequests(
        for service: ServiceView, index: MeshIndex, audiences: MintedAudiences = MintedAudiences()
    ) -> [(request: AccessRequest, description: String)] {
        let placeholder = AccessDestination.service(service.key, port: 0)
        guard let waypoint = index.binding(of: service.resource).waypoint else { return [] }
        let authentications = index.requestAuthentications(at: waypoint).filter { $0.covers(service.key) }
        let jwtRule = authentications.lazy.flatMap(\.policy.jwtRules).first { $0.issuer != nil }
        // The token as the issuer mints it for this Service, which the jwtRule may not accept.
        func token(_ extra: [String: ClaimValue]) -> JWTClaims? {
            guard let jwtRule, let issuer = jwtRule.issuer?.value else { return extra.isEmpty ? nil : JWTClaims(extra) }
            var claims: [String: ClaimValue] = ["iss": .string(issuer), "sub": "meshlint-witness"]
            if let audience = audiences.audience(issuer: issuer, service: service.key, accepted: jwtRule.audiences.map(\.value)) {
                claims["aud"] = .string(audience)
            }
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

    /// Requests that a plain GET / does not stand for: other methods on another path, and one per
    /// DENY rule at the Service's waypoint (built as the ALLOW witnesses are). A caller is shown
    /// reaching "any request" only when all of them get through too.
    static func probeRequests(for service: ServiceView, index: MeshIndex) -> [AccessRequest] {
        let placeholder = AccessDestination.service(service.key, port: 0)
        var probes = ["POST", "DELETE"].map {
            AccessRequest(caller: .anonymous, destination: placeholder, method: $0, path: "/meshlint-probe/x")
        }
        guard let waypoint = index.binding(of: service.resource).waypoint else { return probes }
        let denies = index.authorizationPolicies(at: waypoint)
            .filter { $0.covers(service.key) && $0.policy.action == .deny && !$0.policy.isDryRun }
        for policy in denies {
            for rule in policy.policy.rules {
                let operation = rule.operations.first
                let method = operation?.field("methods")?.values.first?.value ?? "GET"
                let path = operation?.field("paths")?.values.first.map { concretePath($0.value) } ?? "/"
                probes.append(AccessRequest(caller: .anonymous, destination: placeholder, method: method, path: path))
            }
        }
        return probes
    }

    /// The workloads behind a Service bound to a waypoint that pod-IP traffic reaches without it
    /// (the workload is not bound to that waypoint itself).
    static func directTargets(for service: ServiceView, index: MeshIndex) -> [(workload: WorkloadView, waypoint: Waypoint)] {
        guard let waypoint = index.binding(of: service.resource).waypoint else { return [] }
        return index.workloads(behind: service)
            .filter { index.binding(of: $0.resource).waypoint?.key != waypoint.key }
            .map { ($0, waypoint) }
    }

    /// A path that a path pattern matches: templates and wildcards filled in.
    public static func concretePath(_ pattern: String) -> String {
        var path = pattern.replacingTemplate("{**}", with: "x").replacingTemplate("{*}", with: "x")
        if path.hasPrefix("*") { path = "/x" + path.dropFirst() }
        if path.hasSuffix("*") { path = path.dropLast() + "x" }
        return path
    }
}

/// What the matrix of one input needs, worked out once: its callers (every workload identity,
/// anonymous plaintext clients, any other mesh identity), its evaluator and its Services in order.
/// Any range of the Services can then be computed on its own, which is how the matrix streams.
public struct AccessMatrixPlan: Sendable {
    public let index: MeshIndex
    /// The Services of the matrix, sorted by key.
    public let services: [ServiceView]
    let evaluator: AccessEvaluator
    let names: [String]
    let identities: [AccessCaller]
    /// The callers' tables of answers, one per chunk of a batch, kept from batch to batch: a
    /// table's cache fills as it goes, and a mesh's questions recur from Service to Service.
    private let tables: CallerTables
    /// How many chunks a batch is cut into (and so how many tables there are).
    private static let chunks = 16

    /// What the identity providers mint, for the requests tried with a token.
    let audiences: MintedAudiences

    public init(index: MeshIndex, audiences: MintedAudiences = MintedAudiences(), including: (ServiceView) -> Bool = { _ in true }) {
        self.index = index
        self.audiences = audiences
        let evaluator = AccessEvaluator(index: index)
        let callers = AccessMatrix.callers(in: index, evaluator: evaluator)
        self.evaluator = evaluator
        names = callers.map(\.0)
        identities = callers.map(\.1)
        services = index.services.sorted(by: { $0.key < $1.key }).filter(including)
        tables = CallerTables((0..<Self.chunks).map { _ in CallerTable(callers.map(\.1), trustDomain: index.trustDomain) })
    }

    /// How many callers each Service port is evaluated for.
    public var callerCount: Int { names.count }

    /// The end of a batch that starts at `start`: Services until their rows reach `rowBudget`
    /// (at least one Service).
    func batchEnd(from start: Int, rowBudget: Int) -> Int {
        var end = start
        var rows = 0
        while end < services.count, end == start || rows < rowBudget {
            rows += max(1, services[end].ports.count) * names.count
            end += 1
        }
        return end
    }

    /// Each port's rows of `services[range]`, summarised, in order; the Services in chunks on all
    /// cores, each chunk with a table of answers of its own. One call at a time per plan (the
    /// tables are not shared between calls running at once).
    public func summarize<Summary: Sendable>(
        _ range: Range<Int>, _ summary: @escaping @Sendable ([AccessMatrixRow]) -> Summary
    ) -> [Summary] {
        let selected = Array(services[range])
        let chunkSize = max(1, (selected.count + Self.chunks - 1) / Self.chunks)
        let chunks = stride(from: 0, to: selected.count, by: chunkSize).enumerated().map { number, start in
            (number, Array(selected[start..<min(start + chunkSize, selected.count)]))
        }
        let (index, evaluator, names, tables, audiences) = (self.index, self.evaluator, self.names, self.tables, self.audiences)
        return chunks.parallelMap { number, chunk -> [Summary] in
            let everyone = tables[number]
            var summaries: [Summary] = []
            for service in chunk {
                let ports = service.ports.compactMap { $0["port"]?.int }
                let witnesses = AccessMatrix.witnessRequests(for: service, index: index, audiences: audiences)
                let probes = AccessMatrix.probeRequests(for: service, index: index)
                let direct = AccessMatrix.directTargets(for: service, index: index)
                for port in ports {
                    let destination = AccessDestination.service(service.key, port: port)
                    guard let plain = try? evaluator.outcomes(of: AccessRequest(caller: .anonymous, destination: destination), for: everyone)
                    else { continue }
                    let evaluate = { (requests: [AccessRequest]) in
                        requests.map { witness -> [AccessOutcome]? in
                            var request = witness
                            request.destination = destination
                            return try? evaluator.outcomes(of: request, for: everyone)
                        }
                    }
                    let witnessed = evaluate(witnesses.map(\.request))
                    let probed = evaluate(probes)
                    // Pod-IP traffic to the pods behind the Service, which skips a `service` waypoint.
                    let dialled = direct.map { target -> (String, [AccessOutcome]?) in
                        let pod = index.servicePort(port, of: service, on: target.workload)?.targetPort ?? port
                        let request = AccessRequest(caller: .anonymous, destination: .workload(target.workload.key, port: pod))
                        return ("any request to the pods of \(target.workload.key) by pod IP, skipping waypoint \(target.waypoint.key)",
                                try? evaluator.outcomes(of: request, for: everyone))
                    }
                    var rows: [AccessMatrixRow] = []
                    rows.reserveCapacity(names.count)
                    for (position, name) in names.enumerated() {
                        var allowed: [String] = []
                        let plainAllowed = plain[position].decision == .allow
                        if plainAllowed, probed.allSatisfy({ $0?[position].decision == .allow }) {
                            allowed = ["any request"]
                        } else {
                            // GET / gets through, but another method, path or a DENY's request does not.
                            if plainAllowed { allowed.append("GET /") }
                            for (witness, outcomes) in zip(witnesses, witnessed)
                            where outcomes?[position].decision == .allow && !allowed.contains(witness.description) {
                                allowed.append(witness.description)
                            }
                            for (description, outcomes) in dialled where outcomes?[position].decision == .allow {
                                allowed.append(description)
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
}

/// The tables of an `AccessMatrixPlan`. A `CallerTable` is a cache that is not safe to share;
/// each is used by the one worker that computes its chunk, and batches run one after another.
final class CallerTables: @unchecked Sendable {
    private let tables: [CallerTable]

    init(_ tables: [CallerTable]) {
        self.tables = tables
    }

    subscript(position: Int) -> CallerTable { tables[position] }
}

/// What a change does to who can reach what.
public struct AccessMatrixChange: Sendable, Hashable {
    public let before: AccessMatrixRow?
    public let after: AccessMatrixRow?

    public var key: String { (after ?? before)!.key }

    /// True when the change lets something through that did not get through before: an entry
    /// after that no entry before covers ("any request" covers every request, "any request with a
    /// valid token" every request with one; otherwise the same request).
    public var widens: Bool {
        let old = before?.allowedWhen ?? []
        return (after?.allowedWhen ?? []).contains { entry in !old.contains { Self.covers($0, entry) } }
    }

    static func covers(_ broader: String, _ entry: String) -> Bool {
        broader == entry || broader == "any request"
            || (broader == "any request with a valid token" && entry.contains("with a valid token"))
    }

    /// The changes between two inputs' matrices, in batches of Services (by key, over both
    /// inputs), each batch computed for both and handed to `emit` before the next: what is held at
    /// once is one batch's rows, twice. Returns false when `shouldStop` ended it early.
    public static func stream(
        base: AccessMatrixPlan, head: AccessMatrixPlan, rowBudget: Int = 100_000, shouldStop: () -> Bool,
        emit: ([AccessMatrixChange]) -> Void
    ) -> Bool {
        var (inBase, inHead) = (0, 0)
        while inBase < base.services.count || inHead < head.services.count {
            if shouldStop() { return false }
            // The next batch: Services of either input up to a key, about `rowBudget` rows a side.
            let baseEnd = inBase < base.services.count ? base.batchEnd(from: inBase, rowBudget: rowBudget) : inBase
            let headEnd = inHead < head.services.count ? head.batchEnd(from: inHead, rowBudget: rowBudget) : inHead
            let last: ObjectKey
            switch (baseEnd > inBase, headEnd > inHead) {
            case (true, true): last = min(base.services[baseEnd - 1].key, head.services[headEnd - 1].key)
            case (true, false): last = base.services[baseEnd - 1].key
            default: last = head.services[headEnd - 1].key
            }
            var nextBase = inBase
            while nextBase < base.services.count, base.services[nextBase].key <= last { nextBase += 1 }
            var nextHead = inHead
            while nextHead < head.services.count, head.services[nextHead].key <= last { nextHead += 1 }
            let before = base.summarize(inBase..<nextBase) { $0 }.flatMap { $0 }
            let after = head.summarize(inHead..<nextHead) { $0 }.flatMap { $0 }
            emit(diff(base: before, head: after))
            (inBase, inHead) = (nextBase, nextHead)
        }
        return true
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

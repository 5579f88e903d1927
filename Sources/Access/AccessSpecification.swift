import YAMLModel

/// Requests written as text, the way the command line and access expectations write them:
/// `--from payments/accounts --to ledger.payments:8080 --method POST --claim scp=ledger.debit`.
public enum AccessSpecification {
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// `anonymous`, `ingress:<namespace>/<gateway>`, or `<namespace>/<service-account>`.
    public static func caller(_ text: String) throws(Problem) -> AccessCaller {
        if text == "anonymous" { return .anonymous }
        if text.hasPrefix("ingress:") {
            let key = try objectKey(String(text.dropFirst("ingress:".count)), what: "an ingress gateway")
            return .ingress(key)
        }
        let key = try objectKey(text, what: "a caller")
        return .identity(MeshIdentity(namespace: key.namespace ?? "default", serviceAccount: key.name))
    }

    /// `<service>.<namespace>:<port>`, the Service's address. With `direct`, the pods of the
    /// workload behind it are dialled by IP on the Service port's target port instead.
    public static func destination(
        _ text: String, direct: Bool, index: MeshIndex
    ) throws(Problem) -> AccessDestination {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            throw Problem("destination \"\(text)\" must be <service>.<namespace>:<port>")
        }
        let host = text[..<colon]
        let parts = host.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw Problem("destination \"\(text)\" must be <service>.<namespace>:<port>")
        }
        let key = ObjectKey(namespace: parts[1], name: parts[0])
        guard direct else { return .service(key, port: port) }
        guard let service = index.service(key) else { throw Problem("no Service \(key) in the input") }
        guard let workload = index.workloads(behind: service).first else {
            throw Problem("no workload behind Service \(key) in the input to dial directly")
        }
        let target = index.servicePort(port, of: service, on: workload)?.targetPort ?? port
        return .workload(workload.key, port: target)
    }

    /// `--token-in`: `bearer` (`Authorization: Bearer`, the default), `header:NAME`, `param:NAME`
    /// or `cookie:NAME`.
    public static func tokenLocation(_ text: String) throws(Problem) -> TokenLocation {
        if text == "bearer" { return .bearer }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else {
            throw Problem("--token-in \"\(text)\" must be bearer, header:NAME, param:NAME or cookie:NAME")
        }
        switch parts[0] {
        case "header": return .header(parts[1])
        case "param": return .parameter(parts[1])
        case "cookie": return .cookie(parts[1])
        default: throw Problem("--token-in \"\(text)\" must be bearer, header:NAME, param:NAME or cookie:NAME")
        }
    }

    /// `name=value` claims; a name given twice becomes a list (`--claim roles=a --claim roles=b`).
    public static func claims(_ pairs: [String]) throws(Problem) -> JWTClaims {
        var claims: [String: ClaimValue] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw Problem("claim \"\(pair)\" must be name=value")
            }
            let name = String(pair[..<equals])
            let value = ClaimValue.string(String(pair[pair.index(after: equals)...]))
            switch claims[name] {
            case nil: claims[name] = value
            case .list(let items)?: claims[name] = .list(items + [value])
            case let existing?: claims[name] = .list([existing, value])
            }
        }
        return JWTClaims(claims)
    }

    /// `Name: value` headers.
    public static func headers(_ pairs: [String]) throws(Problem) -> [String: String] {
        var headers: [String: String] = [:]
        for pair in pairs {
            guard let colon = pair.firstIndex(of: ":"), colon != pair.startIndex else {
                throw Problem("header \"\(pair)\" must be Name:value")
            }
            headers[String(pair[..<colon])] = String(pair[pair.index(after: colon)...]).drop { $0 == " " }.description
        }
        return headers
    }

    /// A claim value written in YAML: a scalar is a string (or a number or boolean when plain and
    /// so written), a sequence a list, a mapping an object.
    public static func claim(_ node: Node) -> ClaimValue {
        switch node.kind {
        case .sequence:
            return .list(node.items.map(claim))
        case .mapping:
            var object: [String: ClaimValue] = [:]
            for pair in node.pairs { if let key = pair.key.scalar { object[key] = claim(pair.value) } }
            return .object(object)
        case .scalar:
            if node.isNull { return .null }
            if node.style == .plain, let flag = node.bool { return .bool(flag) }
            if node.style == .plain, let number = Double(node.scalar ?? "") { return .number(number) }
            return .string(node.scalar ?? "")
        }
    }

    private static func objectKey(_ text: String, what: String) throws(Problem) -> ObjectKey {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw Problem("\(what) \"\(text)\" must be <namespace>/<name>")
        }
        return ObjectKey(namespace: parts[0], name: parts[1])
    }
}

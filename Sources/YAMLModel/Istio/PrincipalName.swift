/// A workload identity as AuthorizationPolicy `principals` (and `source.principal` conditions) write
/// it: `<trust-domain>/ns/<namespace>/sa/<service-account>`, without the `spiffe://` scheme.
public struct PrincipalName: Sendable, Hashable {
    public let trustDomain: String
    public let namespace: String
    public let serviceAccount: String

    /// The trust domain istiod reads as "this mesh's trust domain, whatever it is": a principal
    /// written with it is rewritten to the configured trust domain and its aliases.
    public static let localTrustDomainAlias = WellKnown.defaultTrustDomain

    /// Reads a principal; nil when it is not of the five-part form, or when it is a pattern (`*`,
    /// `*suffix`, `prefix*`), which names no single identity.
    public init?(_ text: String) {
        // Read by bytes, without building the parts as an array: every principal of every policy
        // passes here.
        guard let parts = Self.parts(text) else { return nil }
        (trustDomain, namespace, serviceAccount) = parts
    }

    /// The trust domain, namespace and service account of `<td>/ns/<ns>/sa/<sa>`, or nil.
    private static func parts(_ text: String) -> (String, String, String)? {
        var text = text
        return text.withUTF8 { bytes -> (String, String, String)? in
            var slashes = (0, 0, 0, 0)
            var found = 0
            for (offset, byte) in bytes.enumerated() {
                if byte == UInt8(ascii: "*") { return nil }
                guard byte == UInt8(ascii: "/") else { continue }
                switch found {
                case 0: slashes.0 = offset
                case 1: slashes.1 = offset
                case 2: slashes.2 = offset
                case 3: slashes.3 = offset
                default: return nil
                }
                found += 1
            }
            guard found == 4 else { return nil }
            func part(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[range]) }
            let domain = part(0..<slashes.0), ns = part(slashes.0 + 1..<slashes.1), namespace = part(slashes.1 + 1..<slashes.2)
            let sa = part(slashes.2 + 1..<slashes.3), account = part(slashes.3 + 1..<bytes.count)
            guard ns.elementsEqual("ns".utf8), sa.elementsEqual("sa".utf8), !domain.isEmpty, !namespace.isEmpty, !account.isEmpty
            else { return nil }
            return (String(decoding: domain, as: UTF8.self), String(decoding: namespace, as: UTF8.self), String(decoding: account, as: UTF8.self))
        }
    }

    /// True when istiod matches this principal against the mesh's identities: its trust domain is the
    /// mesh's (`meshConfig.trustDomain`) or `cluster.local`, which istiod rewrites to the mesh's.
    /// Any other trust domain matches no workload of the mesh.
    public func isInTrustDomain(_ meshTrustDomain: String) -> Bool {
        trustDomain == meshTrustDomain || trustDomain == Self.localTrustDomainAlias
    }

    /// The same identity written in another trust domain.
    public func with(trustDomain: String) -> String { "\(trustDomain)/ns/\(namespace)/sa/\(serviceAccount)" }
}

extension RuleEntry {
    /// The identity a `serviceAccounts` entry names: `ns/sa`, or `sa` in the policy's namespace.
    /// Nil for a pattern or an empty part.
    public static func serviceAccountIdentity(_ value: String, policyNamespace: String) -> MeshIdentity? {
        guard !value.containsASCII("*"), !value.isEmpty else { return nil }
        let identity = serviceAccount(value, policyNamespace: policyNamespace)
        guard !identity.namespace.isEmpty, !identity.serviceAccount.isEmpty, !identity.serviceAccount.containsASCII("/") else { return nil }
        return identity
    }
}

extension IstioStringMatch {
    /// True for a pattern (`*`, `*suffix`, `prefix*`) rather than one literal value.
    public static func isPattern(_ value: String) -> Bool { value.hasPrefix("*") || value.hasSuffix("*") }
}

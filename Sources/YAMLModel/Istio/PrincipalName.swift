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
        // Read by bytes: every principal of every policy passes here.
        guard !text.utf8.contains(UInt8(ascii: "*")) else { return nil }
        let parts = text.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[1].elementsEqual("ns".utf8), parts[3].elementsEqual("sa".utf8),
              !parts[0].isEmpty, !parts[2].isEmpty, !parts[4].isEmpty
        else { return nil }
        trustDomain = String(decoding: parts[0], as: UTF8.self)
        namespace = String(decoding: parts[2], as: UTF8.self)
        serviceAccount = String(decoding: parts[4], as: UTF8.self)
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
        guard !value.contains("*"), !value.isEmpty else { return nil }
        let identity = serviceAccount(value, policyNamespace: policyNamespace)
        guard !identity.namespace.isEmpty, !identity.serviceAccount.isEmpty, !identity.serviceAccount.contains("/") else { return nil }
        return identity
    }
}

extension IstioStringMatch {
    /// True for a pattern (`*`, `*suffix`, `prefix*`) rather than one literal value.
    public static func isPattern(_ value: String) -> Bool { value.hasPrefix("*") || value.hasSuffix("*") }
}

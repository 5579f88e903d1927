import YAMLModel

/// What an identity provider puts in a token's `aud`, so that a request the matrix tries "with a
/// valid token" carries a token the provider would really mint, not one made to fit the
/// RequestAuthentication. A jwtRule whose audiences the provider never mints (the finding
/// `jwt-audience-mismatch`) then admits no token in the matrix either.
public struct MintedAudiences: Sendable {
    /// Audiences `.meshlint.yaml` declares, by issuer URL or by Service (`name.namespace`).
    public var declared: [String: [String]]

    public init(declared: [String: [String]] = [:]) {
        self.declared = declared
    }

    /// A stand-in for the API's client ID when the input does not say it: a GUID no policy lists.
    static let unknownClientID = "00000000-0000-0000-0000-000000000000"

    /// The `aud` of a token `issuer` mints for `service`: the audience declared for the Service, else
    /// for the issuer; for an Entra ID v2 issuer, which always puts the API's client ID (a GUID) in
    /// `aud`, a GUID the jwtRule lists (else an unknown one); else the first audience the jwtRule
    /// accepts (nil: it accepts any).
    public func audience(issuer: String, service: ObjectKey, accepted: [String]) -> String? {
        if let values = declared["\(service.name).\(service.namespace ?? "default")"], let first = values.first(where: accepted.contains) ?? values.first {
            return first
        }
        if let values = declared[issuer], let first = values.first(where: accepted.contains) ?? values.first {
            return first
        }
        if EntraID.issuer(issuer)?.version == .v2 {
            return accepted.first(where: EntraID.isGUID) ?? Self.unknownClientID
        }
        return accepted.first
    }
}

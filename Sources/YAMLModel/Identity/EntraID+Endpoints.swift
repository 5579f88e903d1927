extension EntraID {
    /// The tenant segments that name a sign-in audience rather than a tenant (`common`: any work or
    /// personal account, `organizations`: any work account, `consumers`: personal accounts). A token
    /// never carries them: its `iss` always names the tenant that issued it, by tenant ID.
    public static let multiTenantAliases: Set<String> = ["common", "organizations", "consumers"]

    /// The URL of the key set that signs `version` tokens of `tenant`, on `host` when it is a login
    /// host, else on the public cloud's.
    public static func keySetURL(tenant: String, version: TokenVersion, host: String? = nil) -> String {
        let login = host.flatMap { loginHosts.contains($0) ? $0 : nil } ?? "login.microsoftonline.com"
        return switch version {
        case .v1: "https://\(login)/\(tenant)/discovery/keys"
        case .v2: "https://\(login)/\(tenant)/discovery/v2.0/keys"
        }
    }

    /// The issuer URL of `version` tokens of `tenant` (public cloud).
    public static func issuerURL(tenant: String, version: TokenVersion) -> String {
        switch version {
        case .v1: "https://sts.windows.net/\(tenant)/"
        case .v2: "https://login.microsoftonline.com/\(tenant)/v2.0"
        }
    }

    /// The host of an https URL, lower-cased, when it is one of Entra's login hosts.
    public static func loginHost(of url: String) -> String? {
        guard url.hasPrefix("https://") else { return nil }
        let host = url.dropFirst("https://".count).prefix { $0 != "/" && $0 != "?" }.lowercased()
        return loginHosts.contains(host) ? host : nil
    }
}

extension EntraID.Endpoint {
    /// True when the tenant segment is `common`, `organizations` or `consumers`.
    public var isMultiTenantAlias: Bool { EntraID.multiTenantAliases.contains(tenant.lowercased()) }

    /// True when the tenant segment is a tenant ID (a GUID), as in every token's `iss`.
    public var hasTenantID: Bool { EntraID.isGUID(tenant) }

    /// True when both name tenants by ID and the IDs differ; false when they are the same or when the
    /// segments cannot be compared (a domain name or a multi-tenant alias on either side).
    public func namesOtherTenant(than other: EntraID.Endpoint) -> Bool {
        hasTenantID && other.hasTenantID && tenant.lowercased() != other.tenant.lowercased()
    }
}

/// What Microsoft Entra ID (Azure AD) puts in its tokens, read from an issuer or JWKS URL.
///
/// The API's app registration decides the access-token version. v2 tokens are issued by
/// `https://login.microsoftonline.com/<tenant>/v2.0` and always carry the API's client ID (a GUID)
/// as `aud`; v1 tokens by `https://sts.windows.net/<tenant>/`, with the client ID or the App ID URI
/// (`api://...`) as `aud`.
public enum EntraID {
    public enum TokenVersion: String, Sendable { case v1, v2 }

    /// An Entra issuer or key set: tenant and token version.
    public struct Endpoint: Sendable, Equatable {
        public let tenant: String
        public let version: TokenVersion
    }

    /// The login hosts of Entra's clouds (public, US Government, China).
    static let loginHosts = ["login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn", "login.chinacloudapi.cn"]
    static let v1IssuerHosts = ["sts.windows.net", "sts.chinacloudapi.cn"]

    /// The tenant and version of an Entra issuer URL, or nil when it is not one.
    public static func issuer(_ url: String) -> Endpoint? {
        let parts = pathParts(url)
        guard let host = parts.first else { return nil }
        if loginHosts.contains(host), parts.count == 3, parts[2] == "v2.0" {
            return Endpoint(tenant: parts[1], version: .v2)
        }
        if v1IssuerHosts.contains(host), parts.count == 2 {
            return Endpoint(tenant: parts[1], version: .v1)
        }
        return nil
    }

    /// The tenant and version of an Entra JWKS URL (`.../<tenant>/discovery/v2.0/keys` is v2,
    /// `.../<tenant>/discovery/keys` v1), or nil when it is not one.
    public static func keySet(_ url: String) -> Endpoint? {
        let parts = pathParts(url)
        guard let host = parts.first, loginHosts.contains(host) || v1IssuerHosts.contains(host), parts.count >= 4,
              parts[2] == "discovery", parts.last == "keys"
        else { return nil }
        return Endpoint(tenant: parts[1], version: parts.count == 5 && parts[3] == "v2.0" ? .v2 : .v1)
    }

    /// True for a GUID such as an application's client ID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).
    public static func isGUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    /// `https://host/a/b` as `[host, a, b]` (no scheme, no empty parts, no query).
    private static func pathParts(_ url: String) -> [String] {
        guard url.hasPrefix("https://") else { return [] }
        let rest = url.dropFirst("https://".count).split(separator: "?", maxSplits: 1).first ?? ""
        return rest.split(separator: "/").map(String.init)
    }
}

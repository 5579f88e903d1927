/// The value checks istiod's validating webhook runs on security policies (istio/istio
/// `pkg/config/security` and `pkg/config/validation`), reproduced exactly so MeshLint rejects what
/// istiod rejects and nothing else.
///
/// A policy that fails one of these checks is never stored: nothing enforces it, and in an ambient
/// mesh that is a silent gap (a DENY that denies nothing, a JWT that is never validated). Each
/// function returns nil for a valid value, else istiod's own error text, so findings can quote it.
public enum PolicyValidation {
    // MARK: Ports

    /// istiod's `ValidatePorts` for one `ports`/`notPorts` (or `destination.port`) value: decimal
    /// digits only (Go's `strconv.ParseUint(s, 10, 32)`: no sign, no spaces, no `_`) and at most
    /// 65535. `0` and leading zeros pass, as they do in istiod.
    public static func portError(_ value: String) -> String? {
        guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return "bad port (\(value)): not a decimal number"
        }
        let digits = value.drop { $0 == "0" }
        guard digits.count <= 5, Int(digits.isEmpty ? "0" : String(digits)) ?? Int.max <= 65535 else {
            return "bad port (\(value)): above 65535"
        }
        return nil
    }

    // MARK: IP addresses and CIDR ranges

    /// istiod's `ValidateIPs` for one `ipBlocks`/`remoteIpBlocks` (or `source.ip`, `remote.ip`,
    /// `destination.ip`) value: with a `/` it must be a CIDR range (Go's `netip.ParsePrefix`),
    /// otherwise an address (Go's `netip.ParseAddr`).
    public static func ipBlockError(_ value: String) -> String? {
        if value.containsASCII("/") {
            return prefixError(value).map { "bad CIDR range (\(value)): \($0)" }
        }
        return addressError(value).map { _ in "bad IP address (\(value))" }
    }

    /// Why Go's `netip.ParsePrefix` rejects `text`, or nil when it parses. The address part may keep
    /// host bits (`10.0.0.1/8` is accepted); the length has no sign or leading zero.
    static func prefixError(_ text: String) -> String? {
        guard let slash = text.lastIndex(of: "/") else { return "no '/'" }
        let address = text[..<slash]
        let bits = text[text.index(after: slash)...]
        if let error = addressError(address) { return error }
        if address.containsASCII("%") { return "IPv6 zones cannot be present in a prefix" }
        let digits = bits.utf8
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              digits.count == 1 || digits.first != UInt8(ascii: "0")
        else { return "bad bits after slash: \"\(bits)\"" }
        let maximum = address.containsASCII(":") && !isIPv4First(address) ? 128 : 32
        guard digits.count <= 3, let length = Int(bits), length <= maximum else { return "prefix length out of range" }
        return nil
    }

    /// Why Go's `netip.ParseAddr` rejects `text`, or nil when it parses: dotted IPv4 without
    /// leading zeros, or IPv6 (with `::`, an embedded IPv4 tail and an optional `%zone`).
    static func addressError(_ text: Substring) -> String? {
        for character in text.utf8 {
            switch character {
            case UInt8(ascii: "."): return ipv4Error(text)
            case UInt8(ascii: ":"): return ipv6Error(text)
            case UInt8(ascii: "%"): return "missing IPv6 address"
            default: continue
            }
        }
        return "unable to parse IP"
    }

    static func addressError(_ text: String) -> String? { addressError(Substring(text)) }

    /// True when a `.` comes before any `:` (Go picks the IPv4 parser then).
    private static func isIPv4First(_ text: Substring) -> Bool {
        for character in text.utf8 {
            if character == UInt8(ascii: ".") { return true }
            if character == UInt8(ascii: ":") { return false }
        }
        return false
    }

    private static func ipv4Error(_ text: Substring) -> String? {
        let fields = text.split(separator: ".", omittingEmptySubsequences: false)
        guard fields.count == 4 else { return "IPv4 address must have 4 fields" }
        for field in fields {
            guard !field.isEmpty else { return "IPv4 field must have at least one digit" }
            guard field.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                return "unexpected character"
            }
            guard field.count == 1 || field.first != "0" else { return "IPv4 field has octet with leading zero" }
            guard field.count <= 3, let value = Int(field), value <= 255 else { return "IPv4 field has value >255" }
        }
        return nil
    }

    /// Go's `parseIPv6`, step by step (its error texts included).
    private static func ipv6Error(_ input: Substring) -> String? {
        var rest = input
        if let percent = rest.firstIndex(of: "%") {
            if rest[rest.index(after: percent)...].isEmpty { return "zone must be a non-empty string" }
            rest = rest[..<percent]
        }
        var bytes = Array(rest.utf8)[...]
        var ellipsis = -1
        if bytes.count >= 2, bytes[bytes.startIndex] == UInt8(ascii: ":"), bytes[bytes.startIndex + 1] == UInt8(ascii: ":") {
            ellipsis = 0
            bytes = bytes.dropFirst(2)
            if bytes.isEmpty { return nil }
        }
        var filled = 0
        while filled < 16 {
            var digits = 0
            while digits < bytes.count, isHexDigit(bytes[bytes.startIndex + digits]) {
                digits += 1
                if digits > 4 { return "each group must have 4 or less digits" }
            }
            if digits == 0 { return "each colon-separated field must have at least one digit" }
            if digits < bytes.count, bytes[bytes.startIndex + digits] == UInt8(ascii: ".") {
                if ellipsis < 0 && filled != 12 { return "embedded IPv4 address must replace the final 2 fields of the address" }
                if filled + 4 > 16 { return "too many hex fields to fit an embedded IPv4 at the end of the address" }
                if let error = ipv4Error(Substring(decoding: bytes, as: UTF8.self)) { return error }
                bytes = bytes.dropFirst(bytes.count)
                filled += 4
                break
            }
            filled += 2
            bytes = bytes.dropFirst(digits)
            if bytes.isEmpty { break }
            guard bytes.first == UInt8(ascii: ":") else { return "unexpected character, want colon" }
            guard bytes.count > 1 else { return "colon must be followed by more characters" }
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: ":") {
                if ellipsis >= 0 { return "multiple :: in address" }
                ellipsis = filled
                bytes = bytes.dropFirst()
                if bytes.isEmpty { break }
            }
        }
        if !bytes.isEmpty { return "trailing garbage after address" }
        if filled < 16 {
            if ellipsis < 0 { return "address string too short" }
        } else if ellipsis >= 0 {
            return "the :: must expand to at least one field of zeros"
        }
        return nil
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }

    // MARK: Path templates

    /// The path template operator matching one segment.
    public static let matchOneTemplate = "{*}"
    /// The path template operator matching zero or more segments.
    public static let matchAnyTemplate = "{**}"

    /// istiod's `CheckValidPathTemplate` for one `paths`/`notPaths` value. Every path is checked,
    /// template or not: after trimming the slashes at both ends, each segment is `{*}`, `{**}` (no
    /// operator after `{**}`), or has no `{`/`}`; in a path with an operator, every other segment
    /// must be a plain URI segment (RFC 3986 pchars: no `*`, no empty segment).
    public static func pathTemplateError(_ path: String, field: String = "Paths") -> String? {
        let isTemplate = path.contains(matchOneTemplate) || path.contains(matchAnyTemplate)
        let trimmed = path.trimmingSlashes
        var sawMatchAny = false
        for segment in trimmed.split(separator: "/", omittingEmptySubsequences: false) {
            if segment == matchOneTemplate || segment == matchAnyTemplate {
                if sawMatchAny {
                    return "invalid or unsupported path \(trimmed), found in \(field). {**} is not the last operator"
                }
                sawMatchAny = segment == matchAnyTemplate
                continue
            }
            if segment.containsASCII("{") || segment.containsASCII("}") {
                return "invalid or unsupported path \(trimmed), found in \(field). "
                    + "Contains '{' or '}' beyond a supported path template"
            }
            if isTemplate && !isPathLiteral(segment) {
                return "invalid or unsupported path \(trimmed), found in \(field). "
                    + "Contains segment \(segment) with invalid string literal"
            }
        }
        return nil
    }

    /// True for a non-empty segment of RFC 3986 pchars (`[a-zA-Z0-9-._~%!$&'()+,;:@=]+`), the literal
    /// istiod allows beside a path template operator.
    static func isPathLiteral(_ segment: Substring) -> Bool {
        !segment.isEmpty && segment.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                "-._~%!$&'()+,;:@=".utf8.contains(byte)
            }
        }
    }

    // MARK: Header names

    /// istiod's `ValidateStrictHTTPHeaderName`, which `outputClaimToHeaders[].header` must pass:
    /// letters, digits and `-` only (stricter than HTTP; the CRD's own pattern also allows `_`,
    /// which recent istiod rejects).
    public static func headerNameError(_ name: String) -> String? {
        if name.isEmpty { return "header name cannot be empty" }
        let valid = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
        return valid ? nil : "header name \(name) is not a valid header name"
    }

    // MARK: JWKS URIs

    /// The check the RequestAuthentication CRD (`url(self).getScheme() in ["http", "https"]`) and
    /// istiod's `ParseJwksURI` make of `jwksUri`: its scheme, as Go's `url.Parse` reads it (letters,
    /// then letters, digits, `+`, `-`, `.`, up to `:`; compared in lower case), is http or https.
    public static func jwksURIError(_ uri: String) -> String? {
        var scheme = ""
        for (offset, byte) in uri.utf8.enumerated() {
            let isLetter = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            let isSchemeCharacter = (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            if isLetter || (isSchemeCharacter && offset > 0) { continue }
            if byte == UInt8(ascii: ":") && offset > 0 { scheme = String(uri.prefix(offset)).lowercased() }
            break
        }
        return scheme == "http" || scheme == "https" ? nil : "url must have scheme http:// or https://"
    }

    // MARK: Service accounts

    /// The most values `serviceAccounts`, `notServiceAccounts` and `source.serviceAccount` take.
    public static let maxServiceAccounts = 16

    /// istiod's `CheckServiceAccount` for one value: `name` or `namespace/name`, no wildcard,
    /// at most 320 bytes.
    public static func serviceAccountError(_ value: String, field: String) -> String? {
        if value.isEmpty { return "empty value not allowed, found in \(field)" }
        if value.containsASCII("*") { return "wildcard not allowed, found in \(field)" }
        let slashes = value.filter { $0 == "/" }.count
        if slashes > 1 {
            return "expected format 'serviceAccount' or 'namespace/serviceAccount', found \"\(value)\" in \(field)"
        }
        if value.utf8.count > 320 { return "value cannot exceed 320 characters, found \"\(value)\" in \(field)" }
        if slashes == 1 {
            let parts = value.split(separator: "/", omittingEmptySubsequences: false)
            if parts[0].isEmpty {
                return "expected format 'serviceAccount' or 'namespace/serviceAccount', found empty namespace \"\(value)\" in \(field)"
            }
            if parts[1].isEmpty {
                return "expected format 'serviceAccount' or 'namespace/serviceAccount', found empty serviceAccount \"\(value)\" in \(field)"
            }
        }
        return nil
    }

    // MARK: Condition attributes

    /// What istiod's `ValidateAttribute` checks about a `when` value.
    public enum AttributeValues: Sendable, Equatable {
        /// Any non-empty string.
        case any
        /// IP addresses or CIDR ranges (`source.ip`, `remote.ip`, `destination.ip`).
        case ipBlocks
        /// Ports (`destination.port`).
        case ports
        /// Service accounts (`source.serviceAccount`).
        case serviceAccounts
    }

    /// istiod's `ValidateAttribute` for a `when` key: the values it expects, or its error for a key
    /// it rejects (an unknown or retired attribute, or a map key not of the form `a[b]`).
    public static func attribute(_ key: String) -> Result<AttributeValues, AttributeError> {
        func mapKey() -> Result<AttributeValues, AttributeError> {
            isMapKey(key) ? .success(.any) : .failure(AttributeError("bad key (\(key)): should have format a[b]"))
        }
        switch key {
        case _ where key.hasPrefix("request.headers"): return mapKey()
        case _ where key.hasPrefix("request.experimental.inline.headers"): return mapKey()
        case "source.ip", "remote.ip", "destination.ip": return .success(.ipBlocks)
        case "source.serviceAccount": return .success(.serviceAccounts)
        case "source.namespace", "source.principal", "request.auth.principal", "request.auth.audiences",
             "request.auth.presenter", "connection.sni":
            return .success(.any)
        // Accepted by the newest Istio; older releases reject it (see `attributeIntroduced`).
        case "source.trustDomain": return .success(.any)
        case _ where key.hasPrefix("request.auth.claims"): return mapKey()
        case "destination.port": return .success(.ports)
        case _ where key.hasPrefix("experimental.envoy.filters."): return mapKey()
        case "destination.namespace": return .failure(AttributeError("attribute \(key) is replaced by the metadata.namespace"))
        case _ where key.hasPrefix("destination.labels"):
            return .failure(AttributeError("attribute \(key) is replaced by the workload selector"))
        case "destination.name", "destination.user":
            return .failure(AttributeError("deprecated attribute \(key): only supported in v1alpha1"))
        default: return .failure(AttributeError("unknown attribute: \(key)"))
        }
    }

    /// `when` keys newer than Istio's first ambient GA release: the release whose webhook first
    /// accepts each, and the release whose proxies first enforce it. `source.trustDomain`:
    /// istio/istio `pkg/config/security/security.go` `ValidateAttribute` accepts it from 1.30.0;
    /// the Envoy side (`pilot/pkg/security/authz/model/model.go`, istio/istio#59358) from 1.31.0;
    /// ztunnel never (it is not among ambient's L4 `when` attributes).
    public static let attributeIntroduced: [String: (accepted: ReleaseVersion, enforced: ReleaseVersion)] = [
        "source.trustDomain": (ReleaseVersion(major: 1, minor: 30, patch: 0), ReleaseVersion(major: 1, minor: 31, patch: 0)),
    ]

    /// istiod's error about one `when` value of an attribute that expects `kind`, or nil.
    public static func attributeValueError(_ value: String, of kind: AttributeValues, key: String) -> String? {
        if value.isEmpty { return "empty value not allowed, found in \(key)" }
        switch kind {
        case .any: return nil
        case .ipBlocks: return ipBlockError(value)
        case .ports: return portError(value)
        case .serviceAccounts: return serviceAccountError(value, field: key)
        }
    }

    /// `a[b]` with a non-empty `a` and `b` (istiod's `validateMapKey`).
    static func isMapKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard let open = bytes.firstIndex(of: UInt8(ascii: "[")) else { return false }
        return bytes.last == UInt8(ascii: "]") && open > 0 && open < bytes.count - 2
    }

    // MARK: YAML scalars

    /// True for a plain (unquoted, untagged) YAML scalar that Kubernetes' YAML reader turns into a
    /// number, not a string: `8080`, `-1`, `1.5`, `1e3`. A field of strings rejects it ("must be of
    /// type string"), which is what happens to `ports: [8080]`.
    public static func isYAMLNumber(_ node: Node) -> Bool {
        guard node.kind == .scalar, node.style == .plain, node.tag == nil, let text = node.scalar else { return false }
        var body = Substring(text)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        guard !body.isEmpty else { return false }
        var sawDigit = false, sawDot = false, sawExponent = false
        var index = body.startIndex
        while index < body.endIndex {
            let character = body[index]
            if character.isASCII, character.isNumber {
                sawDigit = true
            } else if character == "." && !sawDot && !sawExponent {
                sawDot = true
            } else if (character == "e" || character == "E") && sawDigit && !sawExponent {
                sawExponent = true
                let next = body.index(after: index)
                if next < body.endIndex, body[next] == "+" || body[next] == "-" { index = next }
                let digit = body.index(after: index)
                guard digit < body.endIndex, body[digit].isASCII, body[digit].isNumber else { return false }
            } else {
                return false
            }
            index = body.index(after: index)
        }
        return sawDigit
    }
}

/// istiod's reason for rejecting a `when` key.
public struct AttributeError: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

extension String {
    /// The string without `/` at either end (Go's `strings.Trim(path, "/")`).
    fileprivate var trimmingSlashes: String {
        var text = Substring(self)
        while text.first == "/" { text = text.dropFirst() }
        while text.last == "/" { text = text.dropLast() }
        return String(text)
    }
}

extension PolicyValidation {
    /// A Go duration (`1.5s`, `2m30s`, `300ms`) in seconds; nil when it is not one (the API server
    /// parses `timeout`-like fields with Go's `time.ParseDuration`).
    public static func goDurationSeconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("μs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        if rest == "0" { return 0 }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            total += value * unit.1
            rest = rest.dropFirst(unit.0.count)
        }
        return total
    }
}

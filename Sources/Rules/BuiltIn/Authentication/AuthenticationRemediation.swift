import YAMLModel

/// Building blocks of the Authentication rules' fixes and messages: YAML they can print with the
/// real names filled in, so a finding's remediation can be pasted as it is.
enum AuthenticationRemediation {
    /// One `targetRefs` entry to print.
    struct Ref: Equatable {
        let kind: String
        let group: String
        let name: String

        static func gateway(_ name: String) -> Ref { Ref(kind: "Gateway", group: GroupKind.gateway.group, name: name) }
        static let waypointClass = Ref(kind: "GatewayClass", group: GroupKind.gatewayClass.group, name: WellKnown.waypointGatewayClass)

        /// A ref to a Service or ServiceEntry, by the object itself.
        static func object(_ resource: Resource) -> Ref { Ref(kind: resource.kind, group: resource.group, name: resource.name) }

        /// The same reference as a policy's `targetRefs` entry (`core` written as the empty group).
        init(_ ref: PolicyTargetRef) {
            self.init(kind: ref.groupKind.kind, group: ref.groupKind.group, name: ref.nameValue)
        }

        init(kind: String, group: String, name: String) {
            self.kind = kind
            self.group = group
            self.name = name
        }
    }

    /// A YAML scalar: plain when that is safe, else double-quoted.
    static func scalar(_ text: String) -> String {
        // [A-Za-z0-9][A-Za-z0-9._/-]*, checked by bytes: a regex literal is compiled on every call.
        let plain = text.utf8.enumerated().allSatisfy { offset, byte in
            let alphanumeric = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            return alphanumeric || (offset > 0 && [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "/"), UInt8(ascii: "-")].contains(byte))
        } && !text.isEmpty
        if plain, !["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"].contains(text.lowercased()),
           Double(text) == nil {
            return text
        }
        return doubleQuoted(text)
    }

    /// A YAML double-quoted scalar: backslashes and quotes escaped (by hand: StringProcessing's
    /// `replacing` was a visible share of the rules' time).
    static func doubleQuoted(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") }) else { return "\"" + text + "\"" }
        var escaped = "\""
        for character in text {
            if character == "\\" || character == "\"" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "\""
    }

    /// `targetRefs:` and its entries, indented under `spec:`.
    static func targetRefs(_ refs: [Ref]) -> String {
        "  targetRefs:\n" + refs.map { ref in
            "  - kind: \(ref.kind)\n    group: \(ref.group.isEmpty ? "\"\"" : scalar(ref.group))\n    name: \(scalar(ref.name))\n"
        }.joined()
    }

    /// `jwtRules:` with the issuer, key set and audiences of `policy`'s rules, or an example to edit.
    static func jwtRules(from policy: RequestAuthenticationView?) -> String {
        let rules = policy?.jwtRules ?? []
        guard !rules.isEmpty else {
            return """
                  jwtRules:
                  - issuer: "https://issuer.example.com"
                    jwksUri: "https://issuer.example.com/.well-known/jwks.json"
                    audiences: ["my-api"]

                """
        }
        var text = "  jwtRules:\n"
        for rule in rules {
            var fields: [String] = []
            if let issuer = rule.issuer { fields.append("issuer: \(scalar(issuer.value))") }
            if let jwksUri = rule.jwksUri { fields.append("jwksUri: \(scalar(jwksUri.value))") }
            if !rule.audiences.isEmpty { fields.append("audiences: [\(rule.audiences.map { scalar($0.value) }.joined(separator: ", "))]") }
            if fields.isEmpty { fields.append("issuer: \"https://issuer.example.com\"") }
            let printed: Set<String> = ["issuer", "jwksUri", "audiences"]
            let others = rule.node.pairs.compactMap(\.key.scalar).filter { !printed.contains($0) }
            if !others.isEmpty { fields.append("# and keep: \(others.joined(separator: ", "))") }
            text += "  - " + fields.joined(separator: "\n    ") + "\n"
        }
        return text
    }

    /// A RequestAuthentication with `targetRefs`, for the waypoint to enforce.
    static func requestAuthentication(name: String, namespace: String, refs: [Ref], jwtRulesFrom policy: RequestAuthenticationView?) -> String {
        """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata:
          name: \(scalar(name))
          namespace: \(scalar(namespace))
        spec:

        """ + targetRefs(refs) + jwtRules(from: policy)
    }

    /// The DENY policy that turns away requests without a valid token where `refs` reach.
    static func requireToken(name: String, namespace: String, refs: [Ref]) -> String {
        """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: \(scalar(name))
          namespace: \(scalar(namespace))
        spec:

        """ + targetRefs(refs) + """
          action: DENY
          rules:
          - from:
            - source:
                notRequestPrincipals: ["*"]
        """
    }

    /// `A`, `A and B`, `A, B and C`, `A, B, C and 2 more`.
    static func list(_ items: [String], limit: Int = 3) -> String {
        let shown = Array(items.prefix(limit))
        let rest = items.count - shown.count
        if rest > 0 { return shown.joined(separator: ", ") + " and \(rest) more" }
        guard shown.count > 1 else { return shown.first ?? "" }
        return shown.dropLast().joined(separator: ", ") + " and " + shown[shown.count - 1]
    }

    /// Where a resource asks for its waypoint: its own `istio.io/use-waypoint` label, else its name.
    static func bindingSpan(of resource: Resource, in index: MeshIndex) -> Span {
        let binding = index.binding(of: resource)
        if let request = binding.request, request.source == .ownLabel { return request.label.entrySpan }
        return resource.nameSpan
    }

    /// How the scope of a ztunnel-enforced policy reads in a message.
    static func describe(_ scope: PolicyAttachment.Scope) -> String {
        switch scope {
        case .workloadSelector: "uses a selector"
        case .namespace: "has neither selector nor targetRefs (namespace-wide)"
        case .mesh: "has neither selector nor targetRefs (mesh-wide, in the root namespace)"
        case .targetRefs: "uses targetRefs"
        case .selectorAndTargetRefs: "sets both selector and targetRefs"
        }
    }
}

/// One reason a security policy never takes effect as written: the API server (the CRD's schema and
/// CEL rules) or istiod's validating webhook rejects it, or istiod reads an empty list as absent.
///
/// A rejected policy is never stored, so nothing enforces it; in an ambient mesh that is a silent
/// gap unless someone reads the apply or sync error. Each issue keeps the validator's own words and
/// the span of the key or value at fault.
public struct PolicyValidationIssue: Sendable {
    /// Who refuses the policy.
    public enum Validator: Sendable, Equatable {
        /// The API server, from the CRD's OpenAPI schema and CEL rules (`kubectl apply` fails).
        case apiServer
        /// istiod's validating webhook (`validation.istio.io`).
        case istiod
    }

    public enum Effect: Sendable, Equatable {
        /// The whole policy is refused.
        case rejected(Validator)
        /// The value is accepted but read as absent: istiod's JSON decoding drops an empty list, so
        /// `from: []` is no `from` at all (any source) and its "must not be empty" check never fires.
        case readAsAbsent
    }

    /// What the issue is about; rules choose their fix by it.
    public enum Subject: String, Sendable {
        case action, provider, rules, from, to, source, operation, condition, conditionKey, conditionValue
        case serviceAccounts, ipBlock, port, path, emptyValue, notAString, notAnObject, customUnsupported
        case selector, dryRun
        case jwtRule, issuer, jwks, jwksUri, audience, tokenLocation, claimToHeader, spaceDelimitedClaim
        case portLevelMtls, portLevelPort, mtlsMode
    }

    public let subject: Subject
    public let effect: Effect
    /// The key or value at fault.
    public let span: Span
    /// The validator's own error text.
    public let error: String
    /// The offending value, when there is one.
    public let value: String?
    /// The rule (`spec.rules`) or JWT rule (`spec.jwtRules`) the issue is in, from 0.
    public let ruleIndex: Int?

    public init(
        _ subject: Subject, _ effect: Effect, at span: Span, error: String, value: String? = nil, ruleIndex: Int? = nil
    ) {
        self.subject = subject
        self.effect = effect
        self.span = span
        self.error = error
        self.value = value
        self.ruleIndex = ruleIndex
    }
}

// MARK: - AuthorizationPolicy

extension AuthorizationPolicyView {
    /// Everything istiod's `ValidateAuthorizationPolicy` and the AuthorizationPolicy CRD reject,
    /// plus the empty `from`/`to` lists istiod reads as absent. Target references
    /// are checked by `MeshIndex.targetProblems(of:)`.
    public var validationIssues: [PolicyValidationIssue] {
        guard let spec, spec.kind == .mapping else { return [] }
        var issues = PolicyIssueCollector(resource: resource)
        issues.checkSelector(in: spec)

        // The action: absent means ALLOW; the CRD's enum rejects anything else.
        var action: Action? = .allow
        if let node = spec["action"], !node.isNull {
            action = node.string.flatMap(Action.init(rawValue:))
            if action == nil {
                issues.add(.action, .rejected(.apiServer), at: node.span, value: node.scalar,
                           error: "Unsupported value: \"\(node.scalar ?? "")\": supported values: \"ALLOW\", \"DENY\", \"AUDIT\", \"CUSTOM\"")
            }
        }
        issues.checkDryRun(of: self, action: action)

        let rules = spec["rules"].flatMap { $0.isNull ? nil : $0 }?.items ?? []
        let actionSpan = spec["action"]?.span ?? resource.nameSpan
        let provider = spec.pair("provider").flatMap { $0.value.isNull ? nil : $0 }
        if action == .custom {
            if rules.isEmpty {
                issues.add(.rules, .rejected(.istiod), at: actionSpan, value: "CUSTOM",
                           error: "CUSTOM action without `rules` is meaningless as it will never be triggered, "
                               + "add an empty rule `{}` if you want it be triggered for every request")
            } else if (provider?.value["name"]?.string ?? "").isEmpty {
                issues.add(.provider, .rejected(.istiod), at: provider?.key.span ?? actionSpan,
                           error: "`provider.name` must not be empty")
            }
        }
        if let provider, let action, action != .custom {
            issues.add(.provider, .rejected(.istiod), at: provider.key.span, value: action.rawValue,
                       error: "`provider` must not be with non CUSTOM action, found \(action.rawValue)")
        }
        if action == .deny && rules.isEmpty {
            issues.add(.rules, .rejected(.istiod), at: actionSpan, value: "DENY",
                       error: "DENY action without `rules` is meaningless as it will never be triggered, "
                           + "add an empty rule `{}` if you want it be triggered for every request")
        }
        for (index, rule) in issues.objects(spec["rules"], path: "spec.rules") {
            issues.checkRule(rule, index: index, custom: action == .custom)
        }
        return issues.issues
    }
}

// MARK: - RequestAuthentication

extension RequestAuthenticationView {
    /// Everything istiod's `ValidateRequestAuthentication` and the RequestAuthentication CRD reject
    /// in the selector and the JWT rules. Target references are checked by
    /// `MeshIndex.targetProblems(of:)`.
    public var validationIssues: [PolicyValidationIssue] {
        guard let spec, spec.kind == .mapping else { return [] }
        var issues = PolicyIssueCollector(resource: resource)
        issues.checkSelector(in: spec)
        issues.checkDryRunUnsupported(on: resource)
        for (index, rule) in issues.objects(spec["jwtRules"], path: "spec.jwtRules") {
            issues.checkJWTRule(rule, index: index)
        }
        return issues.issues
    }
}

// MARK: - PeerAuthentication

extension PeerAuthenticationView {
    /// The mTLS modes ztunnel and the CRD accept.
    public static let mtlsModes = ["UNSET", "DISABLE", "PERMISSIVE", "STRICT"]

    /// Everything istiod's `ValidatePeerAuthentication` and the PeerAuthentication CRD reject.
    public var validationIssues: [PolicyValidationIssue] {
        guard let spec, spec.kind == .mapping else { return [] }
        var issues = PolicyIssueCollector(resource: resource)
        issues.checkSelector(in: spec)
        issues.checkDryRunUnsupported(on: resource)
        issues.checkMode(spec["mtls"]?["mode"], path: "spec.mtls.mode")
        guard let portLevel = spec.pair("portLevelMtls"), !portLevel.value.isNull else { return issues.issues }
        if (spec["selector"]?["matchLabels"]?.count ?? 0) == 0 {
            issues.add(.portLevelMtls, .rejected(.apiServer), at: portLevel.key.span,
                       error: "portLevelMtls requires selector")
        }
        if portLevel.value.kind == .mapping && portLevel.value.count == 0 {
            issues.add(.portLevelMtls, .rejected(.apiServer), at: portLevel.key.span,
                       error: "spec.portLevelMtls in body should have at least 1 properties")
        }
        for pair in portLevel.value.pairs {
            let port = pair.key.scalar ?? ""
            if let number = Int(port) {
                if !(1...65535).contains(number) {
                    issues.add(.portLevelPort, .rejected(.apiServer), at: pair.key.span, value: port,
                               error: "port must be between 1-65535")
                }
            } else {
                issues.add(.portLevelPort, .rejected(.apiServer), at: pair.key.span, value: port,
                           error: "type conversion error from 'string' to 'int' (\"\(port)\" is not a port number)")
            }
            issues.checkMode(pair.value["mode"], path: "spec.portLevelMtls[\(port)].mode")
        }
        return issues.issues
    }
}

// MARK: - The checks

/// Collects issues while walking one policy's spec.
struct PolicyIssueCollector {
    let resource: Resource
    private(set) var issues: [PolicyValidationIssue] = []

    init(resource: Resource) { self.resource = resource }

    mutating func add(
        _ subject: PolicyValidationIssue.Subject, _ effect: PolicyValidationIssue.Effect, at span: Span,
        value: String? = nil, rule: Int? = nil, error: String
    ) {
        issues.append(PolicyValidationIssue(subject, effect, at: span, error: error, value: value, ruleIndex: rule))
    }

    /// The items of a list of objects; an item that is not a mapping (`- ~`) is an issue of its own.
    mutating func objects(_ list: Node?, path: String) -> [(Int, Node)] {
        guard let list, !list.isNull else { return [] }
        var result: [(Int, Node)] = []
        for (index, item) in list.items.enumerated() {
            if item.kind == .mapping {
                result.append((index, item))
            } else {
                add(.notAnObject, .rejected(.apiServer), at: item.span,
                    error: "\(path)[\(index)] in body must be of type object")
            }
        }
        return result
    }

    /// The string items of a list; a YAML number (`8080` unquoted) is an issue of its own.
    mutating func strings(_ list: Node?, path: String) -> [Spanned<String>] {
        guard let list, !list.isNull else { return [] }
        var result: [Spanned<String>] = []
        for (index, item) in list.items.enumerated() {
            if PolicyValidation.isYAMLNumber(item) {
                add(.notAString, .rejected(.apiServer), at: item.span, value: item.scalar,
                    error: "\(path)[\(index)] in body must be of type string: \"\(item.scalar ?? "")\" is a number")
            } else if let text = item.string {
                result.append(Spanned(text, span: item.span))
            }
        }
        return result
    }

    // MARK: Selector and annotations

    /// `selector.matchLabels`: no empty key, no wildcard (the CRD's CEL rules and istiod's
    /// `validateWorkloadSelector`).
    mutating func checkSelector(in spec: Node) {
        for entry in spec["selector"]?["matchLabels"]?.stringMap ?? [] {
            if entry.key.isEmpty {
                add(.selector, .rejected(.apiServer), at: entry.entrySpan, error: "key must not be empty")
            } else if entry.key.containsASCII("*") {
                add(.selector, .rejected(.apiServer), at: entry.keySpan, value: entry.key,
                    error: "wildcard not allowed in label key match")
            } else if entry.value.containsASCII("*") {
                add(.selector, .rejected(.apiServer), at: entry.valueSpan, value: entry.value,
                    error: "wildcard not allowed in label value match")
            }
        }
    }

    /// `istio.io/dry-run` on an AuthorizationPolicy: only with ALLOW or DENY, and a Go boolean.
    mutating func checkDryRun(of policy: AuthorizationPolicyView, action: AuthorizationPolicyView.Action?) {
        guard let annotation = resource.annotations[WellKnown.dryRunAnnotation], let action else { return }
        let name = "\(resource.namespace ?? "default")/\(resource.name)"
        if action != .allow && action != .deny {
            add(.dryRun, .rejected(.istiod), at: annotation.entrySpan, value: action.rawValue,
                error: "the annotation \(WellKnown.dryRunAnnotation) currently only supports action ALLOW/DENY, "
                    + "found action \(action.rawValue) in \(name)")
        } else if !Self.goBooleans.contains(annotation.value) {
            add(.dryRun, .rejected(.istiod), at: annotation.valueSpan, value: annotation.value,
                error: "\(name) has annotation \(WellKnown.dryRunAnnotation) with invalid value (\(annotation.value)): "
                    + "strconv.ParseBool: parsing \"\(annotation.value)\": invalid syntax")
        }
    }

    /// What Go's `strconv.ParseBool` accepts.
    static let goBooleans: Set<String> = ["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"]

    /// `istio.io/dry-run` on anything but an AuthorizationPolicy is refused.
    mutating func checkDryRunUnsupported(on resource: Resource) {
        guard let annotation = resource.annotations[WellKnown.dryRunAnnotation] else { return }
        add(.dryRun, .rejected(.istiod), at: annotation.entrySpan,
            error: "\(resource.namespace ?? "default")/\(resource.name) has unsupported annotation "
                + "\(WellKnown.dryRunAnnotation), please remove the annotation")
    }

    // MARK: AuthorizationPolicy rules

    /// The fields of a `source`, with the names istiod's errors use.
    static let sourceFields: [(key: String, goName: String)] = [
        ("principals", "Principals"), ("notPrincipals", "NotPrincipals"),
        ("requestPrincipals", "RequestPrincipals"), ("notRequestPrincipals", "NotRequestPrincipals"),
        ("namespaces", "Namespaces"), ("notNamespaces", "NotNamespaces"),
        ("ipBlocks", "IpBlocks"), ("notIpBlocks", "NotIpBlocks"),
        ("remoteIpBlocks", "RemoteIpBlocks"), ("notRemoteIpBlocks", "NotRemoteIpBlocks"),
        ("serviceAccounts", "ServiceAccounts"), ("notServiceAccounts", "NotServiceAccounts"),
    ]
    /// The fields of an `operation`, with the names istiod's errors use.
    static let operationFields: [(key: String, goName: String)] = [
        ("hosts", "Hosts"), ("notHosts", "NotHosts"), ("ports", "Ports"), ("notPorts", "NotPorts"),
        ("methods", "Methods"), ("notMethods", "NotMethods"), ("paths", "Paths"), ("notPaths", "NotPaths"),
    ]
    /// Source fields a CUSTOM policy may not use.
    static let customUnsupportedSourceFields: Set<String> = [
        "namespaces", "notNamespaces", "serviceAccounts", "notServiceAccounts", "principals", "notPrincipals",
        "requestPrincipals", "notRequestPrincipals",
    ]

    mutating func checkRule(_ rule: Node, index: Int, custom: Bool) {
        let path = "spec.rules[\(index)]"
        if let from = rule.pair("from"), from.value.kind == .sequence, from.value.count == 0 {
            add(.from, .readAsAbsent, at: from.key.span, rule: index, error: "`from` must not be empty, found at rule \(index)")
        }
        for (entryIndex, entry) in objects(rule["from"], path: "\(path).from") {
            guard let source = entry.pair("source"), !source.value.isNull else {
                add(.source, .rejected(.istiod), at: entry.span, rule: index,
                    error: "`from.source` must not be nil, found at rule \(index)")
                continue
            }
            checkSource(source, path: "\(path).from[\(entryIndex)].source", rule: index, custom: custom)
        }
        if let to = rule.pair("to"), to.value.kind == .sequence, to.value.count == 0 {
            add(.to, .readAsAbsent, at: to.key.span, rule: index, error: "`to` must not be empty, found at rule \(index)")
        }
        for (entryIndex, entry) in objects(rule["to"], path: "\(path).to") {
            guard let operation = entry.pair("operation"), !operation.value.isNull else {
                add(.operation, .rejected(.istiod), at: entry.span, rule: index,
                    error: "`to.operation` must not be nil, found at rule \(index)")
                continue
            }
            checkOperation(operation, path: "\(path).to[\(entryIndex)].operation", rule: index)
        }
        for (conditionIndex, condition) in objects(rule["when"], path: "\(path).when") {
            checkCondition(condition, path: "\(path).when[\(conditionIndex)]", rule: index, custom: custom)
        }
    }

    private mutating func checkSource(_ source: Node.Pair, path: String, rule: Int, custom: Bool) {
        let node = source.value
        var count = 0
        for (key, goName) in Self.sourceFields {
            guard let field = node.pair(key), !field.value.isNull else { continue }
            let values = strings(field.value, path: "\(path).\(key)")
            count += field.value.count
            if custom && Self.customUnsupportedSourceFields.contains(key) && field.value.count > 0 {
                add(.customUnsupported, .rejected(.istiod), at: field.key.span, value: key, rule: rule,
                    error: "From.\(goName) is currently not supported with CUSTOM action")
            }
            if key.hasSuffix("erviceAccounts") {
                if field.value.count > PolicyValidation.maxServiceAccounts {
                    add(.serviceAccounts, .rejected(.apiServer), at: field.key.span, value: key, rule: rule,
                        error: "\(path).\(key): Too many: \(field.value.count): must have at most "
                            + "\(PolicyValidation.maxServiceAccounts) items")
                }
                for value in values {
                    if let error = PolicyValidation.serviceAccountError(value.value, field: goName) {
                        add(.serviceAccounts, .rejected(.istiod), at: value.span, value: value.value, rule: rule, error: error)
                    }
                }
                continue
            }
            for value in values {
                if value.value.isEmpty {
                    add(.emptyValue, .rejected(.istiod), at: value.span, value: key, rule: rule,
                        error: "empty value not allowed, found in \(goName)")
                } else if key.hasSuffix("pBlocks"), let error = PolicyValidation.ipBlockError(value.value) {
                    add(.ipBlock, .rejected(.istiod), at: value.span, value: value.value, rule: rule, error: error)
                }
            }
        }
        // The CRD's CEL rule counts fields that are present, even empty ones.
        let accountsKey = ["serviceAccounts", "notServiceAccounts"].first { node.pair($0).map { !$0.value.isNull } ?? false }
        let identities = ["principals", "notPrincipals", "namespaces", "notNamespaces"].contains {
            node.pair($0).map { !$0.value.isNull } ?? false
        }
        if let accountsKey, identities, let pair = node.pair(accountsKey) {
            add(.serviceAccounts, .rejected(.apiServer), at: pair.key.span, value: accountsKey, rule: rule,
                error: "Cannot set serviceAccounts with namespaces or principals")
        }
        if count == 0 {
            let known = Set(Self.sourceFields.map(\.key))
            let unknown = node.pairs.compactMap(\.key.scalar).filter { !known.contains($0) }
            let note = unknown.isEmpty ? "" : " (\(unknown.joined(separator: ", ")) is not a field of a source)"
            add(.source, .rejected(.istiod), at: source.key.span, rule: rule,
                error: "`from.source` must not be empty, found at rule \(rule)\(note)")
        }
    }

    private mutating func checkOperation(_ operation: Node.Pair, path: String, rule: Int) {
        let node = operation.value
        var count = 0
        for (key, goName) in Self.operationFields {
            guard let field = node.pair(key), !field.value.isNull else { continue }
            count += field.value.count
            for value in strings(field.value, path: "\(path).\(key)") {
                if value.value.isEmpty {
                    add(.emptyValue, .rejected(.istiod), at: value.span, value: key, rule: rule,
                        error: "empty value not allowed, found in \(goName)")
                } else if key.hasSuffix("orts"), let error = PolicyValidation.portError(value.value) {
                    add(.port, .rejected(.istiod), at: value.span, value: value.value, rule: rule, error: error)
                } else if key.hasSuffix("aths"), let error = PolicyValidation.pathTemplateError(value.value, field: goName) {
                    add(.path, .rejected(.istiod), at: value.span, value: value.value, rule: rule, error: error)
                }
            }
        }
        if count == 0 {
            let known = Set(Self.operationFields.map(\.key))
            let unknown = node.pairs.compactMap(\.key.scalar).filter { !known.contains($0) }
            let note = unknown.isEmpty ? "" : " (\(unknown.joined(separator: ", ")) is not a field of an operation)"
            add(.operation, .rejected(.istiod), at: operation.key.span, rule: rule,
                error: "`to.operation` must not be empty, found at rule \(rule)\(note)")
        }
    }

    private mutating func checkCondition(_ condition: Node, path: String, rule: Int, custom: Bool) {
        guard let keyNode = condition["key"], !keyNode.isNull else {
            add(.condition, .rejected(.apiServer), at: condition.span, rule: rule, error: "\(path).key: Required value")
            return
        }
        let key = keyNode.string ?? ""
        if key.isEmpty {
            add(.conditionKey, .rejected(.istiod), at: keyNode.span, rule: rule, error: "`key` must not be empty")
            return
        }
        if custom && (["source.namespace", "source.serviceAccount", "source.principal"].contains(key) || key.hasPrefix("request.auth.")) {
            add(.customUnsupported, .rejected(.istiod), at: keyNode.span, value: key, rule: rule,
                error: "\(key) is currently not supported with CUSTOM action")
        }
        let values = strings(condition["values"], path: "\(path).values") + strings(condition["notValues"], path: "\(path).notValues")
        let listed = (condition["values"]?.count ?? 0) + (condition["notValues"]?.count ?? 0)
        guard listed > 0 else {
            add(.condition, .rejected(.istiod), at: keyNode.span, value: key, rule: rule,
                error: "at least one of `values` or `notValues` must be set for key \(key)")
            return
        }
        switch PolicyValidation.attribute(key) {
        case .failure(let error):
            add(.conditionKey, .rejected(.istiod), at: keyNode.span, value: key, rule: rule,
                error: "invalid `value` for `key` \(key): \(error.message)")
        case .success(let kind):
            for value in values {
                if let error = PolicyValidation.attributeValueError(value.value, of: kind, key: key) {
                    add(.conditionValue, .rejected(.istiod), at: value.span, value: value.value, rule: rule,
                        error: "invalid `value` for `key` \(key): \(error)")
                }
            }
            if kind == .serviceAccounts {
                for list in ["values", "notValues"] {
                    guard let pair = condition.pair(list), pair.value.count > PolicyValidation.maxServiceAccounts else { continue }
                    add(.conditionValue, .rejected(.istiod), at: pair.key.span, value: key, rule: rule,
                        error: "invalid `value` for `key` \(key): may not have more than 16 values")
                }
            }
        }
    }

    // MARK: RequestAuthentication JWT rules

    mutating func checkJWTRule(_ rule: Node, index: Int) {
        let path = "spec.jwtRules[\(index)]"
        let issuer = rule.pair("issuer").flatMap { $0.value.isNull ? nil : $0 }
        if let issuer, issuer.value.string == "" {
            add(.issuer, .rejected(.apiServer), at: issuer.value.span, rule: index,
                error: "\(path).issuer in body should be at least 1 chars long")
        }
        let keySources = ["jwksUri", "jwks_uri", "jwks"].compactMap { key in
            rule.pair(key).flatMap { $0.value.isNull ? nil : $0 }
        }.sorted { $0.key.span < $1.key.span }
        let hasJwksUri = keySources.contains { ($0.key.scalar == "jwksUri" || $0.key.scalar == "jwks_uri") && !($0.value.string ?? "").isEmpty }
        if issuer == nil && !hasJwksUri {
            add(.jwtRule, .rejected(.istiod), at: rule.span, rule: index, error: "issuer or jwksUri must be non-empty string")
        }
        for source in keySources where source.key.scalar != "jwks" {
            guard let uri = source.value.string else { continue }
            let key = source.key.scalar ?? "jwksUri"
            if uri.isEmpty {
                add(.jwksUri, .rejected(.apiServer), at: source.value.span, rule: index,
                    error: "\(path).\(key) in body should be at least 1 chars long")
            } else if let error = PolicyValidation.jwksURIError(uri) {
                add(.jwksUri, .rejected(.apiServer), at: source.value.span, value: uri, rule: index,
                    error: "\(path).\(key): \(error)")
            }
        }
        if keySources.count > 1 {
            add(.jwks, .rejected(.apiServer), at: keySources[1].key.span, value: keySources[1].key.scalar, rule: index,
                error: "only one of jwks or jwksUri can be set")
        }
        if let timeout = rule.pair("timeout"), let text = timeout.value.string,
           (PolicyValidation.goDurationSeconds(text) ?? 0) < 0.001 {
            add(.jwtRule, .rejected(.apiServer), at: timeout.value.span, value: text, rule: index,
                error: "\(path).timeout: must be a valid duration greater than 1ms")
        }
        for audience in strings(rule["audiences"], path: "\(path).audiences") where audience.value.isEmpty {
            add(.audience, .rejected(.istiod), at: audience.span, rule: index, error: "audience must be non-empty string")
        }
        for (headerIndex, header) in objects(rule["fromHeaders"], path: "\(path).fromHeaders") {
            guard let name = header["name"], !name.isNull else {
                add(.tokenLocation, .rejected(.apiServer), at: header.span, value: "fromHeaders", rule: index,
                    error: "\(path).fromHeaders[\(headerIndex)].name: Required value")
                continue
            }
            if name.string == "" {
                add(.tokenLocation, .rejected(.istiod), at: name.span, value: "fromHeaders", rule: index,
                    error: "location header name must be non-empty string")
            }
        }
        for parameter in strings(rule["fromParams"], path: "\(path).fromParams") where parameter.value.isEmpty {
            add(.tokenLocation, .rejected(.istiod), at: parameter.span, value: "fromParams", rule: index,
                error: "location query must be non-empty string")
        }
        for cookie in strings(rule["fromCookies"], path: "\(path).fromCookies") where cookie.value.isEmpty {
            add(.tokenLocation, .rejected(.istiod), at: cookie.span, value: "fromCookies", rule: index,
                error: "cookie name must be non-empty string")
        }
        for (outputIndex, output) in objects(rule["outputClaimToHeaders"], path: "\(path).outputClaimToHeaders") {
            let claim = output["claim"].flatMap { $0.isNull ? nil : $0 }
            let header = output["header"].flatMap { $0.isNull ? nil : $0 }
            guard let claim, let header else {
                add(.claimToHeader, .rejected(.apiServer), at: output.span, rule: index,
                    error: "\(path).outputClaimToHeaders[\(outputIndex)].\(claim == nil ? "claim" : "header"): Required value")
                continue
            }
            if claim.string == "" || header.string == "" {
                add(.claimToHeader, .rejected(.istiod), at: claim.string == "" ? claim.span : header.span, rule: index,
                    error: "outputClaimToHeaders header and claim value must be non-empty string")
            } else if let name = header.string, let error = PolicyValidation.headerNameError(name) {
                add(.claimToHeader, .rejected(.istiod), at: header.span, value: name, rule: index, error: error)
            }
        }
        for claim in strings(rule["spaceDelimitedClaims"], path: "\(path).spaceDelimitedClaims") where claim.value.isEmpty {
            add(.spaceDelimitedClaim, .rejected(.apiServer), at: claim.span, rule: index,
                error: "\(path).spaceDelimitedClaims in body should be at least 1 chars long")
        }
    }

    // MARK: PeerAuthentication modes

    mutating func checkMode(_ node: Node?, path: String) {
        guard let node, !node.isNull else { return }
        let mode = node.string ?? ""
        guard !PeerAuthenticationView.mtlsModes.contains(mode) else { return }
        add(.mtlsMode, .rejected(.apiServer), at: node.span, value: mode,
            error: "\(path): Unsupported value: \"\(mode)\": supported values: \"UNSET\", \"DISABLE\", \"PERMISSIVE\", \"STRICT\"")
    }
}

import Access
import Rules
import YAMLModel

/// `access: {to, request, onlyFrom, requireToken}`: only the listed callers may get the request
/// through, and (with `requireToken`) nobody without a token.
///
/// Answered by the `AccessEvaluator` for every caller the input has (each workload's identity, as
/// the access matrix lists them), plus an anonymous plaintext client and any other mesh identity.
struct AccessInvariant: Sendable {
    /// `<service>.<namespace>:<port>`.
    let to: String
    let method: String
    let path: String
    let host: String?
    let headers: [String: String]
    /// The token every caller presents; nil: none.
    let token: JWTClaims?
    /// `ns/sa` or `anonymous`; nil: any caller may (only `requireToken` is checked).
    let onlyFrom: Set<String>?
    let requireToken: Bool
    let message: String?

    var requestText: String { "\(method) \(path) on \(to)" + (token == nil ? "" : " with the given token") }

    /// The callers to try, by the names the access matrix uses.
    static func callers(in index: MeshIndex) -> [(name: String, caller: AccessCaller)] {
        let evaluator = AccessEvaluator(index: index)
        var callers: [(String, AccessCaller)] = [("anonymous", .anonymous)]
        var seen = Set<MeshIdentity>()
        for workload in index.workloads {
            if case .identity(let identity) = evaluator.caller(for: workload), seen.insert(identity).inserted {
                callers.append(("\(identity.namespace)/\(identity.serviceAccount)", .identity(identity)))
            }
        }
        callers.sort { $0.0 < $1.0 }
        callers.append(("any other mesh identity", .identity(AccessMatrix.otherIdentity)))
        return callers
    }

    func violations(in index: MeshIndex) -> [AccessViolation] {
        let evaluator = AccessEvaluator(index: index)
        let destination: AccessDestination
        do {
            destination = try AccessSpecification.destination(to, direct: false, index: index)
        } catch {
            return [AccessViolation(message: "The access invariant for \(requestText) cannot be checked: \(error).", trace: "", related: [])]
        }
        var violations: [AccessViolation] = []
        var withoutToken: [(String, AccessResult)] = []
        for (name, caller) in Self.callers(in: index) {
            var request = AccessRequest(
                caller: caller, destination: destination, method: method, path: path, host: host, headers: headers, token: token)
            let result: AccessResult
            do {
                result = try evaluator.evaluate(request)
            } catch {
                return [AccessViolation(message: "The access invariant for \(requestText) cannot be checked: \(error).", trace: "", related: [])]
            }
            if let onlyFrom, !onlyFrom.contains(name), result.decision == .allow {
                let only = onlyFrom.isEmpty ? "nobody" : onlyFrom.sorted().joined(separator: ", ")
                violations.append(AccessViolation(
                    message: "\(name) is allowed \(requestText), which only \(only) may send"
                        + (result.isUncertain ? " (uncertain: \(result.uncertainties.joined(separator: "; ")))" : "") + ".",
                    trace: result.trace.description, related: Self.related(result)))
            }
            if requireToken {
                if token != nil {
                    request.token = nil
                    if let plain = try? evaluator.evaluate(request), plain.decision == .allow { withoutToken.append((name, plain)) }
                } else if result.decision == .allow {
                    withoutToken.append((name, result))
                }
            }
        }
        if let (first, result) = withoutToken.first {
            violations.append(AccessViolation(
                message: "\(method) \(path) on \(to) is allowed without a token, from "
                    + withoutToken.map(\.0).joined(separator: ", ") + "; a valid token must be required.",
                trace: "(for \(first))\n" + result.trace.description, related: Self.related(result)))
        }
        return violations
    }

    /// The policy rules that let the request through, as related locations.
    private static func related(_ result: AccessResult) -> [RelatedLocation] {
        var seen = Set<String>()
        return result.trace.steps.compactMap { step in
            guard step.outcome == .matched, let file = step.file, let span = step.span,
                  seen.insert("\(file):\(span)").inserted else { return nil }
            return RelatedLocation(message: step.message, file: file, span: span, resource: nil)
        }
    }
}

/// A caller that gets through although the invariant says it must not, with its trace.
struct AccessViolation: Sendable {
    let message: String
    let trace: String
    let related: [RelatedLocation]
}

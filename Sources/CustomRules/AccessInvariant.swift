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

    /// A caller to try and the name findings give it.
    struct NamedCaller: Sendable {
        let name: String
        let caller: AccessCaller
    }

    /// The callers to try, by the names the access matrix uses; the same for every invariant of a scan.
    static func callers(in context: LintContext) -> [NamedCaller] {
        context.shared.value("AccessInvariant.callers") {
            callers(in: context.index).map { NamedCaller(name: $0.name, caller: $0.caller) }
        }
    }

    /// The callers to try, by the names the access matrix uses.
    static func callers(in index: MeshIndex) -> [(name: String, caller: AccessCaller)] {
        AccessMatrix.callers(in: index, evaluator: AccessEvaluator(index: index))
    }

    func violations(in context: LintContext) -> [AccessViolation] {
        let index = context.index
        let evaluator = AccessEvaluator(index: index)
        let callers = Self.callers(in: context).map { (name: $0.name, caller: $0.caller) }
        var violations: [AccessViolation] = []
        do {
            let destination = try AccessSpecification.destination(to, direct: false, index: index)
            let request = AccessRequest(
                caller: .anonymous, destination: destination, method: method, path: path, host: host, headers: headers, token: token)
            // Outcomes first, for every caller at once; traces only for the callers reported.
            let outcomes = try evaluator.outcomes(of: request, for: callers.map(\.caller))
            if let onlyFrom {
                for ((name, caller), outcome) in zip(callers, outcomes) where !onlyFrom.contains(name) && outcome.decision == .allow {
                    let only = onlyFrom.isEmpty ? "nobody" : onlyFrom.sorted().joined(separator: ", ")
                    let result = try evaluator.evaluate(request.from(caller))
                    violations.append(AccessViolation(
                        message: "\(name) is allowed \(requestText), which only \(only) may send"
                            + (result.isUncertain ? " (uncertain: \(result.uncertainties.joined(separator: "; ")))" : "") + ".",
                        trace: result.trace.description, related: Self.related(result)))
                }
            }
            if requireToken {
                var withoutToken = request
                withoutToken.token = nil
                let plain = token == nil ? outcomes : try evaluator.outcomes(of: withoutToken, for: callers.map(\.caller))
                let through = zip(callers, plain).filter { $0.1.decision == .allow }.map(\.0)
                if let first = through.first {
                    let result = try evaluator.evaluate(withoutToken.from(first.caller))
                    violations.append(AccessViolation(
                        message: "\(method) \(path) on \(to) is allowed without a token, from "
                            + through.map(\.name).joined(separator: ", ") + "; a valid token must be required.",
                        trace: "(for \(first.name))\n" + result.trace.description, related: Self.related(result)))
                }
            }
        } catch {
            return [AccessViolation(message: "The access invariant for \(requestText) cannot be checked: \(error).", trace: "", related: [])]
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

extension AccessRequest {
    /// The same request from another caller.
    func from(_ caller: AccessCaller) -> AccessRequest {
        var copy = self
        copy.caller = caller
        return copy
    }
}

/// A caller that gets through although the invariant says it must not, with its trace.
struct AccessViolation: Sendable {
    let message: String
    let trace: String
    let related: [RelatedLocation]
}

import Access
import YAMLModel

/// The outcome of one case of an `AccessExpectations` file, for reports that list every case
/// (the rule `access-expectation-failed` reports only those that fail).
public struct AccessExpectationResult: Sendable {
    public let file: String
    public let line: Int
    /// The `AccessExpectations` object's name and the case's.
    public let suite: String
    public let name: String
    public let from: String
    public let to: String
    /// `METHOD path`.
    public let request: String
    public let expected: String
    /// The decision the policies give; nil when the case cannot be evaluated.
    public let actual: String?
    /// Why the case cannot be evaluated.
    public let problem: String?

    public var passed: Bool { actual == expected }
}

extension AccessExpectationResult {
    /// Every case of every `AccessExpectations` object of the input, in input order.
    public static func all(in index: MeshIndex) -> [AccessExpectationResult] {
        let evaluator = AccessEvaluator(index: index)
        return index.resources(of: AccessExpectationFailedRule.kind).flatMap { file in
            (file.node["spec", "cases"]?.items ?? []).map { testCase in
                let name = testCase["name"]?.string ?? "case at line \(testCase.span.start.line)"
                let expected = testCase["expect"]?.string ?? ""
                var actual: String?
                var problem: String?
                if AccessDecision(rawValue: expected) == nil {
                    problem = "no valid expect (allow, deny, 401, 403 or refused)"
                } else {
                    do {
                        let request = try AccessExpectationFailedRule.request(from: testCase, index: index)
                        actual = try evaluator.evaluate(request).decision.rawValue
                    } catch {
                        problem = "\(error)"
                    }
                }
                let details = testCase["request"]
                return AccessExpectationResult(
                    file: file.origin.file, line: file.reportSpan(testCase.span).start.line, suite: file.name, name: name,
                    from: testCase["from"]?.string ?? "", to: testCase["to"]?.string ?? "",
                    request: "\(details?["method"]?.string ?? "GET") \(details?["path"]?.string ?? "/")",
                    expected: expected, actual: actual, problem: problem)
            }
        }
    }
}

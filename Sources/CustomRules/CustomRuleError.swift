import YAMLModel

/// A rule file that cannot be loaded: where (file, line, column) and what was expected there.
public struct CustomRuleError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let mark: Mark
    public let message: String

    public init(file: String, mark: Mark, message: String) {
        self.file = file
        self.mark = mark
        self.message = message
    }

    public var description: String { "\(file):\(mark.line):\(mark.column): \(message)" }
}

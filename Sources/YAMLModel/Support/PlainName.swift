/// Names that a printed command may carry as they are.
public enum PlainName {
    /// True for lower-case letters, digits, `-` and `.` only: a Kubernetes name a shell reads as
    /// itself, so a fix may put it on a command line (a pull request writes every name).
    public static func isPlain(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E }
    }
}

/// Shell-style path patterns: `*` and `?` within one path segment, `**` across segments (`**/`
/// also matches no directory at all); every other character stands for itself.
///
/// Patterns come from `.meshlint.yaml` and `rules.d` (`exclude`, `ignore`, custom rules' `names`
/// and `namespaces`, `report.sensitiveNamespaces`), which a pull request controls, and are tested
/// against every file and resource name. A backtracking matcher takes exponential time on
/// `*a*a*a*a*a*a*a*ab` and a long name; this one compiles the pattern into a small automaton and
/// follows all its states at once: time proportional to the name's length times the pattern's,
/// whatever the pattern.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let steps: [Step]
    /// No `*` or `?`: the pattern matches itself only.
    private let isLiteral: Bool

    /// One position of the automaton: what it consumes, and whether it may stay.
    enum Step: Hashable, Sendable {
        case literal(Unicode.Scalar)
        /// `?`: one character other than `/`.
        case one
        /// `*`: any run of characters other than `/`.
        case star
        /// `**`: any run of characters.
        case globstar
        /// `**/` is two steps: this one consumes nothing and leads on to the next step (the
        /// directories) and past it (no directory at all) ...
        case directoriesEntry
        /// ... and this one consumes any run of characters that ends with `/`.
        case directories
    }

    public init(_ pattern: String) {
        self.pattern = pattern
        let scalars = Array(pattern.unicodeScalars)
        isLiteral = !scalars.contains("*") && !scalars.contains("?")
        var steps: [Step] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "*", index + 1 < scalars.count, scalars[index + 1] == "*" {
                if index + 2 < scalars.count, scalars[index + 2] == "/" {
                    steps += [.directoriesEntry, .directories]
                    index += 3
                } else {
                    steps.append(.globstar)
                    index += 2
                }
            } else {
                steps.append(scalar == "*" ? .star : scalar == "?" ? .one : .literal(scalar))
                index += 1
            }
        }
        // Runs of `*` are one `*`; a `*` beside `**` adds nothing. Fewer states, same language.
        var merged: [Step] = []
        for step in steps {
            if let last = merged.last, (last == .star || last == .globstar), step == .star || step == .globstar {
                merged[merged.count - 1] = last == .globstar || step == .globstar ? .globstar : .star
            } else {
                merged.append(step)
            }
        }
        self.steps = merged
    }

    public var description: String { pattern }

    public static func == (lhs: Glob, rhs: Glob) -> Bool { lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }

    public func matches(_ text: String) -> Bool {
        if isLiteral { return text == pattern }
        // The states the automaton can be in: before step i, for i in 0...steps.count (the last
        // is the accepting one). Each character moves every state at once.
        let count = steps.count + 1
        var current = [Bool](repeating: false, count: count)
        var next = current
        current[0] = true
        closeOverEmpty(&current)
        for scalar in text.unicodeScalars {
            var any = false
            for position in 0..<steps.count where current[position] {
                switch steps[position] {
                case .literal(let expected):
                    if scalar == expected { next[position + 1] = true; any = true }
                case .one:
                    if scalar != "/" { next[position + 1] = true; any = true }
                case .star:
                    if scalar != "/" { next[position] = true; any = true }
                case .globstar:
                    next[position] = true
                    any = true
                case .directories:
                    next[position] = true
                    if scalar == "/" { next[position + 1] = true }
                    any = true
                case .directoriesEntry:
                    break
                }
            }
            guard any else { return false }
            closeOverEmpty(&next)
            swap(&current, &next)
            for position in 0..<count { next[position] = false }
        }
        return current[steps.count]
    }

    /// Adds the states reachable without consuming: past a `*`, `**` or `**/` that matches
    /// nothing, and into a `**/`. (Forward order: each step's successors come after it.)
    private func closeOverEmpty(_ states: inout [Bool]) {
        for position in 0..<steps.count where states[position] {
            switch steps[position] {
            case .star, .globstar: states[position + 1] = true
            case .directoriesEntry:
                states[position + 1] = true
                states[position + 2] = true
            case .literal, .one, .directories: break
            }
        }
    }
}

internal import CLibYAML
#if canImport(Glibc)
import Glibc
#endif

/// What one parse of a file produced, with what the flow-colon repair needs to know about it.
struct ParsePass {
    var result: ParseResult
    /// Byte offsets of colons libyaml refused as `found unexpected ':'` in a plain scalar where a
    /// `,`, `]` or `}` follows: content for go-yaml, and so for Kubernetes.
    var refusedColons: [Int] = []
    /// The pass's replaced colons, when it had any (`ColonRewrites`).
    var rewrites: ColonRewrites?
}

/// Reads plain scalars with a colon before a flow indicator, such as the IPv6 address `fd00::` in
/// `addresses: [fd00::, 10.0.0.0/8]`, the way Kubernetes does.
///
/// go-yaml (under sigs.k8s.io/yaml) ends a plain scalar in a flow collection at `,`, `[`, `]`,
/// `{`, `}` or `?`, and takes a `:` as content unless a blank follows it; libyaml 0.2.5 refuses a
/// `:` followed by one of `,?[]{}` outright. Followed by `,`, `]` or `}` the colon ends up as the
/// scalar's last character in go-yaml (`[fd00::]`, `{a: fd00::}`, `[a:]`); followed by `?`, `[`
/// or `{` go-yaml rejects the document too, so those stay errors here. (`[::1]` is no plain
/// scalar for either: a `:` starting a token in a flow collection is a value indicator.)
///
/// Files without the pattern pay nothing: the repair starts only once libyaml has refused such a
/// colon. It then parses the file again with every colon that looks like one (`candidates`)
/// replaced (`ColonRewrites`), and keeps a pass only when it read the file as Kubernetes does
/// and libyaml refused no other colon. Otherwise it puts back the replacements that were out of
/// place, adds the colons refused, and parses again. A file with the pattern typically costs
/// two parses; a file on which no pass succeeds keeps libyaml's own reading, errors and all.
enum FlowColonRepair {
    /// Parses after the first pass, at most.
    private static let maximumPasses = 8

    /// The result of parsing `original` with the refused colons of `first` read as content;
    /// `first`'s own result when no pass could be trusted in time. `parse` runs one pass.
    static func reparse(
        _ original: [UInt8], after first: ParsePass, limits: ParseLimits, parse: (ColonRewrites) -> ParsePass
    ) -> ParseResult {
        let lines = original.withUnsafeBufferPointer { LineIndex($0) }
        // Colons libyaml refused in a pass that read everything before them as Kubernetes does:
        // content for go-yaml, wherever they are (the first pass replaced nothing).
        var knownContent = Set(first.refusedColons)
        // Ascending, without repeats.
        var replaced = merged(candidates(in: original), first.refusedColons)
        for _ in 0..<maximumPasses {
            guard !limits.isPastDeadline else { break }
            let pass = parse(ColonRewrites(original: original, offsets: replaced, lines: lines))
            guard let rewrites = pass.rewrites else { break }
            if rewrites.readsAsKubernetes(knownContent: knownContent) {
                if pass.refusedColons.isEmpty { return pass.result }
                knownContent.formUnion(pass.refusedColons)
            }
            var dropped = Set(rewrites.misplaced)
            // Another error kept libyaml from reaching these: give them up, so that it shows.
            if pass.refusedColons.isEmpty { dropped.formUnion(rewrites.unreached) }
            dropped.subtract(knownContent)
            let next = merged(replaced.filter { !dropped.contains($0) }, pass.refusedColons)
            if next == replaced { break }
            replaced = next
        }
        return first.result
    }

    /// The offsets of both, ascending and without repeats, as each of them is.
    private static func merged(_ left: [Int], _ right: [Int]) -> [Int] {
        guard !right.isEmpty else { return left }
        var result: [Int] = []
        result.reserveCapacity(left.count + right.count)
        var (leftIndex, rightIndex) = (0, 0)
        while leftIndex < left.count || rightIndex < right.count {
            let next = rightIndex == right.count || leftIndex < left.count && left[leftIndex] <= right[rightIndex]
                ? left[leftIndex] : right[rightIndex]
            if result.last != next { result.append(next) }
            if leftIndex < left.count, left[leftIndex] == next { leftIndex += 1 }
            if rightIndex < right.count, right[rightIndex] == next { rightIndex += 1 }
        }
        return result
    }

    /// Colons that may be refused ones: each followed by `,`, `]` or `}`, and preceded by a
    /// character that can continue a plain scalar. Only a guess, which the pass then checks; a
    /// refused colon missed here (after a line break, say) is found when libyaml reports it.
    static func candidates(in bytes: [UInt8]) -> [Int] {
        var found: [Int] = []
        guard bytes.count >= 3 else { return found }
        for offset in 1..<(bytes.count - 1) where bytes[offset] == UInt8(ascii: ":") {
            switch bytes[offset + 1] {
            case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): break
            default: continue
            }
            switch bytes[offset - 1] {
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
                 UInt8(ascii: "}"), UInt8(ascii: "?"), UInt8(ascii: "\""), UInt8(ascii: "'"):
                continue
            default:
                found.append(offset)
            }
        }
        return found
    }

    /// The byte offset of the colon when `parser` stopped on a refused colon Kubernetes reads as
    /// content, else nil. `lineOffset`: lines before the stretch of `buffer` being parsed; `lines`,
    /// `buffer`'s, counted here if not yet.
    static func refusedColon(
        _ parser: yaml_parser_t, lineOffset: Int, in buffer: UnsafeBufferPointer<UInt8>, lines: inout LineIndex?
    ) -> Int? {
        guard parser.error == YAML_SCANNER_ERROR,
              let problem = parser.problem, strcmp(problem, "found unexpected ':'") == 0,
              let context = parser.context, strcmp(context, "while scanning a plain scalar") == 0
        else { return nil }
        let counted = lines ?? LineIndex(buffer)
        lines = counted
        let offset = counted.byteOffset(of: Mark(parser.problem_mark, lineOffset: lineOffset), in: buffer)
        guard offset + 1 < buffer.count, buffer[offset] == UInt8(ascii: ":") else { return nil }
        switch buffer[offset + 1] {
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): return offset
        default: return nil
        }
    }
}

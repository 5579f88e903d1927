#if canImport(Glibc)
import Glibc
#endif

/// The `# Source: <template>` comments `helm template` writes before each rendered document.
///
/// libyaml reports no comments, so they are found in the text: a comment line that follows the
/// document separator (or starts the stream) names the template the next document came from.
struct HelmSourceComments {
    /// (line of the comment, template path), in order.
    private let comments: [(line: Int, template: String)]
    /// Lines of `---` separators, in order.
    private let separators: [Int]

    init(_ bytes: [UInt8]) {
        var comments: [(Int, String)] = []
        var separators: [Int] = []
        let marker = Array("# Source: ".utf8)
        var line = 1
        var start = 0
        var index = 0
        // Only scan when the marker can be there at all: most inputs are not rendered charts.
        guard bytes.count >= marker.count, Self.contains(bytes, marker) else {
            self.comments = []
            self.separators = []
            return
        }
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == 0x0A {
                var end = index
                if end > start, bytes[end - 1] == 0x0D { end -= 1 }
                let text = bytes[start..<end]
                if text.starts(with: marker) {
                    let template = String(decoding: text.dropFirst(marker.count), as: UTF8.self)
                    comments.append((line, template.trimmingCharacters(in: " \t")))
                } else if text.starts(with: Array("---".utf8)) {
                    separators.append(line)
                }
                line += 1
                start = index + 1
            }
            index += 1
        }
        self.comments = comments
        self.separators = separators
    }

    /// The template of the document whose first node is on `line`: the last `# Source:` comment
    /// above it with no document separator in between. The line offset makes the line after the
    /// comment line 1.
    func source(before line: Int) -> RenderedSource? {
        guard let comment = comments.last(where: { $0.line < line }) else { return nil }
        guard !separators.contains(where: { $0 > comment.line && $0 < line }) else { return nil }
        return RenderedSource(template: comment.template, lineOffset: comment.line)
    }

    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        // memchr finds each candidate first byte at memory speed.
        bytes.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { needle in
                guard let base = haystack.baseAddress, let first = needle.first else { return needle.isEmpty }
                var offset = 0
                while offset + needle.count <= haystack.count,
                      let found = memchr(base + offset, Int32(first), haystack.count - offset - needle.count + 1) {
                    let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + position, needle.baseAddress!, needle.count) == 0 { return true }
                    offset = position + 1
                }
                return false
            }
        }
    }
}

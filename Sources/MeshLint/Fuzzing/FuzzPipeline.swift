import Rules
import YAMLModel
#if canImport(Glibc)
import Glibc
#endif

/// One input through everything a scan does (reading, parsing, the index, every rule, the
/// suppressions, every report format), and the promises its output keeps. The libFuzzer target
/// (`scripts/fuzz`) drives it with mutated manifests; the regression tests replay what it found.
///
/// A crash, a hang or a runaway allocation is caught by the fuzzer's own sanitizers and limits;
/// what this adds are the failures that would not crash: a report that is not valid JSON, a
/// finding that quotes far more of the input than its line, a finding that points outside the file.
enum FuzzPipeline {
    /// The longest string a JSON or SARIF report may hold: the longest of the rules' own texts (a
    /// help page runs to tens of kilobytes), or 16 KB; anything longer is input echoed wholesale.
    static let maxReportString: Int = {
        let empty = Scanner.Result(findings: [], summary: Scanner.Summary(), readErrors: [])
        let context = ReportContext(repositoryRoot: "/", workingDirectory: "/", jobs: 1)
        var longest = 16 * 1024
        for format in [ScanCommand.Format.json, .sarif] {
            guard let document = ScanCommand.document(format, empty, context: context) else { continue }
            var text: [UInt8] = []
            _ = document.serialize { text.append(contentsOf: $0); return true }
            if let summary = try? JSONSyntax.check(text) { longest = max(longest, summary.longestString) }
        }
        return longest
    }()

    /// Scans `bytes` as the file `name` in `directory` (written there first) and returns every
    /// broken promise, empty when the output is sound.
    static func violations(of bytes: [UInt8], name: String = "input.yaml", in directory: String) -> [String] {
        let path = directory + "/" + name
        guard TemporaryFiles.write(bytes: bytes, to: path) else { return ["could not write \(path)"] }
        let request = Scanner.Request(paths: [path], jobs: 1)
        let result: Scanner.Result
        do {
            result = try Scanner.run(request)
        } catch {
            return ["the scan threw: \(error)"]
        }
        var problems: [String] = []
        let lineCount = lines(in: bytes)
        for finding in result.findings {
            if finding.message.utf8.count > Finding.maxMessageLength {
                problems.append("\(finding.ruleID): a message of \(finding.message.utf8.count) bytes")
            }
            if finding.remediation.utf8.count > Finding.maxRemediationLength {
                problems.append("\(finding.ruleID): a remediation of \(finding.remediation.utf8.count) bytes")
            }
            let span = finding.span
            if span.start.line < 1 || span.start.line > lineCount || span.end.line < span.start.line || span.end.line > lineCount
                || span.start.column < 1 {
                problems.append("\(finding.ruleID): span \(span) outside a file of \(lineCount) lines")
            }
        }

        // The rules' own texts are the same for every input (a test holds them to valid SARIF):
        // only the rules with findings are described, which makes each run several times faster.
        let reported = Set(result.findings.map(\.ruleID) + result.suppressed.map(\.finding.ruleID))
        let context = ReportContext(
            repositoryRoot: directory, workingDirectory: directory,
            rules: RuleCatalog.builtIn.map { $0.description }.filter { reported.contains($0.id) }, jobs: 1)
        for format in [ScanCommand.Format.json, .sarif] {
            guard let document = ScanCommand.document(format, result, context: context) else { continue }
            var text: [UInt8] = []
            _ = document.serialize { text.append(contentsOf: $0); return true }
            do {
                let summary = try JSONSyntax.check(text)
                if summary.longestString > maxReportString {
                    problems.append("\(format.rawValue): a string of \(summary.longestString) bytes")
                }
            } catch {
                problems.append("\(format.rawValue): \(error)")
            }
        }
        for format in [ScanCommand.Format.text, .github, .markdown] {
            let rendered = ScanCommand.render(format, result, context: context, colored: false)
            if let line = rendered.split(separator: "\n").first(where: { $0.utf8.count > 4 * maxReportString }) {
                problems.append("\(format.rawValue): a line of \(line.utf8.count) bytes")
            }
        }
        return problems
    }

    /// Lines as YAML counts them (LF, CR LF, a lone CR, NEL, LS, PS), and so as findings do; a
    /// UTF-16 file is counted by its code units. Written here apart from the parser's own count,
    /// so that one cannot hide a mistake in the other.
    static func lines(in bytes: [UInt8]) -> Int {
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            let littleEndian = bytes[0] == 0xFF
            let units = stride(from: 2, to: bytes.count - 1, by: 2).map { index in
                littleEndian ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8 : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
            }
            var count = 1
            for (index, unit) in units.enumerated() {
                switch unit {
                case 0x0A: if index == 0 || units[index - 1] != 0x0D { count += 1 }
                case 0x0D, 0x85, 0x2028, 0x2029: count += 1
                default: break
                }
            }
            return count
        }
        var count = 1
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case 0x0A: count += 1
            case 0x0D: if index + 1 >= bytes.count || bytes[index + 1] != 0x0A { count += 1 }
            case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0x85: count += 1
            case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                count += 1
            default: break
            }
            index += 1
        }
        return count
    }
}

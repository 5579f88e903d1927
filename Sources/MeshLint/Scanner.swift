import Dispatch
import Rules
import YAMLModel

/// The whole scan: discovery, reading and parsing (in parallel), the index, the rules.
struct Scanner {
    struct Request {
        var paths: [String]
        var limits = ParseLimits.default
        var indexOptions = MeshIndexOptions()
        var settings = LintSettings()
    }

    /// What a scan produced, ready for any reporter.
    struct Result {
        var findings: [Finding]
        var summary: Summary
        /// Inputs that could not be read at all (also printed to stderr).
        var readErrors: [String]
        /// The text of standard input, kept for reporters that quote source lines.
        var standardInput: [UInt8]?
    }

    struct Summary: Equatable {
        var files = 0
        var documents = 0
        var resources = 0
        var skipped = 0
        var errors = 0
        var warnings = 0
        var notes = 0
    }

    static let standardInputName = "<stdin>"

    static func run(_ request: Request, linter: Linter = Linter()) -> Result {
        let (inputs, discoveryErrors) = Discovery.inputs(for: request.paths)
        var readErrors = discoveryErrors
        var standardInput: [UInt8]?
        let limits = request.limits
        let files: [ManifestFile?] = parallelMap(inputs) { input -> ManifestFile? in
            switch input {
            case .standardInput:
                return nil // read on the calling thread below: stdin is one stream
            case .file(let path, let display):
                switch FileReader.read(path: path, maxSize: limits.maxFileSize) {
                case .bytes(let bytes):
                    return ManifestLoader.load(path: display, bytes: bytes, limits: limits)
                case .tooLarge(let size):
                    var file = ManifestFile(path: display)
                    file.problems.append(ManifestLoader.oversize(size, limits: limits))
                    return file
                case .failed:
                    return nil
                }
            }
        }
        var manifests: [ManifestFile] = []
        for (input, file) in zip(inputs, files) {
            if let file {
                manifests.append(file)
                continue
            }
            switch input {
            case .standardInput:
                switch FileReader.readStandardInput(maxSize: limits.maxFileSize) {
                case .bytes(let bytes):
                    standardInput = bytes
                    manifests.append(ManifestLoader.load(path: standardInputName, bytes: bytes, limits: limits))
                case .tooLarge(let size):
                    var file = ManifestFile(path: standardInputName)
                    file.problems.append(ManifestLoader.oversize(size, limits: limits))
                    manifests.append(file)
                case .failed(let reason):
                    readErrors.append("standard input: \(reason)")
                }
            case .file(let path, _):
                if case .failed(let reason) = FileReader.read(path: path, maxSize: limits.maxFileSize) {
                    readErrors.append("\(path): \(reason)")
                }
            }
        }

        let context = LintContext(files: manifests, options: request.indexOptions, settings: request.settings)
        let findings = linter.lint(context)
        var summary = Summary()
        summary.files = manifests.count
        for file in manifests {
            summary.documents += file.documentCount
            summary.resources += file.resources.count
            summary.skipped += file.skippedDocuments
        }
        for finding in findings {
            switch finding.severity {
            case .error: summary.errors += 1
            case .warning: summary.warnings += 1
            case .note: summary.notes += 1
            }
        }
        return Result(findings: findings, summary: summary, readErrors: readErrors, standardInput: standardInput)
    }
}

/// `transform` applied to every element on all cores, results in input order.
func parallelMap<Element: Sendable, Mapped: Sendable>(
    _ elements: [Element], _ transform: @Sendable (Element) -> Mapped
) -> [Mapped] {
    guard elements.count > 1 else { return elements.map(transform) }
    let results = UnsafeMutableBufferPointer<Mapped?>.allocate(capacity: elements.count)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    // Each iteration writes only its own slot, so the writes never overlap.
    nonisolated(unsafe) let slots = results
    DispatchQueue.concurrentPerform(iterations: elements.count) { offset in
        slots[offset] = transform(elements[offset])
    }
    return results.map { $0! }
}

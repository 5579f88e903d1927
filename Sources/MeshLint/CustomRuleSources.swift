import ArgumentParser
import CustomRules
import Rules

/// Where an organisation's own rules come from: `.meshlint/rules.d/` at the repository root (or
/// beside the configuration file), and every `--rules-dir`.
enum CustomRuleSources {
    /// The rule files (`.yaml`, `.yml`) of the directories, sorted, read and loaded; a problem in any
    /// of them is exit 2 with its position (an author error is never a silent false).
    static func load(directories: [String]) throws -> [CustomRule] {
        let builtIn = Set(RuleCatalog.builtIn.map { $0.description.id })
        var rules: [CustomRule] = []
        var seen = Set<String>()
        let patterns = PatternCache()
        for directory in directories {
            let (inputs, errors) = Discovery.inputs(for: [directory])
            for error in errors {
                FileHandle.writeToStandardError("meshlint: rules directory \(error)\n")
                throw ExitCode.usageOrIOError
            }
            for case .file(let path, let display) in inputs where !display.hasSuffix(".json") {
                guard case .bytes(let bytes) = FileReader.read(path: path, maxSize: 4 << 20) else {
                    FileHandle.writeToStandardError("meshlint: cannot read rule file \(display)\n")
                    throw ExitCode.usageOrIOError
                }
                do {
                    for rule in try CustomRuleLoader.load(bytes, file: display, builtInIDs: builtIn, patterns: patterns) {
                        guard seen.insert(rule.description.id).inserted else {
                            FileHandle.writeToStandardError("meshlint: \(display): rule \(rule.description.id) is defined twice\n")
                            throw ExitCode.usageOrIOError
                        }
                        rules.append(rule)
                    }
                } catch let error as CustomRuleError {
                    FileHandle.writeToStandardError("meshlint: \(error)\n")
                    throw ExitCode.usageOrIOError
                }
            }
        }
        return rules
    }

    /// `.meshlint/rules.d` at the repository root of the first path, when it exists, then `extra`;
    /// each must resolve inside its repository (`PathConfinement`), or the command stops (exit 2).
    static func directories(paths: [String], extra: [String], confinement: PathConfinement = PathConfinement()) throws -> [String] {
        let workingDirectory = Discovery.currentDirectory()
        let root = RepositoryRoot.find(from: paths.first { $0 != "-" } ?? ".", workingDirectory: workingDirectory)
        let conventional = root + "/.meshlint/rules.d"
        let directories = (Discovery.isDirectory(conventional) ? [conventional] : []) + extra
        for directory in directories {
            if let refusal = confinement.refusal(for: directory, what: "rules directory") {
                FileHandle.writeToStandardError("meshlint: \(refusal)\n")
                throw ExitCode.usageOrIOError
            }
        }
        return directories
    }
}

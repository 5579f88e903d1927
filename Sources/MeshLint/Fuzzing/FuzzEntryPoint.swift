#if MESHLINT_FUZZ
#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's entry point: one mutated manifest through the whole scan (`FuzzPipeline`). A
/// broken promise aborts, which libFuzzer reports as a crash and saves the input that caused it.
@_cdecl("LLVMFuzzerTestOneInput")
public func meshLintFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let problems = FuzzPipeline.violations(of: bytes, in: FuzzWorkDirectory.path)
    if !problems.isEmpty {
        FileHandle.writeToStandardError("meshlint fuzz: " + problems.joined(separator: "\nmeshlint fuzz: ") + "\n")
        abort()
    }
    return 0
}

/// libFuzzer's driver, entered from our own `main`: SwiftPM names an executable's entry point
/// itself, so the `main` libFuzzer brings is not the one that runs.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

enum FuzzDriver {
    static func run() -> Int32 {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        return runFuzzerDriver(&argc, &argv, meshLintFuzzOneInput)
    }
}

/// Where each input is written before it is scanned: one directory per fuzzing process.
enum FuzzWorkDirectory {
    static let path: String = {
        var template = Array("/tmp/meshlint-fuzz-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { fatalError("meshlint fuzz: cannot make a work directory") }
            return String(cString: made)
        }
    }()
}
#endif

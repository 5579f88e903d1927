#if canImport(Glibc)
import Glibc
#endif

/// The process entry point: the command line, or, in a fuzzing build (`scripts/fuzz`, compiled
/// with `-D MESHLINT_FUZZ`), libFuzzer's driver with `FuzzPipeline` as the function it fuzzes.
@main
enum Main {
    static func main() {
        #if MESHLINT_FUZZ
        exit(FuzzDriver.run())
        #else
        MeshLintCommand.main()
        #endif
    }
}

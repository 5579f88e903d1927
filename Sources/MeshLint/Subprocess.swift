#if canImport(Glibc)
import Glibc
#endif

/// Runs a program with arguments (no shell: nothing in them is interpreted) and collects its output.
enum Subprocess {
    struct Output {
        let status: Int32
        let stdout: [UInt8]
        /// Standard error, when it was asked for (`captureErrors`).
        var stderr: [UInt8] = []
        /// True when the program was killed at the time limit.
        var timedOut = false
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `arguments`; standard input is the file at `inputPath`, or empty.
    static func run(_ arguments: [String], inputPath: String = "/dev/null") -> Output? {
        run(arguments, inputPath: inputPath, options: Options())
    }

    /// How a program is run beyond its arguments.
    struct Options {
        /// Killed (SIGKILL) when it runs longer.
        var timeout: Duration?
        /// Replaces the environment (`KEY=value` entries); nil keeps MeshLint's.
        var environment: [String]?
        /// Standard error is collected (into a file, read afterwards) instead of discarded.
        var captureErrors = false
    }

    static func run(_ arguments: [String], inputPath: String = "/dev/null", options: Options) -> Output? {
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        posix_spawn_file_actions_adddup2(&actions, pipe[1], STDOUT_FILENO)
        posix_spawn_file_actions_addclose(&actions, pipe[1])
        var errorPath: String?
        if options.captureErrors { errorPath = TemporaryFiles.file(prefix: "meshlint-stderr") }
        defer { if let errorPath { unlink(errorPath) } }
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errorPath ?? "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, inputPath, O_RDONLY, 0)

        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = options.environment.map { $0.map { strdup($0) } + [nil] }
        defer { envp?.forEach { free($0) } }
        var pid = pid_t()
        let spawned = argv.withUnsafeBufferPointer { buffer in
            if let envp {
                return envp.withUnsafeBufferPointer { environment in
                    posix_spawnp(&pid, arguments[0], &actions, nil, UnsafeMutablePointer(mutating: buffer.baseAddress!),
                                 UnsafeMutablePointer(mutating: environment.baseAddress!))
                }
            }
            return posix_spawnp(&pid, arguments[0], &actions, nil, UnsafeMutablePointer(mutating: buffer.baseAddress!), environ)
        }
        close(pipe[1])
        guard spawned == 0 else {
            close(pipe[0])
            return nil
        }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let deadline = options.timeout.map { ContinuousClock.now.advanced(by: $0) }
        var timedOut = false
        while true {
            if let deadline {
                // Wait for output at most until the deadline; then the program is killed.
                let remaining = ContinuousClock.now.duration(to: deadline)
                let milliseconds = max(0, Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
                var descriptor = pollfd(fd: pipe[0], events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, milliseconds)
                if ready < 0, errno == EINTR { continue }
                if ready == 0 {
                    kill(pid, SIGKILL)
                    timedOut = true
                    break
                }
            }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(pipe[0], $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            output += chunk[0..<count]
        }
        close(pipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7F) == 0
        var result = Output(status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), stdout: output)
        result.timedOut = timedOut
        if let errorPath, case .bytes(let bytes) = FileReader.read(path: errorPath, maxSize: 1 << 20) { result.stderr = bytes }
        return result
    }
}

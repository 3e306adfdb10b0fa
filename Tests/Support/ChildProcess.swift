import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn. Tests start servers, the simulator and Python and
/// OpenSSL checks; Foundation's `Process.run()` on Linux corrupts memory once the test process
/// holds more than 1,024 file descriptors (its fd set has a fixed size), which a parallel test
/// run does reach. Pipes are close-on-exec, so no child inherits another's.
public final class ChildProcess: @unchecked Sendable {
    public enum Output: Sendable {
        /// Standard output and error into a pipe, read with `readOutput()`.
        case pipe
        /// Standard output into a pipe; standard error discarded (for output that is parsed).
        case pipeStdout
        /// Standard output and error appended to a file.
        case file(String)
        case discard
    }

    public let pid: pid_t
    private let outputFD: Int32?
    private let lock = NSLock()
    private var exitStatus: Int32?

    private init(pid: pid_t, outputFD: Int32?) {
        self.pid = pid
        self.outputFD = outputFD
    }

    deinit {
        if let outputFD { close(outputFD) }
    }

    /// Pipes are made and marked close-on-exec under this lock, and children spawned under it, so
    /// no child inherits a pipe end meant for another (pipe2 is not in Swift's Glibc module).
    private static let spawning = NSLock()

    public static func launch(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                              directory: String? = nil, output: Output = .pipe, stdin: [UInt8]? = nil) throws -> ChildProcess {
        spawning.lock()
        defer { spawning.unlock() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with no blocked signals and default handlers, as a shell would start it.
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var closeAfter: [Int32] = []
        defer { closeAfter.forEach { close($0) } }
        var readEnd: Int32?
        switch output {
        case .pipe, .pipeStdout:
            let (reader, writer) = try pipe()
            readEnd = reader
            closeAfter.append(writer)
            posix_spawn_file_actions_adddup2(&actions, writer, 1)
            if case .pipe = output {
                posix_spawn_file_actions_adddup2(&actions, writer, 2)
            } else {
                posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            }
        case .file(let path):
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw Failure("cannot open \(path): errno \(errno)") }
            closeAfter.append(fd)
            posix_spawn_file_actions_adddup2(&actions, fd, 1)
            posix_spawn_file_actions_adddup2(&actions, fd, 2)
        case .discard:
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        var inputWriter: Int32?
        if stdin != nil {
            let (reader, writer) = try pipe()
            inputWriter = writer
            closeAfter.append(reader)
            posix_spawn_file_actions_adddup2(&actions, reader, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        // posix_spawn_file_actions_addchdir_np is not in Swift's Glibc module; coreutils' env changes directory.
        let (program, programArguments) = directory.map { ("/usr/bin/env", ["-C", $0, executable] + arguments) }
            ?? (executable, arguments)
        let argv = ([program] + programArguments).map { strdup($0) } + [nil]
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            env.forEach { free($0) }
        }
        var pid = pid_t()
        let status = posix_spawn(&pid, program, &actions, &attributes, argv, env)
        guard status == 0 else {
            if let readEnd { close(readEnd) }
            if let inputWriter { close(inputWriter) }
            throw Failure("cannot start \(executable): error \(status)")
        }
        if let inputWriter, let stdin {
            closeAfter.removeAll { $0 == inputWriter }
            _ = stdin.withUnsafeBytes { write(inputWriter, $0.baseAddress, $0.count) }
            close(inputWriter)
        }
        return ChildProcess(pid: pid, outputFD: readEnd)
    }

    private static func pipe() throws -> (reader: Int32, writer: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw Failure("pipe: errno \(errno)") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    /// Everything the child wrote (with `.pipe`), up to its exit.
    public func readOutput() -> [UInt8] {
        guard let outputFD else { return [] }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes += buffer[0..<count]
            } else if count == 0 || errno != EINTR {
                return bytes
            }
        }
    }

    /// Waits for the exit; the exit code, or 128 + the signal that ended it.
    @discardableResult
    public func wait() -> Int32 {
        reap(blocking: true) ?? -1
    }

    public var isRunning: Bool { reap(blocking: false) == nil }

    public func terminate() {
        if isRunning { kill(pid, SIGTERM) }
    }

    private func reap(blocking: Bool) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == -1 && errno == EINTR { continue }
            guard result == pid else { return nil }
            break
        }
        let signal = status & 0x7f
        exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        return exitStatus
    }

    /// Runs a program to its end, on a thread of its own: blocking a cooperative-pool thread for
    /// a script's minute would starve the rest of the run on a 2-core machine (even a second's
    /// Python start-up, times a suite's tests, holds every other test's continuations back).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           directory: String? = nil, stdin: [UInt8]? = nil, output: Output = .pipe) async -> (status: Int32, output: String) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: runBlocking(executable, arguments, environment: environment, directory: directory,
                                                           stdin: stdin, output: output))
            }
        }
    }

    /// As `run`, on the caller's thread: for synchronous contexts (a static, a trait's condition).
    public static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                                   directory: String? = nil, stdin: [UInt8]? = nil, output: Output = .pipe) -> (status: Int32, output: String) {
        do {
            let child = try launch(executable, arguments, environment: environment, directory: directory, output: output, stdin: stdin)
            let output = child.readOutput()
            return (child.wait(), String(decoding: output, as: UTF8.self))
        } catch {
            return (-1, "\(error)")
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

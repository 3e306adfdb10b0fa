import NIOPosix

/// Runs blocking work (fsync, file reads and writes, image decoding) on threads of its own, so
/// it never holds one of the few threads Swift concurrency shares with request handling: on a
/// 2-core machine two fsyncs would otherwise stall every request in the process.
///
/// One shared queue that any idle thread of the pool takes from (NIO's thread pool), not work
/// dealt in turn to per-thread queues: an upload's parse must not wait behind another upload's
/// fsync while a thread is free. The thread count bounds how much blocks at once.
public enum BlockingWork {
    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    /// Work whose task is cancelled before a thread takes it is not started: it throws
    /// `CancellationError`.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }
}

import Hummingbird
import HuiminCore
import Logging
import Sandbox
import ServiceLifecycle

/// A small Hummingbird server on a free loopback port for the duration of `body` (a merchant's
/// notification receiver, a gateway impostor), on the sandbox's threads as the sandbox is. Stopped by a graceful shutdown, as
/// SandboxServer.withRunning does: cancelling a Hummingbird server with connections open can
/// trap in NIO.
enum LoopbackServer {
    static func run(_ router: Router<BasicRequestContext>, label: String, _ body: (Int) async throws -> Void) async throws {
        let (ports, sink) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: label)
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  sink.yield(channel.localAddress?.port ?? 0)
                                  sink.finish()
                              }, logger: logger)
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask(executorPreference: SandboxThreads.shared) {
                defer { sink.finish() }
                try await services.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.next()
                throw AppError("receiver_not_started", status: 500, "The loopback server did not start.")
            }
            let outcome: Result<Void, any Error>
            do {
                try await body(port)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            try outcome.get()
        }
    }
}

import Database
import Foundation
import HuiminCore
import Testing
import Workers

/// Signals when it starts, then takes a moment, failing if the wait is cut short by cancellation.
struct SlowJobHandler: JobHandler {
    let started: AsyncStream<Void>.Continuation

    func run(_ payload: NoticeJob) async throws {
        started.yield()
        try await Task.sleep(for: .milliseconds(300))
    }
}

@Suite("Job runner loop", .timeLimit(.minutes(1)))
struct JobRunLoopTests {
    @Test func shutdownFinishesTheJobInFlight() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        let (started, continuation) = AsyncStream<Void>.makeStream()
        var registry = JobHandlerRegistry()
        registry.register(SlowJobHandler(started: continuation))
        let runner = fixture.runner(registry)
        let id = try await fixture.queue.enqueue(NoticeJob(phone: "13812345678", text: "x"))

        let loop = Task { await runner.run() }
        var iterator = started.makeAsyncIterator()
        _ = await iterator.next()
        loop.cancel()
        await loop.value

        let job = try await fixture.state(of: id)
        #expect(job.state == .done, "the in-flight job was finished, not abandoned")
        #expect(job.attempts == 1)
    }

    @Test func anIdleLoopPicksUpAJobQueuedLater() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        let (started, continuation) = AsyncStream<Void>.makeStream()
        var registry = JobHandlerRegistry()
        registry.register(SlowJobHandler(started: continuation))
        let loop = Task { await fixture.runner(registry).run() }
        defer { loop.cancel() }

        try await Task.sleep(for: .milliseconds(100))
        let id = try await fixture.queue.enqueue(NoticeJob(phone: "13812345678", text: "x"))
        var iterator = started.makeAsyncIterator()
        _ = await iterator.next()
        loop.cancel()
        await loop.value
        #expect(try await fixture.state(of: id).state == .done)
    }
}

import Database
import Foundation
import HuiminCore
import Testing
import Workers

@Suite("Job runner: run, retry, dead letter")
struct JobRunnerTests {
    let phone = "13812345678"

    @Test func aJobRunsOnceAndIsDone() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        let handler = ScriptedHandler()
        let runner = fixture.runner(handler.registry)
        let id = try await fixture.queue.enqueue(NoticeJob(phone: phone, text: "hello"))

        #expect(await runner.runOnce())
        #expect(await runner.runOnce() == false)

        #expect(handler.runs == [NoticeJob(phone: phone, text: "hello")])
        let job = try await fixture.state(of: id)
        #expect(job.state == .done)
        #expect(job.attempts == 1)
        #expect(job.finishedAt == fixture.clock.now())
        // A delivered job keeps no personal data.
        #expect(try await fixture.rawPayload(of: id).isEmpty)
    }

    @Test func aRetryableFailureWaitsLongerEachTimeThenDeadLetters() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        let handler = ScriptedHandler(failures: Array(repeating: JobFailure.retryable("gateway_busy"), count: 5))
        let runner = fixture.runner(handler.registry)
        let start = fixture.clock.now()
        let id = try await fixture.queue.enqueue(NoticeJob(phone: phone, text: "x"), maxAttempts: 3)

        #expect(await runner.runOnce())
        var job = try await fixture.state(of: id)
        #expect(job.state == .queued)
        #expect(job.runAt == start.addingTimeInterval(2))
        #expect(job.lastError == "gateway_busy")

        fixture.clock.advance(by: 1.9)
        #expect(await runner.runOnce() == false, "not due before its retry time")
        fixture.clock.advance(by: 0.1)
        #expect(await runner.runOnce())
        job = try await fixture.state(of: id)
        #expect(job.state == .queued)
        #expect(job.attempts == 2)
        #expect(job.runAt == start.addingTimeInterval(2 + 4), "the second wait doubles")

        fixture.clock.advance(by: 3.9)
        #expect(await runner.runOnce() == false)
        fixture.clock.advance(by: 0.1)
        #expect(await runner.runOnce())
        job = try await fixture.state(of: id)
        #expect(job.state == .dead)
        #expect(job.attempts == 3)
        #expect(job.lastError == "gateway_busy")

        fixture.clock.advance(by: 3600)
        #expect(await runner.runOnce() == false, "a dead letter is not retried")
        #expect(handler.runs.count == 3)
        #expect(try await fixture.store.deadLetters(limit: 10).map(\.id) == [id])
        #expect(!fixture.logs.all.isEmpty)
        #expect(fixture.logs.all.allSatisfy { !$0.contains(phone) }, "logs never carry the phone number")
        #expect(fixture.logs.all.filter { $0.contains("job.id=\(id)") && $0.contains("job.kind=test.notice") }.count >= 3)
    }

    @Test func aPermanentFailureDeadLettersAtOnce() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        let handler = ScriptedHandler(failures: [JobFailure.permanent("number_rejected")])
        let runner = fixture.runner(handler.registry)
        let id = try await fixture.queue.enqueue(NoticeJob(phone: phone, text: "x"), maxAttempts: 5)

        #expect(await runner.runOnce())
        let job = try await fixture.state(of: id)
        #expect(job.state == .dead)
        #expect(job.attempts == 1)
        #expect(job.lastError == "number_rejected")
    }

    @Test func appErrorsRetryOnlyWhenTheFaultIsNotTheRequest() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        let handler = ScriptedHandler(failures: [
            AppError.upstream("sms_unavailable", "The SMS gateway is down."),
            AppError.rule("sms_template_invalid", "The template was refused."),
        ])
        let runner = fixture.runner(handler.registry)
        let id = try await fixture.queue.enqueue(NoticeJob(phone: phone, text: "x"), maxAttempts: 5)

        #expect(await runner.runOnce())
        #expect(try await fixture.state(of: id).state == .queued)
        fixture.clock.advance(by: 2)
        #expect(await runner.runOnce())
        let job = try await fixture.state(of: id)
        #expect(job.state == .dead)
        #expect(job.lastError == "sms_template_invalid")
    }

    @Test func aJobOfUnknownKindIsDeadLettered() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        let runner = fixture.runner(JobHandlerRegistry())
        let id = try await fixture.queue.enqueue(NoticeJob(phone: phone, text: "x"))

        #expect(await runner.runOnce())
        let job = try await fixture.state(of: id)
        #expect(job.state == .dead)
        #expect(job.lastError == "unknown_kind")
    }

    @Test func aRequeuedDeadLetterGetsFreshAttemptsAndRuns() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        let handler = ScriptedHandler(failures: [JobFailure.permanent("template_missing")])
        let runner = fixture.runner(handler.registry)
        let id = try await fixture.queue.enqueue(NoticeJob(phone: phone, text: "x"), maxAttempts: 1)
        #expect(await runner.runOnce())
        #expect(try await fixture.state(of: id).state == .dead)

        #expect(try await fixture.store.requeue(id: id, now: fixture.clock.now()))
        #expect(try await fixture.store.requeue(id: id, now: fixture.clock.now()) == false, "only dead jobs requeue")
        #expect(await runner.runOnce())
        let job = try await fixture.state(of: id)
        #expect(job.state == .done)
        #expect(job.attempts == 1)
        #expect(try await fixture.store.counts() == [.queued: 0, .running: 0, .done: 1, .dead: 0])
    }
}

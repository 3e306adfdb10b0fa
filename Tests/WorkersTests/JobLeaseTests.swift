import Database
import Foundation
import HuiminCore
import Testing
import Workers

@Suite("Job leases between workers")
struct JobLeaseTests {
    @Test func anExpiredLeaseIsTakenOverButALiveOneIsNot() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        let start = fixture.clock.now()
        let id = try await fixture.queue.enqueue(NoticeJob(phone: "13812345678", text: "x"))

        let first = try #require(try await fixture.store.lease(owner: "wkr_a", now: start, leaseSeconds: 60))
        #expect(first.id == id)
        #expect(first.attempts == 1)
        #expect(try await fixture.store.lease(owner: "wkr_b", now: start.addingTimeInterval(59), leaseSeconds: 60) == nil,
                "a job under a live lease is not handed out twice")

        // Worker A crashed; once its lease runs out, B gets the job.
        let second = try #require(try await fixture.store.lease(owner: "wkr_b", now: start.addingTimeInterval(60),
                                                                leaseSeconds: 60))
        #expect(second.id == id)
        #expect(second.attempts == 2)

        let late = start.addingTimeInterval(61)
        #expect(try await fixture.store.complete(id: id, owner: "wkr_a", now: late) == false,
                "the old owner cannot finish a job it lost")
        #expect(try await fixture.store.fail(id: id, owner: "wkr_a", error: "late", retryAt: nil, now: late) == nil)
        #expect(try await fixture.store.complete(id: id, owner: "wkr_b", now: late))
        #expect(try await fixture.state(of: id).state == .done)
    }

    @Test func aLeaseThatRunsOutOnTheLastAttemptDeadLetters() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        let start = fixture.clock.now()
        let id = try await fixture.queue.enqueue(NoticeJob(phone: "13812345678", text: "x"), maxAttempts: 1)
        _ = try #require(try await fixture.store.lease(owner: "wkr_a", now: start, leaseSeconds: 60))

        #expect(try await fixture.store.lease(owner: "wkr_b", now: start.addingTimeInterval(120), leaseSeconds: 60) == nil)
        let job = try await fixture.state(of: id)
        #expect(job.state == .dead)
        #expect(job.lastError == "lease_expired")
    }

    @Test func twoWorkerProcessesRunEachJobExactlyOnce() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        var ids: Set<String> = []
        for n in 0..<30 {
            ids.insert(try await fixture.queue.enqueue(NoticeJob(phone: "1381234\(String(format: "%04d", n))", text: "\(n)")))
        }
        // A second connection pool on the same file stands in for a second worker process.
        let otherProcess = JobStore(database: try AppDatabase(path: fixture.databasePath))
        let handlerA = ScriptedHandler()
        let handlerB = ScriptedHandler()
        let runnerA = fixture.runner(handlerA.registry, owner: "wkr_a")
        let runnerB = fixture.runner(handlerB.registry, owner: "wkr_b", store: otherProcess)

        await withTaskGroup(of: Void.self) { group in
            for runner in [runnerA, runnerB] {
                group.addTask { while await runner.runOnce() {} }
            }
        }

        let texts = (handlerA.runs + handlerB.runs).map(\.text)
        #expect(texts.count == 30)
        #expect(Set(texts).count == 30, "no job ran twice")
        #expect(try await fixture.store.counts()[.done] == 30)
    }
}

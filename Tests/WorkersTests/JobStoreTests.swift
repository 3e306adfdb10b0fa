import Database
import Foundation
import HuiminCore
import Testing
import Workers

@Suite("Job store: idempotency and sealed payloads")
struct JobStoreTests {
    @Test func theSameIdempotencyKeyEnqueuesOnce() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        let job = NoticeJob(phone: "13812345678", text: "x")
        let first = try await fixture.queue.enqueue(job, idempotencyKey: "sms_abc")
        let again = try await fixture.queue.enqueue(job, idempotencyKey: "sms_abc")
        // Inside another store's transaction, as the residents store does it.
        let inTransaction = try await fixture.database.pool.write { db in
            try JobStore.enqueue(db, kind: NoticeJob.kind, payload: Data([1, 2, 3]), runAt: fixture.clock.now(),
                                 maxAttempts: 5, idempotencyKey: "sms_abc")
        }
        let other = try await fixture.queue.enqueue(job, idempotencyKey: "sms_def")

        #expect(first.hasPrefix("job_"))
        #expect(again == first)
        #expect(inTransaction == first)
        #expect(other != first)
        #expect(try await fixture.store.counts()[.queued] == 2)
    }

    @Test func aJobEnqueuedInARolledBackTransactionIsNotQueued() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await fixture.database.pool.write { db in
                try JobStore.enqueue(db, kind: NoticeJob.kind, payload: Data([1]), runAt: fixture.clock.now(),
                                     maxAttempts: 5, idempotencyKey: nil)
                throw Refused()
            }
        }
        #expect(try await fixture.store.counts()[.queued] == 0)
    }

    @Test(arguments: ["gm", "intl"])
    func thePayloadColumnHoldsNoPlaintextPhone(profile: String) async throws {
        let fixture = try QueueFixture(cryptoProfile: profile)
        defer { fixture.remove() }
        let phone = "13987654321"
        let handler = ScriptedHandler()
        let id = try await fixture.queue.enqueue(NoticeJob(phone: phone, text: "your code"))

        let stored = try await fixture.rawPayload(of: id)
        #expect(!stored.isEmpty)
        #expect(!containsSubsequence(stored, Array(phone.utf8)))
        #expect(!containsSubsequence(stored, Array("your code".utf8)))

        // and the runner still opens it
        #expect(await fixture.runner(handler.registry).runOnce())
        #expect(handler.runs.map(\.phone) == [phone])
    }

    private func containsSubsequence(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }
}

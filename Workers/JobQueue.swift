import Database
import Foundation
import HuiminCore

/// Queues jobs from code that is not already inside a database transaction (schedulers, admin
/// commands). Payloads are sealed before they reach the database.
public final class JobQueue: Sendable {
    let store: JobStore
    let crypto: any CryptoProfile
    let clock: any HuiminClock

    public init(store: JobStore, crypto: any CryptoProfile, clock: any HuiminClock) {
        self.store = store
        self.crypto = crypto
        self.clock = clock
    }

    /// Queues `payload` under its kind, due at `runAt` (now when nil). Returns the job ID; with an
    /// `idempotencyKey` already used, returns the first job's ID and queues nothing.
    @discardableResult
    public func enqueue<P: JobPayload>(_ payload: P, runAt: Date? = nil, maxAttempts: Int = 5,
                                       idempotencyKey: String? = nil) async throws -> String {
        let now = clock.now()
        return try await store.enqueue(kind: P.kind, payload: try PayloadSealing.seal(payload, crypto: crypto),
                                       runAt: runAt ?? now, maxAttempts: maxAttempts,
                                       idempotencyKey: idempotencyKey, now: now)
    }
}

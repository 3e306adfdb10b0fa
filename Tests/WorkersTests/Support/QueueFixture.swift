import Database
import Foundation
import HuiminCore
import Logging
import Testing
import Workers

/// A fresh database in a temporary directory, a real crypto profile, a manual clock and a runner
/// whose backoff always waits its full ceiling, so retry times are exact.
struct QueueFixture {
    let directory: URL
    let database: AppDatabase
    let store: JobStore
    let crypto: any CryptoProfile
    let clock: ManualClock
    let queue: JobQueue
    let logs = LogCapture()

    init(cryptoProfile: String = "intl") throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("huimin-workers-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try AppDatabase(path: directory.appendingPathComponent("huimin.sqlite").path)
        store = JobStore(database: database)
        clock = ManualClock()
        crypto = try CryptoProfiles.load(name: cryptoProfile,
                                         keysDirectory: directory.appendingPathComponent("keys", isDirectory: true),
                                         clock: clock)
        queue = JobQueue(store: store, crypto: crypto, clock: clock)
    }

    var databasePath: String { directory.appendingPathComponent("huimin.sqlite").path }

    func runner(_ handlers: JobHandlerRegistry, owner: String = "wkr_test", store: JobStore? = nil,
                leaseSeconds: TimeInterval = 60) -> JobRunner {
        JobRunner(store: store ?? self.store, crypto: crypto, handlers: handlers, clock: clock,
                  logger: logs.logger(), backoff: RetryBackoff(jitter: { 1 }), owner: owner,
                  leaseSeconds: leaseSeconds, pollInterval: .milliseconds(20))
    }

    func state(of id: String) async throws -> JobSummary {
        try #require(try await store.job(id: id))
    }

    /// The job row's payload column exactly as stored.
    func rawPayload(of id: String) async throws -> [UInt8] {
        try await database.pool.read { db in
            let data = try Data.fetchOne(db, sql: "SELECT payload FROM job WHERE id = ?", arguments: [id])
            return Array(data ?? Data())
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

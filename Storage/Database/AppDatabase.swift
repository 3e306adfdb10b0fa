import Foundation
import GRDB
import HuiminCore

/// The embedded database: one GRDB `DatabasePool` (WAL, so reads run beside the one writer) and
/// the migrations that build its schema. Each domain's SQL lives in its own store file here.
public final class AppDatabase: Sendable {
    public let pool: DatabasePool
    /// Writes that arrive together from many tasks (job leases and outcomes, stored images and
    /// ECGs) share commits, and fsyncs, through this one group.
    public let commits: GroupCommit

    /// Opens (creating if needed) the database at `path` and runs every pending migration.
    public init(path: String) throws {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        var config = GRDB.Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // FULL: a booking or payment the API has answered survives a power cut, not only a crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // In WAL mode a reader drops its page cache whenever anyone has written, which during a
            // booking rush is always; mapping the file lets it re-read pages without a syscall each.
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
            // The booking path touches a dozen indexes; the default 2 MB page cache let the writer
            // re-read their pages from the file.
            try db.execute(sql: "PRAGMA cache_size = -32768")
            // Each grouped booking runs in a savepoint, whose sub-journal is a temporary file; on
            // disk it cost some seventy write calls per booking.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        config.busyMode = .timeout(5)
        pool = try DatabasePool(path: path, configuration: config)
        commits = GroupCommit(pool: pool)
        try Self.migrator.migrate(pool)
    }

    /// Every migration in order. A migration, once shipped, never changes: add a new one.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        JobMigrations.register(in: &m)
        ResidentMigrations.register(in: &m)
        AppointmentMigrations.register(in: &m)
        PaymentMigrations.register(in: &m)
        ReconciliationMigrations.register(in: &m)
        BillingMigrations.register(in: &m)
        MessagingMigrations.register(in: &m)
        ImagingMigrations.register(in: &m)
        ECGMigrations.register(in: &m)
        RecordsMigrations.register(in: &m)
        FilmMigrations.register(in: &m)
        return m
    }

    /// True when the schema is at the newest migration (used by `/readyz`).
    public func isReady() async -> Bool {
        (try? await pool.read { db in try Self.migrator.hasCompletedMigrations(db) }) ?? false
    }
}

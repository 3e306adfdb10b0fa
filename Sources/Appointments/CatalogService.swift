import Database
import Foundation
import HuiminCore

/// Hospitals' catalogs: kept by their HIS (or administrators) with an idempotent bulk upsert,
/// and browsed by residents (see CatalogBrowse.swift).
public struct CatalogService: Sendable {
    /// Search answers at most this many departments and this many doctors.
    public static let searchLimit = 50

    let catalog: CatalogStore
    let schedules: ScheduleStore
    let policies: PolicyService
    let clock: any HuiminClock

    public init(catalog: CatalogStore, schedules: ScheduleStore, policies: PolicyService, clock: any HuiminClock) {
        self.catalog = catalog
        self.schedules = schedules
        self.policies = policies
        self.clock = clock
    }

    /// Creates or updates every entry of `payload` in one transaction. Entries not in the body
    /// are left alone; sending the same body again changes nothing and reports it unchanged.
    public func upsert(hospitalCode: String, payload: CatalogPayload, actor: AuditActor) async throws -> UpsertCounts {
        try CatalogValidation.check(payload)
        return try await catalog.upsert(hospitalCode: hospitalCode, payload: payload, actor: actor, now: clock.now())
    }
}

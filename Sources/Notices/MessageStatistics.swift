import Database
import Foundation
import HuiminCore

/// Delivery statistics per business day, event and channel: sent, delivered, failed, fell back,
/// dead, inbox only (see MessageRecordStore.StatRow for what each counts). Counts only, no
/// resident's data, so reading them is not audited.
public struct MessageStatistics: Sendable {
    let store: MessageRecordStore

    public init(store: MessageRecordStore) {
        self.store = store
    }

    public struct Report: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
        public var rows: [MessageRecordStore.StatRow]
        /// The rows summed; its day, event and channel are `*`.
        public var totals: MessageRecordStore.StatRow
    }

    public func report(from: String?, to: String?) async throws -> Report {
        let range = try TimeRange.report(from: from, to: to)
        let rows = try await store.stats(from: range.from, to: range.to)
        let totals = rows.reduce(into: MessageRecordStore.StatRow(day: "*", event: "*", channel: "*")) { t, r in
            t.sent += r.sent; t.delivered += r.delivered; t.failed += r.failed
            t.fellBack += r.fellBack; t.dead += r.dead; t.inboxOnly += r.inboxOnly
        }
        return Report(from: ISO8601.string(range.from), to: ISO8601.string(range.to), rows: rows, totals: totals)
    }
}

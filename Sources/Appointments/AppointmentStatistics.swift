import Database
import Foundation
import HuiminCore

/// 预约统计 for hospital managers: bookings, cancellations, no-shows and the visit rate, per
/// department, doctor or visit day over a range of days.
public struct AppointmentStatistics: Sendable {
    let bookings: BookingStore
    /// A year and a day, so a leap year's full range fits; longer ranges belong in reporting.
    static let maxRangeDays = 366

    public init(bookings: BookingStore) {
        self.bookings = bookings
    }

    public struct Counts: Codable, Sendable, Equatable {
        public var booked: Int
        public var cancelled: Int
        public var noShows: Int
        public var visited: Int
        /// Visited over bookings not cancelled (the patients who were expected), to 4 places.
        public var visitRate: Double

        init(booked: Int, cancelled: Int, noShows: Int, visited: Int) {
            self.booked = booked
            self.cancelled = cancelled
            self.noShows = noShows
            self.visited = visited
            let expected = booked - cancelled
            visitRate = expected > 0 ? (Double(visited) / Double(expected) * 10_000).rounded() / 10_000 : 0
        }
    }

    public struct Row: Codable, Sendable, Equatable {
        public var key: String
        public var name: String
        public var booked: Int
        public var cancelled: Int
        public var noShows: Int
        public var visited: Int
        public var visitRate: Double
    }

    public struct Report: Codable, Sendable, Equatable {
        public var rows: [Row]
        public var totals: Counts
    }

    public func report(hospitalCode: String?, from: String?, to: String?, by: String?) async throws -> Report {
        guard let hospitalCode, !hospitalCode.isEmpty else {
            throw AppError.invalid("hospital_missing", "Say which hospital: ?hospital=CODE.")
        }
        guard let from, let to, BusinessCalendar.isDay(from), BusinessCalendar.isDay(to) else {
            throw AppError.invalid("day_invalid", "from and to are days written YYYY-MM-DD.")
        }
        guard let span = BusinessCalendar.daysBetween(from, to), span >= 0 else {
            throw AppError.invalid("day_invalid", "from must not be after to.")
        }
        guard span + 1 <= Self.maxRangeDays else {
            throw AppError.invalid("range_too_long", "A report covers at most \(Self.maxRangeDays) days.")
        }
        guard let grouping = BookingStore.StatisticsGrouping(rawValue: by ?? "department") else {
            throw AppError.invalid("stats_group_invalid", "by is department, doctor or day.")
        }
        guard let groups = try await bookings.statistics(hospitalCode: hospitalCode, from: from, to: to, by: grouping) else {
            throw AppError.notFound("hospital_not_found", "No hospital with that code is connected to Huimin.")
        }
        let rows = groups.map { group in
            let counts = Counts(booked: group.booked, cancelled: group.cancelled, noShows: group.noShows, visited: group.visited)
            return Row(key: group.key, name: group.name, booked: counts.booked, cancelled: counts.cancelled, noShows: counts.noShows,
                       visited: counts.visited, visitRate: counts.visitRate)
        }
        let totals = Counts(booked: rows.reduce(0) { $0 + $1.booked }, cancelled: rows.reduce(0) { $0 + $1.cancelled },
                            noShows: rows.reduce(0) { $0 + $1.noShows }, visited: rows.reduce(0) { $0 + $1.visited })
        return Report(rows: rows, totals: totals)
    }
}

import Foundation
import GRDB
import HuiminCore

/// 预约统计: booking outcomes per department, doctor or visit day, counted by one GROUP BY.
extension BookingStore {
    public enum StatisticsGrouping: String, Sendable, CaseIterable {
        case department, doctor, day
    }

    /// One group's counts. `booked` is every booking that got a place (all states but expired
    /// locks, which never held one for the patient).
    public struct StatisticsCounts: Sendable {
        public var key: String
        public var name: String
        public var booked: Int
        public var cancelled: Int
        public var noShows: Int
        public var visited: Int
    }

    /// Counts of the hospital's bookings whose visit day lies in `from...to`, or nil when the
    /// hospital is unknown (so a mistyped code is not answered with zeros).
    public func statistics(hospitalCode: String, from: String, to: String,
                           by grouping: StatisticsGrouping) async throws -> [StatisticsCounts]? {
        let (key, name, joins): (String, String, String) = switch grouping {
        case .department:
            ("b.department_id", "d.name", "JOIN department d ON d.id = b.department_id")
        case .doctor:
            // The doctor who held the session: a substitute (替诊) saw those patients, not the
            // original. Resources without a doctor (exam rooms, lab windows) stand as their own row.
            ("COALESCE(cs.substitute_doctor_id, b.doctor_id, b.resource_id)", "COALESCE(sub.name, doc.name, r.name)", """
                JOIN clinic_session cs ON cs.id = b.session_id
                JOIN resource r ON r.id = b.resource_id
                LEFT JOIN doctor doc ON doc.id = b.doctor_id
                LEFT JOIN doctor sub ON sub.id = cs.substitute_doctor_id
                """)
        case .day:
            ("b.day", "b.day", "")
        }
        return try await database.pool.read { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hospital WHERE code = ?", arguments: [hospitalCode])! > 0 else {
                return nil
            }
            return try Row.fetchAll(db, sql: """
                SELECT \(key) AS key, MAX(\(name)) AS name,
                       SUM(b.state <> 'expired') AS booked,
                       SUM(b.state = 'cancelled') AS cancelled,
                       SUM(b.state = 'no_show') AS no_shows,
                       SUM(b.state IN ('checked_in', 'called', 'completed')) AS visited
                FROM booking b \(joins)
                WHERE b.hospital_code = ? AND b.day BETWEEN ? AND ?
                GROUP BY 1 HAVING SUM(b.state <> 'expired') > 0 ORDER BY 1
                """, arguments: [hospitalCode, from, to]).map { row in
                StatisticsCounts(key: row["key"], name: row["name"] ?? "", booked: row["booked"], cancelled: row["cancelled"],
                                 noShows: row["no_shows"], visited: row["visited"])
            }
        }
    }
}

import Database
import Foundation
import GRDB
import Testing

/// Hot paths write dates as text themselves; the text must be exactly what GRDB writes, or
/// comparisons between the two in SQL would go wrong.
@Suite struct SQLTimeTests {
    @Test func matchesGRDBsOwnDateText() {
        var generator = SystemRandomNumberGenerator()
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_795_000_000.9996),
                     Date(timeIntervalSince1970: 951_782_400.0004), Date(timeIntervalSince1970: 4_102_444_799.999)]
        for _ in 0..<2000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator)))
        }
        for date in dates {
            let grdb = String.fromDatabaseValue(date.databaseValue)
            #expect(date.sqlText == grdb, "\(date.timeIntervalSince1970)")
        }
    }
}

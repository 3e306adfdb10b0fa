import Foundation
import HuiminCore

extension Date {
    /// The text GRDB stores for a date ("yyyy-MM-dd HH:mm:ss.SSS", UTC, rounded to the
    /// millisecond as ICU does), made without DateFormatter: GRDB formats every Date argument
    /// through ICU, which on the booking path cost more than SQLite itself. Columns compare as
    /// text, so this must match GRDB's form exactly; a test checks it against GRDB's own conversion.
    public var sqlText: String {
        UTCText.format(self, separator: UInt8(ascii: " "), zulu: false)
    }
}

/// Checks a cart's `recordedAt`: an RFC 3339 date-time with its UTC offset
/// (`2026-11-22T09:30:00+08:00`, `…Z`, optionally with fractions of a second). Checked by hand
/// because Foundation's ISO 8601 formatter goes through ICU and cost more than the rest of reading
/// an upload's header; the text itself is kept as the cart sent it.
enum InternetDateTime {
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var at = 0
        func number(_ digits: Int) -> Int? {
            guard at + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[at..<at + digits] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            at += digits
            return value
        }
        func literal(_ characters: String) -> Bool {
            guard at < bytes.count, characters.utf8.contains(bytes[at]) else { return false }
            at += 1
            return true
        }
        guard let year = number(4), literal("-"), let month = number(2), literal("-"), let day = number(2), literal("Tt"),
              let hour = number(2), literal(":"), let minute = number(2), literal(":"), let second = number(2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour < 24, minute < 60, second <= 60 else { return false }
        if literal(".") {
            let start = at
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") { at += 1 }
            guard at > start else { return false }
        }
        if literal("Zz") { return at == bytes.count }
        guard literal("+-"), let offsetHours = number(2), literal(":"), let offsetMinutes = number(2) else { return false }
        return offsetHours < 24 && offsetMinutes < 60 && at == bytes.count
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

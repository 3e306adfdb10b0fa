import Foundation

/// Trade and refund numbers Huimin gives the channels (`out_trade_no`, `out_refund_no`,
/// `out_request_no`): a letter for the kind, the UTC time to the second and 8 random base32
/// characters. 23 characters of letters and digits fit every channel's rules (WeChat 6–32,
/// Alipay 64, UnionPay 8–40), sort by time in a cashier's list, and never repeat in practice
/// (40 random bits per second).
public enum TradeNumber {
    public static func make(_ kind: Character, at date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (year, month, day) = BusinessCalendar.civil(fromDays: days)
        let stamp = String(format: "%04d%02d%02d%02d%02d%02d", year, month, day,
                           Int(secondOfDay / 3600), Int(secondOfDay % 3600 / 60), Int(secondOfDay % 60))
        return String(kind) + stamp + Base32.encode(randomBytes(5))
    }
}

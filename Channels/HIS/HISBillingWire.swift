import Foundation
import HuiminCore

/// The HIS wire for payments, refunds, deposits and settlement files: snake_case like the rest of
/// `HISWire`, money in whole fen, times as Beijing wall time `YYYY-MM-DD HH:MM:SS`.
extension HISWire {
    struct BillPayRequest: Encodable {
        let bill_no: String
        let patient_id: String
        let trade_no: String
        let channel: String
        let amount_fen: Int64
        let insurance_fund_fen: Int64
        let insurance_account_fen: Int64
        let paid_at: String
    }

    struct RegistrationPayRequest: Encodable {
        let booking_id: String
        let patient_id: String
        let trade_no: String
        let channel: String
        let amount_fen: Int64
        let paid_at: String
    }

    struct TradeRequest: Encodable {
        let trade_no: String
    }

    struct RefundRequest: Encodable {
        let trade_no: String
        let refund_no: String
        let amount_fen: Int64
        let refunded_at: String
    }

    struct PatientRequest: Encodable {
        let patient_id: String
    }

    struct DepositPayRequest: Encodable {
        let admission_no: String
        let patient_id: String
        let trade_no: String
        let channel: String
        let amount_fen: Int64
        let paid_at: String
    }

    struct DailyListRequest: Encodable {
        let admission_no: String
        let day: String
    }

    struct DayRequest: Encodable {
        let day: String
    }

    struct Receipt: Decodable {
        let receipt_no: String
        let settled_at: String
        /// Only in a deposit/pay answer.
        let balance_fen: Int64?
    }

    /// trade/check: `state` is `settled` (with the receipt) or `notfound`.
    struct TradeCheck: Decodable {
        let state: String
        let receipt_no: String?
        let settled_at: String?
    }

    struct Inpatient: Decodable {
        let admission_no: String
        let patient_id: String
        let name: String?
        let department: String?
        let ward: String?
        let bed: String?
        let admitted_at: String?
        let state: String
        let deposit_balance_fen: Int64
        let charged_fen: Int64
    }

    struct DailyList: Decodable {
        struct Item: Decodable {
            let category: String
            let code: String
            let name: String
            let specification: String?
            let unit: String
            let quantity: String
            let unit_price_fen: Int64
            let amount_fen: Int64
        }

        let admission_no: String
        let day: String
        let items: [Item]
        let total_fen: Int64
        let deposit_balance_fen: Int64
    }

    /// settlement/file: the CSV's bytes in base64 and their SHA-256, so a truncated transfer is caught.
    struct SettlementFile: Decodable {
        let day: String
        let content_base64: String
        let sha256: String
    }

    /// `YYYY-MM-DD HH:MM:SS` in Beijing time, whole seconds.
    static func time(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let local = UTCText.format(Date(timeIntervalSince1970: seconds + 8 * 3600), separator: UInt8(ascii: " "),
                                   zulu: false)
        return String(local.prefix(19))
    }

    static func date(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 19 else { return nil }
        return BusinessCalendar.instant(wallClock: bytes, separator: UInt8(ascii: " "))
    }

    static func receipt(_ wire: Receipt) throws -> HISReceipt {
        guard !wire.receipt_no.isEmpty, let settledAt = date(wire.settled_at) else { throw badResponse }
        return HISReceipt(receiptNo: wire.receipt_no, settledAt: settledAt)
    }

    static let badResponse = AppError.upstream("channel_bad_response", "The hospital's system gave an unreadable answer.")
}

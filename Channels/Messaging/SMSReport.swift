import Foundation
import HuiminCore

/// One delivery receipt (状态报告) of Aliyun SMS, as its SmsReport push carries it.
public struct SMSReport: Sendable, Equatable {
    public let phone: String
    /// The gateway's BizId of the send, which `SMSGateway.send` returned.
    public let bizID: String
    /// Huimin's OutId of the send, when it gave one.
    public let outID: String?
    public let delivered: Bool
    /// `DELIVERED`, or the carrier's failure code (`MK:0001`, `UNDELIV`, …).
    public let errorCode: String
    public let errorMessage: String
    /// When the gateway took the message and when the carrier reported on it; nil when unreadable.
    public let sentAt: Date?
    public let reportedAt: Date?
    /// How many billed messages (条) the text took.
    public let parts: Int

    public init(phone: String, bizID: String, outID: String?, delivered: Bool, errorCode: String, errorMessage: String,
                sentAt: Date?, reportedAt: Date?, parts: Int) {
        self.phone = phone
        self.bizID = bizID
        self.outID = outID
        self.delivered = delivered
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.sentAt = sentAt
        self.reportedAt = reportedAt
        self.parts = parts
    }

    /// What the receiver answers when it took the batch; anything else makes Aliyun push it again
    /// (up to 3 times), so receipts must be handled idempotently (by bizID + phone).
    public static let acknowledgement = #"{"code":0,"msg":"接收成功"}"#

    /// Parses an SmsReport push body: a JSON array of `{phone_number, send_time, report_time,
    /// success, err_code, err_msg, sms_size, biz_id, out_id}`; times are Beijing time
    /// `yyyy-MM-dd HH:mm:ss`. Numbers and booleans are accepted as text too.
    /// - Throws: `AppError.invalid("sms_report_malformed")` when the body is not such an array or
    ///   an entry lacks its phone number or BizId.
    public static func parse(_ body: [UInt8]) throws -> [SMSReport] {
        guard let array = try? JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]] else {
            throw malformed
        }
        return try array.map { entry in
            guard let phone = text(entry["phone_number"]), !phone.isEmpty,
                  let bizID = text(entry["biz_id"]), !bizID.isEmpty else { throw malformed }
            let success = entry["success"]
            let delivered = (success as? Bool) ?? (text(success) == "true")
            let outID = text(entry["out_id"]).flatMap { $0.isEmpty ? nil : $0 }
            return SMSReport(phone: phone, bizID: bizID, outID: outID, delivered: delivered,
                             errorCode: text(entry["err_code"]) ?? "", errorMessage: text(entry["err_msg"]) ?? "",
                             sentAt: text(entry["send_time"]).flatMap(beijingTime),
                             reportedAt: text(entry["report_time"]).flatMap(beijingTime),
                             parts: text(entry["sms_size"]).flatMap { Int($0) } ?? 1)
        }
    }

    static let malformed = AppError.invalid("sms_report_malformed", "The SMS delivery report could not be read.")

    static func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: return string
        case let number as NSNumber: return number.stringValue
        case let bool as Bool: return bool ? "true" : "false"
        default: return nil
        }
    }

    /// `yyyy-MM-dd HH:mm:ss` in Beijing time.
    static func beijingTime(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).compactMap { Int($0) }
        guard parts.count == 6 else { return nil }
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3],
                                        minute: parts[4], second: parts[5])
        return BusinessCalendar.calendar.date(from: components)
    }
}

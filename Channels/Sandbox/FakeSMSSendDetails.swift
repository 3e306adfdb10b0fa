import Foundation
import HuiminCore
import Hummingbird

/// `QuerySendDetails`: the messages sent to one number on one day (`SendDate` yyyyMMdd, Beijing),
/// optionally only those of one `BizId`, a page at a time (`PageSize` 1…50, `CurrentPage` from 1),
/// oldest first so that a message sent while a client pages through appends to the last page
/// instead of shifting the others. A message waits for its receipt (SendStatus 1) for
/// `smsReceiptDelay` after acceptance, then shows its report: 3 delivered or 2 failed. The sandbox
/// has no template texts, so `Content` is the signature followed by the parameters in key order.
extension FakeSMS {
    struct DetailsReply: Encodable {
        let code = "OK"
        let message = "OK"
        let requestID = UUID().uuidString
        /// Text, as the current SDKs type it.
        let totalCount: String
        let list: List

        struct List: Encodable {
            let items: [Detail]

            enum CodingKeys: String, CodingKey {
                case items = "SmsSendDetailDTO"
            }
        }

        struct Detail: Encodable {
            let phone: String
            let sendStatus: Int
            let errCode: String
            let templateCode: String
            let content: String
            let sendDate: String
            let receiveDate: String?
            let outID: String?

            enum CodingKeys: String, CodingKey {
                case phone = "PhoneNum", sendStatus = "SendStatus", errCode = "ErrCode", templateCode = "TemplateCode"
                case content = "Content", sendDate = "SendDate", receiveDate = "ReceiveDate", outID = "OutId"
            }
        }

        enum CodingKeys: String, CodingKey {
            case code = "Code", message = "Message", requestID = "RequestId", totalCount = "TotalCount"
            case list = "SmsSendDetailDTOs"
        }
    }

    func querySendDetails(_ query: [String: String]) -> Response {
        for name in ["PhoneNumber", "SendDate", "PageSize"] where (query[name] ?? "").isEmpty {
            return reply("Missing\(name)", "\(name) is mandatory for this action.", status: .badRequest)
        }
        guard let phone = Self.mobileNumbers(query["PhoneNumber"] ?? ""), phone.count == 1 else {
            return reply("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        }
        guard let day = Self.day(yyyyMMdd: query["SendDate"] ?? ""),
              let pageSize = Int(query["PageSize"] ?? ""), (1...50).contains(pageSize),
              let page = Int(query["CurrentPage"] ?? "1"), page >= 1 else {
            return reply("isv.INVALID_PARAMETERS", "参数异常")
        }
        let bizID = query["BizId"].flatMap { $0.isEmpty ? nil : $0 }
        let matching = outbox.messages(to: phone[0]).filter {
            BusinessCalendar.day(of: $0.acceptedAt) == day && (bizID == nil || $0.bizId == bizID)
        }
        let now = clock.now()
        let pageItems = matching.dropFirst((page - 1) * pageSize).prefix(pageSize).map { detail($0, now: now) }
        return SandboxHTTP.json(DetailsReply(totalCount: "\(matching.count)", list: .init(items: pageItems)))
    }

    private func detail(_ message: Message, now: Date) -> DetailsReply.Detail {
        let reportedAt = message.acceptedAt.addingTimeInterval(settings.messaging.smsReceiptDelay)
        let reported = now >= reportedAt
        let content = "【\(message.signName)】"
            + message.params.sorted { $0.key < $1.key }.map { "\($0.key)：\($0.value)" }.joined(separator: "，")
        return DetailsReply.Detail(
            phone: message.phone, sendStatus: reported ? (message.report.delivered ? 3 : 2) : 1,
            errCode: reported ? message.report.errCode : "", templateCode: message.templateCode, content: content,
            sendDate: FakeAlipay.beijingTime(message.acceptedAt),
            receiveDate: reported ? FakeAlipay.beijingTime(reportedAt) : nil, outID: message.outId)
    }

    /// `yyyyMMdd` -> `yyyy-MM-dd`, nil unless a real calendar day.
    static func day(yyyyMMdd text: String) -> String? {
        let digits = Array(text)
        guard digits.count == 8, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        let day = String(digits[0..<4]) + "-" + String(digits[4..<6]) + "-" + String(digits[6..<8])
        return BusinessCalendar.isDay(day) ? day : nil
    }
}

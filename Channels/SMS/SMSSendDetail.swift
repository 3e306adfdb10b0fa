import Foundation
import HuiminCore

/// One message the gateway holds for a number, as `QuerySendDetails` reports it (短信发送详情).
public struct SMSSendDetail: Sendable, Equatable {
    /// `SendStatus`: 1 waiting for the carrier's receipt, 2 failed, 3 delivered.
    public enum Status: Int, Sendable {
        case waiting = 1
        case failed = 2
        case delivered = 3
    }

    public let phone: String
    public let status: Status
    /// The carrier's code (`DELIVERED`, `UNDELIV`, `MK:0001`, …); empty while waiting.
    public let errorCode: String
    public let templateCode: String
    /// The text as sent, `【签名】正文`.
    public let content: String
    public let sentAt: Date?
    public let receivedAt: Date?
    /// The `OutId` given to `send`, nil when none was.
    public let outID: String?

    public init(phone: String, status: Status, errorCode: String, templateCode: String, content: String,
                sentAt: Date?, receivedAt: Date?, outID: String?) {
        self.phone = phone
        self.status = status
        self.errorCode = errorCode
        self.templateCode = templateCode
        self.content = content
        self.sentAt = sentAt
        self.receivedAt = receivedAt
        self.outID = outID
    }
}

/// The `QuerySendDetails` answer: `{Code, Message, RequestId, TotalCount, SmsSendDetailDTOs:
/// {SmsSendDetailDTO: [{PhoneNum, SendStatus, ErrCode, TemplateCode, Content, SendDate, ReceiveDate, OutId}]}}`.
/// The current SDKs type `TotalCount` as text and older answers carry a number, so both are read.
struct SMSSendDetailsPage: Decodable {
    let code: String
    let totalCount: Int
    let details: [SMSSendDetail]

    enum CodingKeys: String, CodingKey {
        case code = "Code", totalCount = "TotalCount", list = "SmsSendDetailDTOs"
    }

    enum ListKeys: String, CodingKey {
        case items = "SmsSendDetailDTO"
    }

    struct Item: Decodable {
        let phone: String
        let sendStatus: Int
        let errCode: String?
        let templateCode: String?
        let content: String?
        let sendDate: String?
        let receiveDate: String?
        let outID: String?

        enum CodingKeys: String, CodingKey {
            case phone = "PhoneNum", sendStatus = "SendStatus", errCode = "ErrCode", templateCode = "TemplateCode"
            case content = "Content", sendDate = "SendDate", receiveDate = "ReceiveDate", outID = "OutId"
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        if let text = try? container.decodeIfPresent(String.self, forKey: .totalCount) {
            totalCount = Int(text) ?? 0
        } else {
            totalCount = try container.decodeIfPresent(Int.self, forKey: .totalCount) ?? 0
        }
        let items = container.contains(.list)
            ? try container.nestedContainer(keyedBy: ListKeys.self, forKey: .list).decodeIfPresent([Item].self, forKey: .items) ?? []
            : []
        details = try items.map { item in
            guard let status = SMSSendDetail.Status(rawValue: item.sendStatus) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.list],
                                                        debugDescription: "SendStatus \(item.sendStatus)"))
            }
            return SMSSendDetail(phone: item.phone, status: status, errorCode: item.errCode ?? "",
                                 templateCode: item.templateCode ?? "", content: item.content ?? "",
                                 sentAt: item.sendDate.flatMap(Self.beijingInstant),
                                 receivedAt: item.receiveDate.flatMap(Self.beijingInstant),
                                 outID: item.outID.flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    /// `yyyy-MM-dd HH:mm:ss` on the Beijing wall clock.
    static func beijingInstant(_ text: String) -> Date? {
        BusinessCalendar.instant(wallClock: Array(text.utf8), separator: UInt8(ascii: " "))
    }
}

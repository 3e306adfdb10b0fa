import Foundation
import HTTPTypes
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// A hospital that takes WeChat Pay, a resident with a locked paid booking, and the sandbox
/// payer who pays in WeChat's cashier.
enum PaymentFixture {
    typealias F = AppointmentFixture

    /// The sandbox merchants: WeChat Pay's mchid and Alipay's partner ID.
    static let sandboxMerchantNo = ["wechat": "1900000001", "alipay": "2088000000000001", "unionpay": "777290058110097",
                                     "insurance": "H45010200001"]

    /// An administrator sets H0001's merchant of the channel (the sandbox merchant).
    static func merchant(_ h: TestHarness, _ client: any TestClientProtocol, hospital: String = "H0001",
                         channel: String = "wechat") async throws {
        let admin = try await CatalogKit.staff(h, client, role: "admin")
        let merchantNo = sandboxMerchantNo[channel] ?? ""
        let saved = try await client.call(.put, "/api/v1/staff/merchants", token: admin,
                                          json: #"{"hospitalCode":"\#(hospital)","channel":"\#(channel)","merchantNo":"\#(merchantNo)"}"#)
        #expect(saved.status == 200, "\(saved.body)")
    }

    static func pay(_ client: any TestClientProtocol, _ resident: Resident, booking: String, key: String? = nil,
                    channel: String = "wechat") async throws -> APIResult {
        var headers: HTTPFields = [:]
        if let key { headers[.init("Idempotency-Key")!] = key }
        return try await client.call(.post, "/api/v1/payments", token: resident.token,
                                     json: #"{"businessType":"registration","bookingId":"\#(booking)","channel":"\#(channel)"}"#,
                                     headers: headers)
    }

    /// A resident (signed in through the channel) with a locked booking of `feeFen` and its open order.
    static func lockedAndOrdered(_ h: TestHarness, _ client: any TestClientProtocol, feeFen: Int64 = 2500, channel: String = "wechat")
        async throws -> (resident: Resident, booking: String, payment: [String: any Sendable]) {
        let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 3, feeFen: feeFen)])
        try await merchant(h, client, channel: channel)
        let resident = try await Resident.register(h, client, through: channel)
        let booked = try await resident.book(client, slot: clinic.slotIDs[0])
        let booking = try #require(booked.object("booking")["id"] as? String)
        let ordered = try await pay(client, resident, booking: booking, key: "pay-\(booking)", channel: channel)
        #expect(ordered.status == 201, "\(ordered.body)")
        return (resident, booking, ordered.object("payment"))
    }

    /// The payer pays at the sandbox; returns the signed notification WeChat Pay sends.
    static func payerPays(_ h: TestHarness, tradeNo: String) async throws -> (headers: [String: String], body: String) {
        let paid = try await h.sandboxJSON("POST", "/sandbox/wechatpay/pay", body: #"{"outTradeNo":"\#(tradeNo)"}"#)
        let notification = try #require(paid["notification"] as? [String: Any], "\(paid)")
        return (try #require(notification["headers"] as? [String: String]), try #require(notification["body"] as? String))
    }

    /// Delivers a notification to Huimin as WeChat Pay's servers do.
    static func deliver(_ client: any TestClientProtocol, headers: [String: String], body: String) async throws -> APIResult {
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        return try await client.execute(uri: "/notify/v1/wechatpay", method: .post, headers: fields,
                                        body: ByteBuffer(string: body)) { response in
            let bytes = Array(buffer: response.body)
            let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
            return APIResult(status: Int(response.status.code), body: object.mapValues(Sendablified.make), raw: bytes,
                             headers: response.headers)
        }
    }

    /// The payer pays in Alipay's cashier; returns the signed form Alipay posts.
    static func alipayPayerPays(_ h: TestHarness, tradeNo: String) async throws -> String {
        let paid = try await h.sandboxJSON("POST", "/sandbox/alipay/pay", body: #"{"outTradeNo":"\#(tradeNo)"}"#)
        let notification = try #require(paid["notification"] as? [String: Any], "\(paid)")
        return try #require(notification["body"] as? String)
    }

    /// Delivers an Alipay notification as Alipay's servers do; returns the status and the body text.
    static func deliverAlipay(_ client: any TestClientProtocol, body: String) async throws -> (status: Int, text: String) {
        try await client.execute(uri: "/notify/v1/alipay", method: .post,
                                 headers: [.contentType: "application/x-www-form-urlencoded; charset=utf-8"],
                                 body: ByteBuffer(string: body)) { response in
            (Int(response.status.code), String(buffer: response.body))
        }
    }

    static func payment(_ client: any TestClientProtocol, _ resident: Resident, _ id: String) async throws -> [String: any Sendable] {
        let shown = try await client.call(.get, "/api/v1/payments/\(id)", token: resident.token)
        #expect(shown.status == 200, "\(shown.body)")
        return shown.object("payment")
    }
}

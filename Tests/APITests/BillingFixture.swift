import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// A resident holding H0001's patient card P00000001, the hospital's WeChat Pay merchant, and the
/// sandbox HIS issuing bills and admitting patients.
enum BillingFixture {
    typealias P = PaymentFixture

    static let patientID = "P00000001"

    /// H0001 connected (its terminal key), taking WeChat Pay, and a registered resident whose self
    /// member holds the card.
    static func cardHolder(_ h: TestHarness, _ client: any TestClientProtocol) async throws -> (Resident, Terminal) {
        let terminal = try await Terminal.connect(h)
        try await P.merchant(h, client)
        let resident = try await Resident.register(h, client)
        let bound = try await client.call(.post, "/api/v1/family-members/\(resident.selfMemberID)/patient-cards", token: resident.token,
                                          json: #"{"hospitalCode":"H0001","patientId":"\#(patientID)"}"#)
        #expect(bound.status == 201, "\(bound.body)")
        return (resident, terminal)
    }

    /// The sandbox HIS issues a bill (two items, 3,550 fen) and pushes it to Huimin; returns the
    /// push's answer (the bill with its pay code).
    static func issueAndPush(_ h: TestHarness, _ client: any TestClientProtocol, terminal: Terminal,
                             patient: String = patientID) async throws -> [String: any Sendable] {
        let push = try await issue(h, patient: patient)
        let billNo = try #require(push["bill_no"] as? String)
        let pushed = try await terminal.call(client, h, .put, "/integration/v1/bills/\(billNo)", json: try json(push))
        #expect(pushed.status == 201, "\(pushed.body)")
        return pushed.object("bill")
    }

    /// A card holder with a pushed bill and its open WeChat Pay order.
    static func billOrdered(_ h: TestHarness, _ client: any TestClientProtocol)
        async throws -> (resident: Resident, bill: [String: any Sendable], payment: [String: any Sendable]) {
        let (resident, terminal) = try await cardHolder(h, client)
        let bill = try await issueAndPush(h, client, terminal: terminal)
        let ordered = try await payBill(client, resident,
                                        #"{"businessType":"clinic_bill","billId":"\#(bill["id"] as? String ?? "")","channel":"wechat"}"#)
        #expect(ordered.status == 201, "\(ordered.body)")
        return (resident, bill, ordered.object("payment"))
    }

    static func issue(_ h: TestHarness, patient: String = patientID) async throws -> [String: Any] {
        let created = try await h.sandboxJSON("POST", "/sandbox/his/bills", body: """
            {"hospital":"H0001","patient_id":"\(patient)","department_name":"内科","doctor_name":"李医生","items":[
             {"category":"西药费","code":"X001","name":"阿莫西林胶囊","specification":"0.25g*24粒","unit":"盒","quantity":"2","unit_price_fen":1275,"amount_fen":2550},
             {"category":"检查费","code":"J010","name":"血常规","unit":"次","quantity":"1","unit_price_fen":1000,"amount_fen":1000}]}
            """)
        return try #require(created["bill"] as? [String: Any], "\(created)")
    }

    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func payBill(_ client: any TestClientProtocol, _ resident: Resident, _ body: String, key: String? = nil) async throws -> APIResult {
        var headers: HTTPFields = [:]
        if let key { headers[.init("Idempotency-Key")!] = key }
        return try await client.call(.post, "/api/v1/payments", token: resident.token, json: body, headers: headers)
    }

    /// The payer pays the order at the WeChat Pay sandbox and the notification is delivered.
    static func paid(_ h: TestHarness, _ client: any TestClientProtocol, _ payment: [String: any Sendable]) async throws {
        let notification = try await P.payerPays(h, tradeNo: try #require(payment["tradeNo"] as? String))
        let delivered = try await P.deliver(client, headers: notification.headers, body: notification.body)
        #expect(delivered.status == 204, "\(delivered.body)")
    }
}

import Alipay
import Foundation
import HuiminCore
import Hummingbird
import Messaging
import SMS
import Synchronization
import Testing
import Transport

@Suite("Alipay messages and SMS delivery receipts against the sandbox")
struct MessagingAlipaySMSTests {
    static let userID = "2088000000000077"
    static let template = "sandbox-ali-appointment-booked"
    static let data = ["keyword1": "惠民医院 心内科", "keyword2": "2026-11-25 09:30", "keyword3": "王医生"]

    private func withMessenger(_ body: (SandboxHarness, AlipayMessenger) async throws -> Void) async throws {
        try await SandboxHarness.run { sandbox in
            let configuration = try #require(try AlipayPayConfiguration.from(settings: sandbox.channels,
                                                                             notifyURL: "http://127.0.0.1:9/notify"))
            let client = AlipayPayClient(configuration: configuration, transport: sandbox.transport, clock: sandbox.clock)
            try await body(sandbox, AlipayMessenger(client: client))
        }
    }

    @Test("a granted form sends once and lands in the fake; used again it falls back")
    func alipaySend() async throws {
        try await withMessenger { sandbox, messenger in
            let form = try await sandbox.post("/sandbox/alipay/forms", "{\"userId\": \"\(Self.userID)\"}")
            let formID = try #require(form["formId"] as? String)
            try await messenger.send(userID: Self.userID, formID: formID, templateID: Self.template, data: Self.data,
                                     page: "pages/appointments/detail?id=bkg_1")
            let messages = try await sandbox.get("/sandbox/alipay/messages?userId=\(Self.userID)")["messages"]
                as? [[String: Any]] ?? []
            #expect(messages.count == 1)
            #expect(messages.first?["data"] as? [String: String] == Self.data)

            let used = await sendError {
                try await messenger.send(userID: Self.userID, formID: formID, templateID: Self.template, data: Self.data,
                                         page: nil)
            }
            #expect(used?.action == .fallBack)
            #expect(used?.vendorCode == "FORM_ID_USED")
        }
    }

    @Test("refusals: unknown template is a dead letter, a system error is retried")
    func alipayRefused() async throws {
        try await withMessenger { sandbox, messenger in
            let form = try await sandbox.post("/sandbox/alipay/forms", "{\"userId\": \"\(Self.userID)\", \"count\": 3}")
            let formID = try #require(form["formId"] as? String)
            let template = await sendError {
                try await messenger.send(userID: Self.userID, formID: formID, templateID: "no-such-template", data: Self.data,
                                         page: nil)
            }
            #expect(template?.action == .deadLetter(reason: "template_invalid"))
            #expect(template?.vendorCode == "USER_TEMPLATE_ILLEGAL")

            try await sandbox.fault("alipay_messages", kind: "error", errorCode: "isp.SYSTEM_ERROR")
            let busy = await sendError {
                try await messenger.send(userID: Self.userID, formID: formID, templateID: Self.template, data: Self.data,
                                         page: nil)
            }
            #expect(busy?.action == .retry(after: 5))
            let messages = try await sandbox.get("/sandbox/alipay/messages")["messages"] as? [[String: Any]] ?? []
            #expect(messages.isEmpty)
        }
    }

    @Test("a receipt is pushed after the send, retried until acknowledged, and parses into SMSReport")
    func smsReceipt() async throws {
        let inbox = ReceiptInbox()
        let router = Router()
        router.post("/sms/receipts") { request, _ -> Response in
            var request = request
            let body = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            // The first push is refused, as a busy receiver would; the gateway must push again.
            if inbox.calls.withLock({ $0 += 1; return $0 }) == 1 { return Response(status: .internalServerError) }
            let reports = try SMSReport.parse(body)
            inbox.reports.withLock { $0.append(contentsOf: reports) }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: SMSReport.acknowledgement)))
        }
        try await LoopbackServer.run(router, label: "sms-receipts") { port in
            try await SandboxHarness.run(configure: { settings in
                settings.messaging.smsReceiptURL = "http://127.0.0.1:\(port)/sms/receipts"
                settings.messaging.smsReceiptDelay = 0.05
                settings.messaging.smsReceiptRetryDelays = [0.1, 0.1, 0.1]
            }) { sandbox in
                let channels = sandbox.channels
                let gateway = SMSGateway(settings: channels, transport: sandbox.transport, clock: sandbox.clock)
                let bizID = try await gateway.send(phone: "13800138001", templateCode: channels.smsVerificationTemplate,
                                                   params: ["code": "123456"], outID: "msg_0001")
                try await sandbox.post("/sandbox/sms/receipts", #"{"errCode": "UNDELIV", "errMsg": "停机"}"#)
                let failedBizID = try await gateway.send(phone: "13800138002",
                                                         templateCode: channels.smsVerificationTemplate,
                                                         params: ["code": "654321"], outID: nil)
                let reports = try await Self.waitFor(count: 2, in: inbox)
                let delivered = try #require(reports.first { $0.bizID == bizID })
                #expect(delivered.phone == "13800138001")
                #expect(delivered.delivered)
                #expect(delivered.errorCode == "DELIVERED")
                #expect(delivered.outID == "msg_0001")
                #expect(delivered.sentAt != nil)
                let failed = try #require(reports.first { $0.bizID == failedBizID })
                #expect(!failed.delivered)
                #expect(failed.errorCode == "UNDELIV")
                #expect(failed.outID == nil)

                // The sandbox marks the receipt acknowledged once it has read the receiver's answer,
                // a moment after the receiver has the report.
                var receipt: [String: Any] = [:]
                for _ in 0..<100 {
                    let shown = try await sandbox.get("/sandbox/sms/messages?phone=13800138001")["messages"]
                        as? [[String: Any]] ?? []
                    receipt = shown.first?["receipt"] as? [String: Any] ?? [:]
                    if receipt["status"] as? String == "acknowledged" { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(receipt["status"] as? String == "acknowledged")
                #expect(receipt["attempts"] as? Int == 2)
            }
        }
    }

    private static func waitFor(count: Int, in inbox: ReceiptInbox) async throws -> [SMSReport] {
        for _ in 0..<100 {
            let reports = inbox.reports.withLock { $0 }
            if reports.count >= count { return reports }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("only \(inbox.reports.withLock { $0.count }) of \(count) receipts arrived")
        return inbox.reports.withLock { $0 }
    }

    @Test("SmsReport bodies parse with numbers and booleans as text; junk is refused")
    func parseReport() throws {
        let body = #"[{"phone_number":"13800138000","send_time":"2026-11-24 10:00:00","report_time":"2026-11-24 10:00:05","#
            + #""success":"false","err_code":"MK:0001","err_msg":"用户关机","sms_size":2,"biz_id":"12345^0","out_id":""}]"#
        let report = try #require(try SMSReport.parse(Array(body.utf8)).first)
        #expect(!report.delivered)
        #expect(report.parts == 2)
        #expect(report.outID == nil)
        #expect(report.sentAt.map { ISO8601.string($0) } == "2026-11-24T02:00:00.000Z")
        #expect(throws: AppError.self) { try SMSReport.parse(Array(#"{"phone_number":"1"}"#.utf8)) }
        #expect(throws: AppError.self) { try SMSReport.parse(Array(#"[{"phone_number":"138"}]"#.utf8)) }
    }
}

/// What the test's receipt receiver took, and how many pushes it saw.
private final class ReceiptInbox: Sendable {
    let reports = Mutex<[SMSReport]>([])
    let calls = Mutex(0)
}

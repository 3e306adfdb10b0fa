import Foundation
import HuiminCore
import Hummingbird
import Logging
import Synchronization
import Transport

/// Aliyun's delivery receipts (SmsReport): some time after a send, the gateway POSTs a JSON array
/// `[{phone_number, send_time, report_time, success, err_code, err_msg, sms_size, biz_id, out_id}]`
/// to the receipt URL (`MessagingSandboxSettings.smsReceiptURL`; nil sends none) and expects
/// `{"code":0,"msg":"接收成功"}`; any other answer, or none, is pushed again after each of
/// `smsReceiptRetryDelays`, then given up. Receipts say DELIVERED unless
/// `POST /sandbox/sms/receipts {errCode, errMsg?, times?}` switched the next `times` receipts to a
/// failure (`UNDELIV`, `MK:0001`, …). The receipt's state shows on `GET /sandbox/sms/messages`.
struct FakeSMSReceipts: Sendable {
    /// What `GET /sandbox/sms/messages` shows of a message's receipt.
    struct Receipt: Encodable, Sendable {
        /// `pending` (not yet acknowledged), `acknowledged`, `gave_up`.
        var status: String
        var errCode: String
        var attempts: Int
    }

    /// The switch: how the next receipts turn out.
    final class Plan: Sendable {
        private let pending = Mutex<(errCode: String, errMsg: String, remaining: Int)?>(nil)

        func arm(errCode: String, errMsg: String, times: Int) {
            pending.withLock { $0 = errCode == "DELIVERED" ? nil : (errCode, errMsg, times) }
        }

        /// `(err_code, err_msg)` of the next receipt.
        func next() -> (String, String) {
            pending.withLock { plan in
                guard let current = plan, current.remaining > 0 else { return ("DELIVERED", "用户接收成功") }
                plan = current.remaining > 1 ? (current.errCode, current.errMsg, current.remaining - 1) : nil
                return (current.errCode, current.errMsg)
            }
        }
    }

    struct Entry: Encodable {
        let phone_number: String
        let send_time: String
        let report_time: String
        let success: Bool
        let err_code: String
        let err_msg: String
        let sms_size: String
        let biz_id: String
        let out_id: String?
    }

    struct SwitchRequest: Decodable {
        let errCode: String
        let errMsg: String?
        let times: Int?
    }

    static let transport = HTTPTransport(timeout: 5)

    let settings: MessagingSandboxSettings
    let clock: any HuiminClock
    let plan: Plan
    let outbox: FakeSMS.Outbox
    let logger: Logger

    /// Starts the receipt pushes for one accepted send (one entry per number), unless receipts are off.
    func schedule(_ messages: [FakeSMS.Message]) {
        guard let url = settings.smsReceiptURL, let first = messages.first else { return }
        let (errCode, errMsg) = plan.next()
        let sentAt = FakeAlipay.beijingTime(clock.now())
        // The sandbox has no template texts: the billed parts (70 characters, then 67 each) are
        // estimated from the signature, the parameters and 20 characters of fixed wording.
        let parts = String((first.signName.count + 2 + first.params.values.reduce(0) { $0 + $1.count } + 20) / 67 + 1)
        let entries = messages.map { message in
            Entry(phone_number: message.phone, send_time: sentAt, report_time: sentAt, success: errCode == "DELIVERED",
                  err_code: errCode, err_msg: errMsg, sms_size: parts, biz_id: message.bizId, out_id: message.outId)
        }
        outbox.updateReceipt(bizID: first.bizId) { $0 = Receipt(status: "pending", errCode: errCode, attempts: 0) }
        Task { await push(entries, to: url, bizID: first.bizId) }
    }

    private func push(_ entries: [Entry], to url: String, bizID: String) async {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let body = try? encoder.encode(entries) else { return }
        var waits = [settings.smsReceiptDelay] + settings.smsReceiptRetryDelays
        while !waits.isEmpty {
            try? await Task.sleep(for: .seconds(waits.removeFirst()))
            let response = try? await Self.transport.send(OutboundRequest(
                method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array(body)))
            let acknowledged = response.map { $0.status == 200 && Self.isAcknowledgement($0.body) } ?? false
            outbox.updateReceipt(bizID: bizID) { receipt in
                receipt?.attempts += 1
                if acknowledged { receipt?.status = "acknowledged" } else if waits.isEmpty { receipt?.status = "gave_up" }
            }
            if acknowledged { return }
            logger.debug("sms receipt not acknowledged", metadata: ["bizId": "\(bizID)"])
        }
    }

    /// `{"code":0,"msg":"接收成功"}` (the code as a number or text).
    static func isAcknowledgement(_ body: [UInt8]) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return false }
        return (object["code"] as? NSNumber)?.intValue == 0 || object["code"] as? String == "0"
    }

    static func registerControl(plan: Plan, on router: Router<BasicRequestContext>) {
        router.post("/sandbox/sms/receipts") { request, _ in
            guard let body = SandboxHTTP.decode(SwitchRequest.self, from: try await SandboxHTTP.body(request)),
                  !body.errCode.isEmpty, (body.times ?? 1) > 0 else {
                return SandboxHTTP.json(FakeWeChatMessages.Problem(error: "expected {errCode: DELIVERED|UNDELIV|…, errMsg?, times? > 0}"),
                                        status: .badRequest)
            }
            plan.arm(errCode: body.errCode, errMsg: body.errMsg ?? "用户接收失败", times: body.times ?? 1)
            return Response(status: .noContent)
        }
    }
}

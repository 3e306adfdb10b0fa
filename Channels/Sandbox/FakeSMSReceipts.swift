import Foundation
import HuiminCore
import Hummingbird
import Logging
import Synchronization
import Transport

/// Aliyun's delivery receipts (SmsReport): `smsReceiptDelay` after a send, the gateway POSTs a JSON
/// array `[{phone_number, send_time, report_time, success, err_code, err_msg, sms_size, biz_id,
/// out_id}]` (the receipts then due, batched) to the receipt URL (`MessagingSandboxSettings.smsReceiptURL`;
/// nil sends none) and expects `{"code":0,"msg":"接收成功"}`; any other answer, or none, is pushed
/// again after each of `smsReceiptRetryDelays`, then given up. Reports say DELIVERED unless
/// `POST /sandbox/sms/receipts {errCode, errMsg?, times?}` switched the next `times` messages'
/// reports to a failure (`UNDELIV`, `MK:0001`, …); QuerySendDetails shows the same report. The
/// receipt's state shows on `GET /sandbox/sms/messages`.
struct FakeSMSReceipts: Sendable {
    /// What `GET /sandbox/sms/messages` shows of a message's receipt.
    struct Receipt: Encodable, Sendable {
        /// `pending` (not yet acknowledged), `acknowledged`, `gave_up`.
        var status: String
        var errCode: String
        var attempts: Int
    }

    /// The carrier's verdict on one message.
    struct Report: Sendable {
        let errCode: String
        let errMsg: String

        var delivered: Bool { errCode == "DELIVERED" }

        static let delivered = Report(errCode: "DELIVERED", errMsg: "用户接收成功")
    }

    /// The switch: how the next messages' reports turn out.
    final class Plan: Sendable {
        private let pending = Mutex<(errCode: String, errMsg: String, remaining: Int)?>(nil)

        func arm(errCode: String, errMsg: String, times: Int) {
            pending.withLock { $0 = errCode == "DELIVERED" ? nil : (errCode, errMsg, times) }
        }

        /// The report of the next accepted message.
        func next() -> Report {
            pending.withLock { plan in
                guard let current = plan, current.remaining > 0 else { return .delivered }
                plan = current.remaining > 1 ? (current.errCode, current.errMsg, current.remaining - 1) : nil
                return Report(errCode: current.errCode, errMsg: current.errMsg)
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

    /// Receipts waiting for the next push. Aliyun pushes receipts in batches (the body is an array),
    /// and so does the sandbox: everything that fell due within `smsReceiptDelay` goes in one POST
    /// of at most `batchSize` entries, so a broadcast of thousands a second is not as many POSTs.
    final class Queue: Sendable {
        private let pending = Mutex<(entries: [Entry], flushScheduled: Bool)>(([], false))

        /// Queues entries; true when no flush is scheduled yet and the caller must start one.
        func add(_ entries: [Entry]) -> Bool {
            pending.withLock { pending in
                pending.entries += entries
                defer { pending.flushScheduled = true }
                return !pending.flushScheduled
            }
        }

        /// Everything queued; what is added from now on waits for the next flush.
        func drain() -> [Entry] {
            pending.withLock { pending in
                defer { pending = ([], false) }
                return pending.entries
            }
        }
    }

    /// The sandbox's choice; Aliyun does not document its batch size.
    static let batchSize = 100
    static let transport = HTTPTransport(timeout: 5)

    let settings: MessagingSandboxSettings
    let clock: any HuiminClock
    let outbox: FakeSMS.Outbox
    let queue: Queue
    let logger: Logger

    /// Queues the receipts of one accepted send (one entry per number), unless receipts are off.
    func schedule(_ messages: [FakeSMS.Message]) {
        guard let url = settings.smsReceiptURL, let first = messages.first else { return }
        let report = first.report
        let sentAt = FakeAlipay.beijingTime(clock.now())
        // The sandbox has no template texts: the billed parts (70 characters, then 67 each) are
        // estimated from the signature, the parameters and 20 characters of fixed wording.
        let parts = String((first.signName.count + 2 + first.params.values.reduce(0) { $0 + $1.count } + 20) / 67 + 1)
        let entries = messages.map { message in
            Entry(phone_number: message.phone, send_time: sentAt, report_time: sentAt, success: report.delivered,
                  err_code: report.errCode, err_msg: report.errMsg, sms_size: parts, biz_id: message.bizId, out_id: message.outId)
        }
        outbox.updateReceipts(bizIDs: [first.bizId]) { $0 = Receipt(status: "pending", errCode: report.errCode, attempts: 0) }
        guard queue.add(entries) else { return }
        Task(executorPreference: SandboxThreads.shared) {
            try? await Task.sleep(for: .seconds(settings.smsReceiptDelay))
            let due = queue.drain()
            for start in stride(from: 0, to: due.count, by: Self.batchSize) {
                let batch = Array(due[start..<min(start + Self.batchSize, due.count)])
                Task(executorPreference: SandboxThreads.shared) { await push(batch, to: url) }
            }
        }
    }

    /// Pushes one batch until it is acknowledged, waiting `smsReceiptRetryDelays` between tries.
    private func push(_ entries: [Entry], to url: String) async {
        guard let body = try? SandboxHTTP.encoder.encode(entries) else { return }
        let bizIDs = Set(entries.map(\.biz_id))
        var waits = settings.smsReceiptRetryDelays
        while true {
            let response = try? await Self.transport.send(OutboundRequest(
                method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array(body)))
            let acknowledged = response.map { $0.status == 200 && Self.isAcknowledgement($0.body) } ?? false
            outbox.updateReceipts(bizIDs: bizIDs) { receipt in
                receipt?.attempts += 1
                if acknowledged { receipt?.status = "acknowledged" } else if waits.isEmpty { receipt?.status = "gave_up" }
            }
            if acknowledged || waits.isEmpty { return }
            logger.debug("sms receipts not acknowledged", metadata: ["entries": "\(entries.count)"])
            try? await Task.sleep(for: .seconds(waits.removeFirst()))
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

import Foundation
import HuiminCore
import Hummingbird
import Messaging
import SMS
import Synchronization
import Testing

/// Receipts that fall due together are pushed together, as Aliyun's batch push does: a broadcast
/// of thousands a second must not turn into as many POSTs to Huimin.
@Suite("SMS delivery receipts are pushed in batches")
struct SMSReceiptBatchTests {
    @Test("ten sends at once reach the receiver as fewer pushes carrying all ten receipts")
    func batched() async throws {
        let pushes = Mutex<[Int]>([])
        let router = Router()
        router.post("/sms/receipts") { request, _ -> Response in
            var request = request
            let reports = try SMSReport.parse(Array(try await request.collectBody(upTo: 1 << 20).readableBytesView))
            pushes.withLock { $0.append(reports.count) }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: SMSReport.acknowledgement)))
        }
        try await LoopbackServer.run(router, label: "sms-receipt-batches") { port in
            try await SandboxHarness.run(configure: { settings in
                settings.messaging.smsReceiptURL = "http://127.0.0.1:\(port)/sms/receipts"
                // Long enough for ten sends to be accepted first, even on a loaded machine.
                settings.messaging.smsReceiptDelay = 2
            }) { sandbox in
                let gateway = SMSGateway(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
                try await withThrowingTaskGroup(of: String.self) { group in
                    for n in 0..<10 {
                        group.addTask {
                            try await gateway.send(phone: "1370000\(String(format: "%04d", n))", templateCode: "SMS_900000001",
                                                   params: ["name": "王*"], outID: "ntf_\(n)")
                        }
                    }
                    try await group.waitForAll()
                }
                for _ in 0..<100 where pushes.withLock({ $0.reduce(0, +) }) < 10 {
                    try await Task.sleep(for: .milliseconds(50))
                }
                let counts = pushes.withLock { $0 }
                #expect(counts.reduce(0, +) == 10)
                #expect(counts.count < 10, "pushes of \(counts) receipts")
                // The sandbox marks a receipt acknowledged once it has read Huimin's answer, which
                // is a moment after the receiver above has counted the push.
                var acknowledged = 0
                for _ in 0..<100 {
                    let listed = try await sandbox.get("/sandbox/sms/messages")["messages"] as? [[String: Any]] ?? []
                    acknowledged = listed.count { ($0["receipt"] as? [String: Any])?["status"] as? String == "acknowledged" }
                    if acknowledged == 10 { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(acknowledged == 10)
            }
        }
    }
}

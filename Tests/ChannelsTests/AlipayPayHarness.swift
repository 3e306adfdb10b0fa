@testable import Alipay
import Foundation
import HuiminCore
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import Transport

/// A sandbox (SandboxHarness) plus a tiny merchant: a Hummingbird route on loopback that takes the
/// fake Alipay's async notifications the way Huimin must (verify with `AlipayPayClient.notification`,
/// answer the literal `success` when accepted, `fail` with the error's status when refused) and
/// remembers each one.
struct AlipayPayHarness: Sendable {
    let sandbox: SandboxHarness
    let client: AlipayPayClient
    let configuration: AlipayPayConfiguration
    let inbox: AlipayInbox
    let receiverURL: String

    var clock: ManualClock { sandbox.clock }

    static func run(timeout: Double = 15, _ body: (AlipayPayHarness) async throws -> Void) async throws {
        try await SandboxHarness.run(timeout: timeout) { sandbox in
            let inbox = AlipayInbox()
            try await AlipayReceiver.run(inbox: inbox) { port in
                let receiverURL = "http://127.0.0.1:\(port)"
                let configuration = try #require(try AlipayPayConfiguration.from(
                    settings: sandbox.channels, notifyURL: receiverURL + "/notify/alipay"))
                let client = AlipayPayClient(configuration: configuration, transport: sandbox.transport, clock: sandbox.clock)
                inbox.client = client
                try await body(AlipayPayHarness(sandbox: sandbox, client: client, configuration: configuration,
                                                inbox: inbox, receiverURL: receiverURL))
            }
        }
    }

    static func tradeNo(_ kind: Character = "P") -> String {
        TradeNumber.make(kind, at: Date())
    }

    func order(_ outTradeNo: String = AlipayPayHarness.tradeNo(), fen: Int64 = 2500) -> AlipayOrder {
        AlipayOrder(outTradeNo: outTradeNo, subject: "惠民健康-挂号费", amountFen: fen,
                    buyerOpenID: "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5", expiresAt: clock.now().addingTimeInterval(900),
                    passback: "bkg_test")
    }

    /// The payer pays through the control route; returns its JSON answer.
    @discardableResult
    func pay(_ outTradeNo: String) async throws -> [String: Any] {
        try await sandbox.post("/sandbox/alipay/pay", "{\"outTradeNo\": \"\(outTradeNo)\"}")
    }

    func notifications(mode: String, times: Int = 1, delayMs: Int? = nil) async throws {
        let delay = delayMs.map { ", \"delayMs\": \($0)" } ?? ""
        try await sandbox.post("/sandbox/alipay/notifications", "{\"mode\": \"\(mode)\", \"times\": \(times)\(delay)}")
    }

    func fakeOrder(_ outTradeNo: String) async throws -> [String: Any] {
        try await sandbox.get("/sandbox/alipay/orders/\(outTradeNo)")
    }

    /// Waits (briefly, in real time) until the inbox holds `count` notifications.
    func waitForNotifications(_ count: Int, seconds: Double = 20) async throws -> [AlipayInbox.Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while inbox.all.count < count, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return inbox.all
    }
}

final class AlipayInbox: Sendable {
    struct Received: Sendable {
        let contentType: String?
        let body: [UInt8]
        let result: Result<AlipayNotification, AppError>
    }

    private let received = Mutex<[Received]>([])
    private let judge = Mutex<AlipayPayClient?>(nil)

    var client: AlipayPayClient? {
        get { judge.withLock { $0 } }
        set { judge.withLock { $0 = newValue } }
    }

    var all: [Received] { received.withLock { $0 } }

    var accepted: [AlipayNotification] {
        all.compactMap { if case .success(let n) = $0.result { n } else { nil } }
    }

    func append(_ item: Received) {
        received.withLock { $0.append(item) }
    }
}

enum AlipayReceiver {
    static func run(inbox: AlipayInbox, _ body: (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/notify/alipay") { request, _ -> Response in
            var request = request
            let bytes = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            let result: Result<AlipayNotification, AppError>
            do {
                guard let client = inbox.client else { throw AppError.internalError }
                result = .success(try client.notification(body: bytes))
            } catch let error as AppError {
                result = .failure(error)
            }
            inbox.append(.init(contentType: request.headers[.contentType], body: bytes, result: result))
            switch result {
            case .success:
                return Response(status: .ok, headers: [.contentType: "text/plain"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: "success")))
            case .failure(let error):
                return Response(status: .init(code: error.status), headers: [.contentType: "text/plain"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: "fail")))
            }
        }
        // A gateway impostor: well-formed answers without a signature.
        router.post("/unsigned/gateway.do") { request, _ -> Response in
            let method = request.uri.query.flatMap { query in
                query.split(separator: "&").first { $0.hasPrefix("kind=") }.map { String($0.dropFirst(5)) }
            }
            let node = method == "error"
                ? #"{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST","sub_msg":"交易不存在"}"#
                : #"{"code":"10000","msg":"Success","trade_no":"2026092122001400000000000001","out_trade_no":"P1","#
                    + #""trade_status":"TRADE_SUCCESS","total_amount":"25.00"}"#
            return Response(status: .ok, headers: [.contentType: "application/json;charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"alipay_trade_query_response":"# + node + "}")))
        }
        try await LoopbackServer.run(router, label: "alipay-receiver", body)
    }
}

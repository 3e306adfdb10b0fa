import Foundation
import HuiminCore
import Hummingbird
import Logging
import Sandbox
import ServiceLifecycle
import Synchronization
import Transport
@testable import WeChatPay

/// A sandbox (SandboxHarness) plus a tiny merchant: a Hummingbird route on loopback that takes the
/// fake's notifications the way Huimin must (verify + decrypt with `WeChatPayClient.notification`,
/// 204 when accepted, 401/400 `{"code":"FAIL"}` when refused) and remembers each one.
struct WeChatPayHarness: Sendable {
    let sandbox: SandboxHarness
    let client: WeChatPayClient
    let configuration: WeChatPayConfiguration
    let inbox: NotificationInbox
    let receiverURL: String

    var clock: ManualClock { sandbox.clock }

    static func run(timeout: Double = 15, _ body: (WeChatPayHarness) async throws -> Void) async throws {
        try await SandboxHarness.run(timeout: timeout) { sandbox in
            let inbox = NotificationInbox()
            try await NotificationReceiver.run(inbox: inbox, clock: sandbox.clock) { port in
                let receiverURL = "http://127.0.0.1:\(port)"
                let configuration = try WeChatPayConfiguration.sandbox(
                    keyDirectory: sandbox.settings.keys.wechatPay.directory, baseURL: sandbox.baseURL,
                    notifyURL: receiverURL + "/notify/wechatpay", refundNotifyURL: receiverURL + "/notify/wechatpay-refund")
                let made = WeChatPayClient(configuration: configuration, transport: sandbox.transport, clock: sandbox.clock)
                inbox.client = made
                try await body(WeChatPayHarness(sandbox: sandbox, client: made, configuration: configuration, inbox: inbox,
                                                receiverURL: receiverURL))
            }
        }
    }

    /// A fresh trade number of 23 letters and digits, as Huimin makes them.
    static func tradeNo(_ kind: Character = "P") -> String {
        TradeNumber.make(kind, at: Date())
    }

    func order(_ outTradeNo: String = WeChatPayHarness.tradeNo(), fen: Int64 = 2500) -> WeChatPayOrder {
        WeChatPayOrder(outTradeNo: outTradeNo, description: "惠民健康-挂号费", amountFen: fen,
                       payerOpenID: "o6_bmWeChatPayTestPayer00001", expiresAt: clock.now().addingTimeInterval(900),
                       attach: "bkg_test")
    }

    /// The payer pays through the control route; returns its JSON answer.
    @discardableResult
    func pay(_ outTradeNo: String, payerFen: Int64? = nil) async throws -> [String: Any] {
        let payer = payerFen.map { ", \"payerFen\": \($0)" } ?? ""
        return try await sandbox.post("/sandbox/wechatpay/pay", "{\"outTradeNo\": \"\(outTradeNo)\"\(payer)}")
    }

    func notifications(mode: String, times: Int = 1, delayMs: Int? = nil) async throws {
        let delay = delayMs.map { ", \"delayMs\": \($0)" } ?? ""
        try await sandbox.post("/sandbox/wechatpay/notifications", "{\"mode\": \"\(mode)\", \"times\": \(times)\(delay)}")
    }

    func fakeOrder(_ outTradeNo: String) async throws -> [String: Any] {
        try await sandbox.get("/sandbox/wechatpay/orders/\(outTradeNo)")
    }

    /// Waits (briefly, in real time) until the inbox holds `count` notifications.
    func waitForNotifications(_ count: Int, seconds: Double = 20) async throws -> [NotificationInbox.Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while inbox.all.count < count, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return inbox.all
    }
}

/// What the receiver got: the raw request and what `notification(...)` made of it.
final class NotificationInbox: Sendable {
    struct Received: Sendable {
        let headers: [String: String]
        let body: [UInt8]
        let path: String
        let result: Result<WeChatPayNotification, AppError>
        let arrivedAt = ContinuousClock.now
    }

    private let received = Mutex<[Received]>([])
    private let judge = Mutex<WeChatPayClient?>(nil)

    /// The client whose `notification(...)` judges what arrives (set once the receiver's URL is known).
    var client: WeChatPayClient? {
        get { judge.withLock { $0 } }
        set { judge.withLock { $0 = newValue } }
    }

    var all: [Received] { received.withLock { $0 } }

    func append(_ item: Received) {
        received.withLock { $0.append(item) }
    }
}

enum NotificationReceiver {
    static func run(inbox: NotificationInbox, clock: ManualClock, _ body: (Int) async throws -> Void) async throws {
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            var request = request
            let bytes = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.rawName] = field.value }
            let result: Result<WeChatPayNotification, AppError>
            do {
                guard let client = inbox.client else { throw AppError.internalError }
                result = .success(try client.notification(headers: headers, body: bytes, now: clock.now()))
            } catch let error as AppError {
                result = .failure(error)
            }
            inbox.append(.init(headers: headers, body: bytes, path: request.uri.path, result: result))
            switch result {
            case .success:
                return Response(status: .noContent)
            case .failure(let error):
                return Response(status: .init(code: error.status), headers: [.contentType: "application/json"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"code":"FAIL","message":"refused"}"#)))
            }
        }
        router.post("/notify/wechatpay", use: handler)
        router.post("/notify/wechatpay-refund", use: handler)
        try await LoopbackServer.run(router, label: "wechatpay-receiver", body)
    }
}

import Foundation
import HuiminCore
import Hummingbird
import Synchronization
import Testing
import Transport
@testable import UnionPay

/// A sandbox (SandboxHarness) plus a tiny merchant: a loopback route that takes the fake
/// UnionPay's backUrl notifications the way Huimin must (verify with `UnionPayClient.notification`,
/// answer 200 when accepted, the error's status when refused) and remembers each one.
struct UnionPayHarness: Sendable {
    let sandbox: SandboxHarness
    let client: UnionPayClient
    let configuration: UnionPayConfiguration
    let inbox: UnionPayInbox
    let receiverURL: String

    var clock: ManualClock { sandbox.clock }

    static func run(timeout: Double = 15, _ body: (UnionPayHarness) async throws -> Void) async throws {
        try await SandboxHarness.run(timeout: timeout) { sandbox in
            let inbox = UnionPayInbox()
            try await UnionPayReceiver.run(inbox: inbox) { port in
                let receiverURL = "http://127.0.0.1:\(port)"
                let configuration = try #require(try UnionPayConfiguration.from(
                    settings: sandbox.channels, backURL: receiverURL + "/notify/unionpay"))
                let client = UnionPayClient(configuration: configuration, transport: sandbox.transport, clock: sandbox.clock)
                inbox.client = client
                try await body(UnionPayHarness(sandbox: sandbox, client: client, configuration: configuration,
                                               inbox: inbox, receiverURL: receiverURL))
            }
        }
    }

    /// `P…` 23 letters and digits (Huimin's own trade numbers).
    static func orderID(_ kind: Character = "P") -> String {
        TradeNumber.make(kind, at: Date())
    }

    func order(_ orderID: String = UnionPayHarness.orderID(), fen: Int64 = 2500) -> UnionPayOrder {
        UnionPayOrder(orderID: orderID, txnTime: clock.now(), amountFen: fen, payTimeout: clock.now().addingTimeInterval(900),
                      reserved: "bkg_test")
    }

    /// A client over the same transport and clock with its configuration changed.
    func client(_ change: (inout UnionPayConfiguration) -> Void) -> UnionPayClient {
        var changed = configuration
        change(&changed)
        return UnionPayClient(configuration: changed, transport: sandbox.transport, clock: clock)
    }

    /// The payer pays through the control route; returns its JSON answer.
    @discardableResult
    func pay(_ orderID: String) async throws -> [String: Any] {
        try await sandbox.post("/sandbox/unionpay/pay", "{\"orderId\": \"\(orderID)\"}")
    }

    func notifications(mode: String, times: Int = 1) async throws {
        try await sandbox.post("/sandbox/unionpay/notifications", "{\"mode\": \"\(mode)\", \"times\": \(times)}")
    }

    func fakeOrder(_ orderID: String) async throws -> [String: Any] {
        try await sandbox.get("/sandbox/unionpay/orders/\(orderID)")
    }

    /// Creates and pays a consume of `fen`, waiting for its notification; returns it and its query.
    func paid(fen: Int64 = 2500) async throws -> (UnionPayCreated, UnionPayTransaction) {
        let created = try await client.consume(order(fen: fen))
        let before = inbox.all.count
        try await pay(created.orderID)
        _ = try await waitForNotifications(before + 1)
        return (created, try await client.query(orderID: created.orderID, txnTime: created.txnTime))
    }

    /// Waits (briefly, in real time) until the inbox holds `count` notifications.
    func waitForNotifications(_ count: Int, seconds: Double = 5) async throws -> [UnionPayInbox.Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while inbox.all.count < count, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return inbox.all
    }
}

final class UnionPayInbox: Sendable {
    struct Received: Sendable {
        let body: [UInt8]
        let result: Result<UnionPayNotification, AppError>
    }

    private let received = Mutex<[Received]>([])
    private let judge = Mutex<UnionPayClient?>(nil)

    var client: UnionPayClient? {
        get { judge.withLock { $0 } }
        set { judge.withLock { $0 = newValue } }
    }

    var all: [Received] { received.withLock { $0 } }

    var accepted: [UnionPayNotification] {
        all.compactMap { if case .success(let n) = $0.result { n } else { nil } }
    }

    func append(_ item: Received) {
        received.withLock { $0.append(item) }
    }
}

enum UnionPayReceiver {
    static func run(inbox: UnionPayInbox, _ body: (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/notify/unionpay") { request, _ -> Response in
            var request = request
            let bytes = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            let result: Result<UnionPayNotification, AppError>
            do {
                guard let client = inbox.client else { throw AppError.internalError }
                result = .success(try client.notification(body: bytes))
            } catch let error as AppError {
                result = .failure(error)
            }
            inbox.append(.init(body: bytes, result: result))
            switch result {
            case .success: return Response(status: .ok)
            case .failure(let error): return Response(status: .init(code: error.status))
            }
        }
        // A gateway impostor: well-formed answers without a signature, a success under `/unsigned/ok`
        // and a refusal under `/unsigned/error`.
        for (prefix, text) in [
            ("ok", "version=5.1.0&merId=777290058110097&respCode=00&respMsg=成功&origRespCode=00&orderId=P1&txnAmt=2500"),
            ("error", "version=5.1.0&merId=777290058110097&respCode=34&respMsg=查无此交易"),
        ] {
            router.post(RouterPath(stringLiteral: "/unsigned/\(prefix)/gateway/api/queryTrans.do")) { _, _ -> Response in
                Response(status: .ok, headers: [.contentType: "text/html;charset=UTF-8"],
                         body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            }
        }
        try await LoopbackServer.run(router, label: "unionpay-receiver", body)
    }
}

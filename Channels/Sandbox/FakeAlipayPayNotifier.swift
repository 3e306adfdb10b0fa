import Foundation
import HuiminCore
import Logging
import Transport

/// Builds Alipay async notifications (form-encoded, RSA2 with the platform key over every field
/// but `sign` and `sign_type`, sorted, `k=v&…`) and posts them to the trade's notify_url, behaving
/// as the armed plan says: dropped, sent twice, sent late, altered after signing, or signed with
/// sign_type included (the classic mistake a correct verifier refuses).
struct FakeAlipayPayNotifier: Sendable {
    let settings: SandboxSettings
    let ledger: FakeAlipayPayLedger
    let clock: any HuiminClock
    let transport: HTTPTransport
    let logger: Logger

    struct Report: Sendable {
        let notifyID: String
        let mode: String
        /// One entry per POST made; nil when Huimin could not be reached.
        let statuses: [Int?]
        /// Huimin's reply bodies, in the same order.
        let replies: [String?]
        /// The notification as sent (or as it would have been, when dropped).
        let notification: FakeAlipayPayLedger.Notification
    }

    static let contentType = "application/x-www-form-urlencoded; charset=utf-8"

    /// The fields of a trade's notification, refund fields included when `refund` is given.
    func fields(_ trade: FakeAlipayPayLedger.Trade, refund: FakeAlipayPayLedger.Refund?, now: Date) -> [(String, String)] {
        let yuan = FakeAlipayPay.yuan
        var f: [(String, String)] = [
            ("notify_time", FakeAlipay.beijingTime(now)), ("notify_type", "trade_status_sync"),
            ("notify_id", Self.notifyID(now)), ("app_id", settings.alipayAppID), ("charset", "utf-8"),
            ("version", "1.0"), ("trade_no", trade.tradeNo), ("out_trade_no", trade.outTradeNo),
            (trade.buyerIsOpenID ? "buyer_open_id" : "buyer_id", trade.buyerID), ("buyer_logon_id", "sbx***@sandbox.com"),
            ("seller_id", settings.alipayPay.sellerID), ("seller_email", "sandbox-merchant@alipay.com"),
            ("trade_status", trade.status), ("total_amount", yuan(trade.totalFen)), ("subject", trade.subject),
            ("gmt_create", FakeAlipay.beijingTime(trade.createdAt)),
        ]
        if let paidAt = trade.paidAt {
            f += [("receipt_amount", yuan(trade.totalFen)), ("invoice_amount", yuan(trade.totalFen)),
                  ("buyer_pay_amount", yuan(trade.totalFen)), ("point_amount", "0.00"),
                  ("gmt_payment", FakeAlipay.beijingTime(paidAt)),
                  ("fund_bill_list", "[{\"amount\":\"\(yuan(trade.totalFen))\",\"fundChannel\":\"ALIPAYACCOUNT\"}]")]
        }
        if let refund {
            f += [("out_biz_no", refund.outRequestNo), ("refund_fee", yuan(refund.refundedTotalFen)),
                  ("gmt_refund", FakeAlipay.beijingTime(refund.at) + ".000")]
        }
        if trade.status == "TRADE_CLOSED", let closedAt = trade.closedAt {
            f.append(("gmt_close", FakeAlipay.beijingTime(closedAt)))
        }
        if let passback = trade.passback { f.append(("passback_params", passback)) }
        return f
    }

    /// `2026092100222141320083160512345678`-like: date, time, then random digits.
    static func notifyID(_ now: Date) -> String {
        FakeAlipay.beijingTime(now).filter(\.isNumber) + "0" + SandboxHTTP.randomString(19, alphabet: SandboxHTTP.digits)
    }

    /// The form body, signed as the mode says.
    func build(_ fields: [(String, String)], url: String?, mode: FakeAlipayPayLedger.NotificationMode)
        -> FakeAlipayPayLedger.Notification {
        let withType = fields + [("sign_type", "RSA2")]
        let signed = withType.filter { ($0.0 != "sign_type" || mode == .signtype) && !$0.1.isEmpty }
            .sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let sign = (try? settings.keys.platformPrivateKey.sign(Array(signed.utf8))).map { Data($0).base64EncodedString() } ?? ""
        var sent = withType + [("sign", sign)]
        if mode == .alter {
            // Changed after signing: a payer who edits the amount on the way.
            sent = sent.map { $0.0 == "total_amount" ? ($0.0, "0.01") : $0 }
        }
        let dictionary = SandboxHTTP.dictionary(fields)
        return .init(notifyID: dictionary["notify_id"] ?? "", tradeStatus: dictionary["trade_status"] ?? "", url: url,
                     body: Array(PercentEncoding.query(sent).utf8))
    }

    /// Builds and sends a notification as the plan says and remembers it for resends.
    func deliver(_ trade: FakeAlipayPayLedger.Trade, refund: FakeAlipayPayLedger.Refund?) async -> Report {
        let (mode, delayMs) = ledger.takeNotificationMode()
        let fields = fields(trade, refund: refund, now: clock.now())
        // A retry (resend) is always the genuine notification, whatever happened to this delivery.
        let genuine = build(fields, url: trade.notifyURL, mode: .normal)
        ledger.withState { $0.lastNotification[trade.outTradeNo] = genuine }
        let notification = mode == .alter || mode == .signtype ? build(fields, url: trade.notifyURL, mode: mode) : genuine
        let outTradeNo = trade.outTradeNo
        switch mode {
        case .drop:
            record(notification, mode: mode.rawValue, status: nil, reply: nil, outTradeNo: outTradeNo)
            return Report(notifyID: notification.notifyID, mode: mode.rawValue, statuses: [], replies: [],
                          notification: notification)
        case .delay:
            Task(executorPreference: SandboxThreads.shared) {
                try? await Task.sleep(for: .milliseconds(delayMs))
                _ = await post(notification, mode: mode.rawValue, outTradeNo: outTradeNo)
            }
            return Report(notifyID: notification.notifyID, mode: mode.rawValue, statuses: [], replies: [],
                          notification: notification)
        case .duplicate:
            let first = await post(notification, mode: mode.rawValue, outTradeNo: outTradeNo)
            let second = await post(notification, mode: mode.rawValue, outTradeNo: outTradeNo)
            return Report(notifyID: notification.notifyID, mode: mode.rawValue, statuses: [first.0, second.0],
                          replies: [first.1, second.1], notification: notification)
        case .normal, .alter, .signtype:
            let (status, reply) = await post(notification, mode: mode.rawValue, outTradeNo: outTradeNo)
            return Report(notifyID: notification.notifyID, mode: mode.rawValue, statuses: [status], replies: [reply],
                          notification: notification)
        }
    }

    /// Sends the trade's last notification again, byte for byte (Alipay's retry).
    func resend(outTradeNo: String) async -> Report? {
        guard let last = ledger.withState({ $0.lastNotification[outTradeNo] }) else { return nil }
        let (status, reply) = await post(last, mode: "resend", outTradeNo: outTradeNo)
        return Report(notifyID: last.notifyID, mode: "resend", statuses: [status], replies: [reply], notification: last)
    }

    private func post(_ notification: FakeAlipayPayLedger.Notification, mode: String, outTradeNo: String) async
        -> (Int?, String?) {
        guard let url = notification.url else {
            record(notification, mode: mode, status: nil, reply: nil, outTradeNo: outTradeNo)
            return (nil, nil)
        }
        var status: Int?
        var reply: String?
        do {
            let response = try await transport.send(OutboundRequest(
                method: "POST", url: url, headers: [("Content-Type", Self.contentType), ("User-Agent", "Mozilla/4.0")],
                body: notification.body))
            status = response.status
            reply = String(decoding: response.body.prefix(200), as: UTF8.self)
        } catch {
            logger.warning("alipay notification not delivered", metadata: ["status": "\(notification.tradeStatus)"])
        }
        record(notification, mode: mode, status: status, reply: reply, outTradeNo: outTradeNo)
        return (status, reply)
    }

    private func record(_ notification: FakeAlipayPayLedger.Notification, mode: String, status: Int?, reply: String?,
                        outTradeNo: String) {
        ledger.record(.init(notifyID: notification.notifyID, tradeStatus: notification.tradeStatus, mode: mode,
                            status: status, reply: reply, at: clock.now(),
                            body: String(decoding: notification.body, as: UTF8.self)), outTradeNo: outTradeNo)
    }
}

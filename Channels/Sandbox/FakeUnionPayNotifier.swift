import Foundation
import HuiminCore
import Logging
import Transport

/// Builds UnionPay's backUrl notifications (form-encoded, signed like answers with the platform
/// key) for a paid consume or a done refund and posts them, as the armed plan says: dropped, sent
/// twice, sent late, or altered after signing (txnAmt changed).
struct FakeUnionPayNotifier: Sendable {
    let settings: SandboxSettings
    let ledger: FakeUnionPayLedger
    let clock: any HuiminClock
    let transport: HTTPTransport
    let logger: Logger

    static let contentType = "application/x-www-form-urlencoded;charset=UTF-8"

    struct Report: Sendable {
        let mode: String
        /// One entry per POST made; nil when Huimin could not be reached.
        let statuses: [Int?]
        let notification: FakeUnionPayLedger.Notification
    }

    func fields(_ t: FakeUnionPayLedger.Transaction) -> [(String, String)] {
        var f: [(String, String)] = [
            ("version", FakeUnionPay.version), ("encoding", "UTF-8"), ("signMethod", "01"), ("accessType", "0"),
            ("merId", settings.unionPay.merchantID), ("bizType", "000201"), ("txnType", t.txnType),
            ("txnSubType", t.txnType == "01" ? "01" : "00"), ("orderId", t.orderID), ("txnTime", t.txnTime),
            ("txnAmt", String(t.amountFen)), ("currencyCode", "156"), ("respCode", "00"), ("respMsg", "成功[0000000]"),
        ]
        guard let at = t.at, let queryID = t.queryID, let day = t.clearingDay else { return f }
        f += [("queryId", queryID), ("traceNo", t.traceNo ?? ""), ("traceTime", FakeUnionPay.traceTime(at)),
              ("settleDate", String(day.dropFirst(5).filter(\.isNumber))), ("settleAmt", String(t.amountFen)),
              ("settleCurrencyCode", "156")]
        if t.txnType == "01" { f += [("accNo", "6216****0018"), ("payCardType", "01"), ("payType", "0001")] }
        if let orig = t.origQueryID { f.append(("origQryId", orig)) }
        if let reserved = t.reserved { f.append(("reqReserved", reserved)) }
        return f
    }

    func build(_ t: FakeUnionPayLedger.Transaction, mode: FakeUnionPayLedger.NotificationMode)
        -> FakeUnionPayLedger.Notification {
        var sent = FakeUnionPaySignature.sign(fields(t), keys: settings.keys.unionPay)
        if mode == .alter {
            // Changed after signing: someone on the way edits the amount.
            sent = sent.map { $0.0 == "txnAmt" ? ($0.0, "1") : $0 }
        }
        return .init(orderID: t.orderID, url: t.backURL, body: Array(PercentEncoding.query(sent).utf8))
    }

    /// Builds and sends the notification of `t` as the plan says.
    func deliver(_ t: FakeUnionPayLedger.Transaction) async -> Report {
        let (mode, delayMs) = ledger.takeNotificationMode()
        let notification = build(t, mode: mode)
        switch mode {
        case .drop:
            record(notification, mode: mode.rawValue, status: nil)
            return Report(mode: mode.rawValue, statuses: [], notification: notification)
        case .delay:
            Task(executorPreference: SandboxThreads.shared) {
                try? await Task.sleep(for: .milliseconds(delayMs))
                _ = await post(notification, mode: mode.rawValue)
            }
            return Report(mode: mode.rawValue, statuses: [], notification: notification)
        case .duplicate:
            let first = await post(notification, mode: mode.rawValue)
            let second = await post(notification, mode: mode.rawValue)
            return Report(mode: mode.rawValue, statuses: [first, second], notification: notification)
        case .normal, .alter:
            return Report(mode: mode.rawValue, statuses: [await post(notification, mode: mode.rawValue)],
                          notification: notification)
        }
    }

    private func post(_ notification: FakeUnionPayLedger.Notification, mode: String) async -> Int? {
        guard let url = notification.url else {
            record(notification, mode: mode, status: nil)
            return nil
        }
        var status: Int?
        do {
            status = try await transport.send(OutboundRequest(
                method: "POST", url: url, headers: [("Content-Type", Self.contentType)], body: notification.body)).status
        } catch {
            logger.warning("unionpay notification not delivered")
        }
        record(notification, mode: mode, status: status)
        return status
    }

    private func record(_ notification: FakeUnionPayLedger.Notification, mode: String, status: Int?) {
        ledger.record(.init(orderID: notification.orderID, mode: mode, status: status, at: clock.now(),
                            body: String(decoding: notification.body, as: UTF8.self)))
    }
}

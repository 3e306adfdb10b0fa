import Crypto
import Foundation
import HuiminCore
import Logging
import Transport

/// Builds WeChat Pay notifications (resource encrypted with AEAD_AES_256_GCM under the APIv3 key,
/// envelope signed with the platform key) and posts them to the merchant, behaving as the armed
/// notification plan says: dropped, sent twice, sent late, altered after signing, or sent as a
/// `WECHATPAY/SIGNTEST/` probe.
struct FakeWeChatPayNotifier: Sendable {
    let wire: FakeWeChatPayProtocol
    let ledger: FakeWeChatPayLedger
    let clock: any HuiminClock
    let transport: HTTPTransport
    let logger: Logger

    struct Envelope: Encodable {
        let id: String
        let create_time: String
        let resource_type: String
        let event_type: String
        let summary: String
        let resource: Resource
    }

    struct Resource: Encodable {
        let original_type: String
        let algorithm: String
        let ciphertext: String
        let associated_data: String
        let nonce: String
    }

    struct Report: Sendable {
        let notificationID: String
        let mode: String
        /// One entry per POST made; nil when Huimin could not be reached. Empty when dropped or delayed.
        let statuses: [Int?]
        /// The notification exactly as sent (or as it would have been, when dropped), so a test that
        /// runs Huimin without a socket can deliver it itself.
        let notification: FakeWeChatPayLedger.Notification
    }

    func build(eventType: String, summary: String, originalType: String, plaintext: [UInt8], url: String,
               summaryOverride: String? = nil, id: String? = nil) -> FakeWeChatPayLedger.Notification {
        let now = clock.now()
        let nonce = SandboxHTTP.randomString(12, alphabet: SandboxHTTP.alphanumerics)
        let associatedData = originalType
        var ciphertext = ""
        if let gcmNonce = try? AES.GCM.Nonce(data: Array(nonce.utf8)),
           let box = try? AES.GCM.seal(plaintext, using: SymmetricKey(data: wire.keys.apiV3Key), nonce: gcmNonce,
                                       authenticating: Array(associatedData.utf8)) {
            ciphertext = (Data(box.ciphertext) + Data(box.tag)).base64EncodedString()
        }
        let notificationID = id ?? UUID().uuidString.lowercased()
        let envelope = { (summary: String) in
            Envelope(id: notificationID, create_time: FakeWeChatPayProtocol.time(now), resource_type: "encrypt-resource",
                     event_type: eventType, summary: summary,
                     resource: Resource(original_type: originalType, algorithm: "AEAD_AES_256_GCM", ciphertext: ciphertext,
                                        associated_data: associatedData, nonce: nonce))
        }
        let body = FakeWeChatPayProtocol.encode(envelope(summary))
        let headers = wire.signatureHeaders(body: body, at: now)
        // Altered after signing: the headers still sign the original bytes.
        let sent = summaryOverride.map { FakeWeChatPayProtocol.encode(envelope($0)) } ?? body
        return .init(id: notificationID, eventType: eventType, url: url, headers: headers, body: sent)
    }

    /// Sends a freshly built notification as the plan says and remembers it for resends.
    func deliver(eventType: String, summary: String, originalType: String, plaintext: [UInt8], url: String,
                 outTradeNo: String) async -> Report {
        let (mode, delayMs) = ledger.takeNotificationMode()
        let genuine = build(eventType: eventType, summary: summary, originalType: originalType, plaintext: plaintext, url: url)
        ledger.withState { $0.lastNotification[outTradeNo] = genuine }
        var notification = genuine
        switch mode {
        case .alter:
            notification = build(eventType: eventType, summary: summary, originalType: originalType, plaintext: plaintext,
                                 url: url, summaryOverride: summary + "(altered)", id: genuine.id)
        case .probe:
            notification.headers = notification.headers.map { name, value in
                (name, name == "Wechatpay-Signature" ? FakeWeChatPayProtocol.signTestPrefix + value : value)
            }
        default:
            break
        }
        switch mode {
        case .drop:
            record(notification, mode: mode, status: nil, outTradeNo: outTradeNo)
            return Report(notificationID: notification.id, mode: mode.rawValue, statuses: [], notification: notification)
        case .delay:
            let sending = notification
            Task(executorPreference: SandboxThreads.shared) {
                try? await Task.sleep(for: .milliseconds(delayMs))
                _ = await post(sending, mode: mode, outTradeNo: outTradeNo)
            }
            return Report(notificationID: notification.id, mode: mode.rawValue, statuses: [], notification: notification)
        case .duplicate:
            let first = await post(notification, mode: mode, outTradeNo: outTradeNo)
            let second = await post(notification, mode: mode, outTradeNo: outTradeNo)
            return Report(notificationID: notification.id, mode: mode.rawValue, statuses: [first, second],
                          notification: notification)
        case .normal, .alter, .probe:
            let status = await post(notification, mode: mode, outTradeNo: outTradeNo)
            return Report(notificationID: notification.id, mode: mode.rawValue, statuses: [status],
                          notification: notification)
        }
    }

    /// Sends the last notification of the trade again, byte for byte (a replay).
    func resend(outTradeNo: String) async -> Report? {
        guard let last = ledger.withState({ $0.lastNotification[outTradeNo] }) else { return nil }
        let status = await post(last, mode: .normal, outTradeNo: outTradeNo, label: "resend")
        return Report(notificationID: last.id, mode: "resend", statuses: [status], notification: last)
    }

    private func post(_ notification: FakeWeChatPayLedger.Notification, mode: FakeWeChatPayLedger.NotificationMode,
                      outTradeNo: String, label: String? = nil) async -> Int? {
        var status: Int?
        do {
            status = try await transport.send(OutboundRequest(
                method: "POST", url: notification.url,
                headers: [("Content-Type", "application/json"), ("User-Agent", "Mozilla/4.0")] + notification.headers,
                body: notification.body)).status
        } catch {
            logger.warning("wechatpay notification not delivered", metadata: ["event": "\(notification.eventType)"])
        }
        record(notification, mode: mode, status: status, outTradeNo: outTradeNo, label: label)
        return status
    }

    private func record(_ notification: FakeWeChatPayLedger.Notification, mode: FakeWeChatPayLedger.NotificationMode,
                        status: Int?, outTradeNo: String, label: String? = nil) {
        ledger.record(.init(notificationID: notification.id, eventType: notification.eventType, mode: label ?? mode.rawValue,
                            status: status, at: clock.now()), outTradeNo: outTradeNo)
    }
}

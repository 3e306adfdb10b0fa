import Foundation
import HuiminCore
import ServiceLifecycle
import Synchronization

/// Faults queued through `POST /sandbox/faults`: the next N calls of a service hang past the
/// client's timeout or answer with a vendor error code.
final class FaultPlan: Sendable {
    enum Service: String, Codable, CaseIterable, Sendable {
        case wechat, alipay, sms, his, unionpay, insurance
        /// WeChat's template/subscribe sends and Alipay's template message send (not their logins).
        case wechatMessages = "wechat_messages", alipayMessages = "alipay_messages"
    }

    enum Kind: String, Codable, Sendable {
        case timeout, error
    }

    struct Fault: Sendable {
        let kind: Kind
        let errorCode: String?
    }

    private struct Pending {
        var fault: Fault
        var remaining: Int
    }

    private let pending = Mutex<[Service: Pending]>([:])

    func arm(_ service: Service, fault: Fault, times: Int) {
        pending.withLock { $0[service] = Pending(fault: fault, remaining: times) }
    }

    func clear() {
        pending.withLock { $0.removeAll() }
    }

    /// The fault for this call, if one is armed; each call uses one up.
    func take(_ service: Service) -> Fault? {
        pending.withLock { all in
            guard var entry = all[service], entry.remaining > 0 else { return nil }
            entry.remaining -= 1
            all[service] = entry.remaining > 0 ? entry : nil
            return entry.fault
        }
    }

    /// Holds a request well past the client's timeout, but lets the server shut down gracefully
    /// without waiting out the hang.
    static func hang(seconds: Double) async {
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: .seconds(seconds))
        }
    }
}

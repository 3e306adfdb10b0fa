import Foundation

/// Why a message did not go out, said as what the dispatcher must do about it, the way the vendor
/// means its error:
/// - `.fallBack`: this channel cannot reach the resident now (refused, no subscription left, not a
///   follower); try the next channel in the resident's order instead of retrying this one.
/// - `.retry(after:)`: a transient condition (quota, busy, transport); try this channel again no
///   sooner than the given number of seconds (the dispatcher adds its own backoff and jitter).
/// - `.deadLetter(reason:)`: the message itself is wrong (template, data, recipient, page); retrying
///   cannot help, a person must look at it.
///
/// `vendorCode` keeps the vendor's own code (WeChat's errcode as text, Alipay's sub_code) for the
/// message's attempt record; nil when no vendor answered (transport failures).
public struct MessageSendError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Action: Sendable, Equatable {
        case fallBack
        case retry(after: TimeInterval)
        case deadLetter(reason: String)
    }

    public let action: Action
    public let vendorCode: String?
    /// The vendor's message (errmsg, sub_msg) or our own explanation.
    public let message: String
    /// The request went out but no answer came back (a timeout): the vendor may have sent the
    /// message, so a retry must not be blind.
    public let unanswered: Bool

    public init(_ action: Action, vendorCode: String?, message: String, unanswered: Bool = false) {
        self.action = action
        self.vendorCode = vendorCode
        self.message = message
        self.unanswered = unanswered
    }

    /// WeChat's errcode, when the vendor code is one.
    public var errcode: Int? { vendorCode.flatMap { Int($0) } }

    public var description: String {
        let what: String
        switch action {
        case .fallBack: what = "fall back"
        case .retry(let seconds): what = "retry after \(Int(seconds)) s"
        case .deadLetter(let reason): what = "dead letter (\(reason))"
        }
        return "\(what)\(vendorCode.map { " [\($0)]" } ?? ""): \(message)"
    }
}

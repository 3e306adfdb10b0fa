import Database
import Foundation
import HuiminCore
import Messaging
import SMS

/// Makes the vendor call a `SendOrder` describes and says how it ended, in the vendor's own terms
/// turned into what the dispatcher does next (fall back, retry, dead letter).
public struct MessageSenders: Sendable {
    let wechat: WeChatMessenger
    let alipay: AlipayMessenger?
    let sms: SMSGateway
    let miniProgramAppID: String
    let backoff: RetryBackoff
    let clock: any HuiminClock

    public init(wechat: WeChatMessenger, alipay: AlipayMessenger?, sms: SMSGateway, miniProgramAppID: String,
                backoff: RetryBackoff = RetryBackoff(base: 5, cap: 1800), clock: any HuiminClock) {
        self.wechat = wechat
        self.alipay = alipay
        self.sms = sms
        self.miniProgramAppID = miniProgramAppID
        self.backoff = backoff
        self.clock = clock
    }

    /// - Parameter attempts: attempts made so far, this one included (for the backoff).
    public func send(_ order: SendOrder, attempts: Int) async -> SendOutcome {
        do {
            let vendorID = try await call(order)
            return .accepted(vendorMessageID: vendorID)
        } catch let error as MessageSendError {
            return outcome(error, attempts: attempts)
        } catch let error as SMSSendError {
            return outcome(Self.messageError(error), attempts: attempts)
        } catch {
            return .retry(at: retryAt(after: 10, attempts: attempts), code: nil, message: "\(type(of: error))")
        }
    }

    private func call(_ order: SendOrder) async throws -> String? {
        switch order.channel {
        case "wechat_subscribe":
            return try await wechat.sendSubscribe(openID: order.address, templateID: order.templateID, data: order.data,
                                                  page: order.page)
        case "wechat_template":
            // client_msg_id is the message's own ID: WeChat sends one message per (openid, id) within
            // ten minutes, so a retry after a lost answer cannot reach the resident twice.
            return try await wechat.sendTemplate(openID: order.address, templateID: order.templateID, data: order.data,
                                                 url: order.url, miniProgram: order.page.map { (appID: miniProgramAppID, page: $0) },
                                                 clientMsgID: order.messageID)
        case "alipay":
            guard let alipay, let formID = order.formID else {
                throw MessageSendError(.fallBack, vendorCode: nil, message: "Alipay messages are not configured.")
            }
            try await alipay.send(userID: order.address, formID: formID, templateID: order.templateID, data: order.data,
                                  page: order.page)
            return nil
        case "sms":
            // The gateway keeps no idempotency key: after a send whose answer never came, ask it
            // (QuerySendDetails) whether a message with this OutId went out before sending again.
            if order.settling, try await smsWentOut(order) { return nil }
            // OutId is the message's ID: receipts and the send-details query quote it.
            return try await sms.send(phone: order.address, templateCode: order.templateID, params: order.data,
                                      outID: order.messageID)
        default:
            throw MessageSendError(.deadLetter(reason: "channel_unknown"), vendorCode: nil, message: order.channel)
        }
    }

    /// Whether the gateway holds a message with this order's OutId, sent today or (just after
    /// midnight) yesterday, Beijing time.
    func smsWentOut(_ order: SendOrder) async throws -> Bool {
        let now = clock.now()
        for day in [now, now.addingTimeInterval(-3600)] where day == now || BusinessCalendar.day(of: day) != BusinessCalendar.day(of: now) {
            if try await sms.sendDetails(phone: order.address, day: day).contains(where: { $0.outID == order.messageID }) {
                return true
            }
        }
        return false
    }

    func outcome(_ error: MessageSendError, attempts: Int) -> SendOutcome {
        switch error.action {
        case .fallBack:
            return .fallBack(code: error.vendorCode, message: error.message)
        case .deadLetter(let reason):
            return .deadLetter(reason: reason, code: error.vendorCode, message: error.message)
        case .retry(let after):
            if error.unanswered {
                return .unanswered(at: retryAt(after: after, attempts: attempts), message: error.message)
            }
            return .retry(at: retryAt(after: after, attempts: attempts), code: error.vendorCode, message: error.message)
        }
    }

    /// The vendor's wait or our exponential backoff with jitter, whichever is longer.
    func retryAt(after: TimeInterval, attempts: Int) -> Date {
        clock.now().addingTimeInterval(max(after, backoff.delay(afterAttempt: attempts)))
    }

    /// The SMS gateway's failures as the dispatcher's actions. A number the gateway refuses or has
    /// throttled cannot be reached by SMS now: another channel may reach the resident.
    static func messageError(_ error: SMSSendError) -> MessageSendError {
        let code = error.vendorCode
        switch code {
        case "isv.MOBILE_NUMBER_ILLEGAL", "isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isv.BLACK_KEY_CONTROL_LIMIT":
            return MessageSendError(.fallBack, vendorCode: code, message: error.appError.message)
        case "isv.TEMPLATE_MISSING_PARAMETERS", "isv.INVALID_JSON_PARAM", "isv.PARAM_LENGTH_LIMIT":
            return MessageSendError(.deadLetter(reason: "data_invalid"), vendorCode: code, message: error.appError.message)
        case "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_TEMPLATE_ILLEGAL":
            return MessageSendError(.deadLetter(reason: "template_invalid"), vendorCode: code, message: error.appError.message)
        default:
            let after: TimeInterval = code == "isv.AMOUNT_NOT_ENOUGH" ? 600 : 10
            return MessageSendError(error.retryable ? .retry(after: after) : .deadLetter(reason: "sms_rejected"),
                                    vendorCode: code, message: error.appError.message,
                                    unanswered: error.appError.code == "channel_timeout")
        }
    }
}

import Alipay
import Foundation
import HuiminCore

/// Alipay mini-program template messages (`alipay.open.app.mini.templatemessage.send`) over the
/// same RSA2-signed gateway as the trade APIs (`AlipayPayClient.gateway`), whose answer must carry
/// a valid signature over its response node.
///
/// Failures become `MessageSendError` with the sub_code kept. The sub_codes below are from memory
/// of Alipay's documentation, not verified against it (the sandbox answers the same ones):
/// a used-up or unknown form/subscription is a fall-back (like WeChat's 43101), a template or data
/// Alipay refuses is a dead letter, system errors and call limits are retried.
public struct AlipayMessenger: Sendable {
    public static let method = "alipay.open.app.mini.templatemessage.send"

    let client: AlipayPayClient

    public init(client: AlipayPayClient) {
        self.client = client
    }

    /// - Parameters:
    ///   - userID: the resident's Alipay user ID (`2088…`) or, for apps on openid, their open ID.
    ///   - formID: the consent the message spends: a trade number or a subscription's form ID.
    public func send(userID: String, formID: String, templateID: String, data: [String: String],
                     page: String?) async throws {
        let dataText = String(decoding: try JSONSerialization.data(
            withJSONObject: data.mapValues { ["value": $0] }, options: [.sortedKeys]), as: UTF8.self)
        var biz: [String: Any] = [userID.hasPrefix("2088") ? "to_user_id" : "to_open_id": userID,
                                  "form_id": formID, "user_template_id": templateID, "data": dataText]
        if let page { biz["page"] = page }
        let reply: AlipayGatewayReply
        do {
            reply = try await client.gateway(Self.method, biz: biz)
        } catch let error as AppError {
            throw MessageSendError(.retry(after: 10), vendorCode: nil, message: error.message,
                                   unanswered: error.code == "channel_timeout")
        }
        guard !reply.isSuccess else { return }
        throw Self.error(code: reply.code, subCode: reply.subCode, subMsg: reply.subMsg ?? reply.msg ?? "")
    }

    static let fallBackCodes: Set<String> = ["FORM_ID_NOT_EXIST", "FORM_ID_USED", "FORM_ID_EXPIRED", "USER_NOT_EXIST"]
    static let deadLetterCodes: [String: String] = [
        "USER_TEMPLATE_ILLEGAL": "template_invalid", "TEMPLATE_NOT_EXIST": "template_invalid",
        "DATA_ILLEGAL": "data_invalid", "isv.invalid-parameter": "data_invalid", "isv.missing-parameter": "data_invalid",
        "PAGE_ILLEGAL": "page_invalid",
    ]

    /// Alipay's code and sub_code as the dispatcher's action.
    public static func error(code: String, subCode: String?, subMsg: String) -> MessageSendError {
        let sub = subCode ?? ""
        let action: MessageSendError.Action
        if fallBackCodes.contains(sub) {
            action = .fallBack
        } else if let reason = deadLetterCodes[sub] {
            action = .deadLetter(reason: reason)
        } else if code == "20000" || sub.hasPrefix("isp.") || sub.hasSuffix("SYSTEM_ERROR") {
            action = .retry(after: 5)
        } else if sub.contains("call-limited") || sub.contains("CALL_LIMITED") {
            action = .retry(after: 60)
        } else if sub.hasPrefix("isv.") || sub.hasPrefix("aop.") {
            // Signature, app ID, permission: the app's configuration, not the message; people must fix it.
            action = .retry(after: 300)
        } else {
            action = .deadLetter(reason: "alipay_\(sub.isEmpty ? code : sub)")
        }
        return MessageSendError(action, vendorCode: sub.isEmpty ? code : sub, message: subMsg)
    }
}

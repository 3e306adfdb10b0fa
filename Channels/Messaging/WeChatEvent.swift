import Crypto
import Foundation
import HuiminCore

/// An event WeChat pushes to the official account's server URL, in plaintext mode: an XML
/// document of flat elements, values in CDATA or bare. Huimin needs TEMPLATESENDJOBFINISH, a
/// template message's delivery: `MsgID` and `Status` (`success`, `failed:user block`,
/// `failed: system failed`).
public struct WeChatEvent: Sendable, Equatable {
    public let event: String
    public let fields: [String: String]

    public var msgID: String? { fields["MsgID"] }
    public var status: String? { fields["Status"] }
    public var isTemplateDelivery: Bool { event == "TEMPLATESENDJOBFINISH" }
    public var delivered: Bool { status == "success" }

    /// - Throws: `AppError.invalid("wechat_event_malformed")` unless it is `<xml>` with an `Event`.
    public static func parse(_ body: [UInt8]) throws -> WeChatEvent {
        let text = String(decoding: body, as: UTF8.self)
        guard let start = text.range(of: "<xml>"), let end = text.range(of: "</xml>", range: start.upperBound..<text.endIndex) else {
            throw malformed
        }
        var fields: [String: String] = [:]
        var rest = text[start.upperBound..<end.lowerBound]
        while let open = rest.range(of: "<"), let close = rest.range(of: ">", range: open.upperBound..<rest.endIndex) {
            let name = String(rest[open.upperBound..<close.lowerBound])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
                  let closing = rest.range(of: "</\(name)>", range: close.upperBound..<rest.endIndex) else { throw malformed }
            var value = String(rest[close.upperBound..<closing.lowerBound])
            if value.hasPrefix("<![CDATA["), value.hasSuffix("]]>") { value = String(value.dropFirst(9).dropLast(3)) }
            fields[name] = value
            rest = rest[closing.upperBound...]
        }
        guard let event = fields["Event"], !event.isEmpty else { throw malformed }
        return WeChatEvent(event: event, fields: fields)
    }

    /// WeChat's server-URL signature: SHA-1 over the token, timestamp and nonce, sorted and joined,
    /// in lower-case hex.
    public static func signature(token: String, timestamp: String, nonce: String) -> String {
        Insecure.SHA1.hash(data: Array([token, timestamp, nonce].sorted().joined().utf8))
            .map { String(format: "%02x", $0) }.joined()
    }

    public static func signatureValid(_ signature: String, token: String, timestamp: String, nonce: String) -> Bool {
        !signature.isEmpty && signature.lowercased() == Self.signature(token: token, timestamp: timestamp, nonce: nonce)
    }

    static let malformed = AppError.invalid("wechat_event_malformed", "The WeChat event could not be read.")
}

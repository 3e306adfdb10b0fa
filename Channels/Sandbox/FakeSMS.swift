import Foundation
import HuiminCore
import Hummingbird
import Logging
import Synchronization

/// An Alibaba Cloud–style SMS gateway: `GET /sms/?Action=SendSms&…` with the RPC HMAC-SHA1
/// signature, approved signature names and templates, per-number flow control, and
/// `GET /sandbox/sms/messages?phone=` to read back what was accepted (newest first).
struct FakeSMS: Sendable {
    let settings: SandboxSettings
    let clock: any HuiminClock
    let faults: FaultPlan
    let logger: Logger
    let limiter = SMSRateLimiter()
    let outbox = Outbox()
    let receiptPlan = FakeSMSReceipts.Plan()

    var receipts: FakeSMSReceipts {
        FakeSMSReceipts(settings: settings.messaging, clock: clock, plan: receiptPlan, outbox: outbox, logger: logger)
    }

    struct Message: Encodable, Sendable {
        let bizId: String
        let phone: String
        let signName: String
        let templateCode: String
        let params: [String: String]
        let outId: String?
        let receivedAt: String
        /// The delivery receipt pushed back (FakeSMSReceipts); nil when receipts are off.
        var receipt: FakeSMSReceipts.Receipt?
    }

    final class Outbox: Sendable {
        private let messages = Mutex<[Message]>([])

        func append(_ new: [Message]) { messages.withLock { $0.append(contentsOf: new) } }

        func updateReceipt(bizID: String, _ change: (inout FakeSMSReceipts.Receipt?) -> Void) {
            messages.withLock { all in
                for index in all.indices where all[index].bizId == bizID { change(&all[index].receipt) }
            }
        }

        func newestFirst(phone: String?) -> [Message] {
            messages.withLock { all in all.reversed().filter { phone == nil || $0.phone == phone } }
        }
    }

    struct Reply: Encodable {
        let code: String
        let message: String
        let bizID: String?
        let requestID: String

        enum CodingKeys: String, CodingKey {
            case code = "Code", message = "Message", bizID = "BizId", requestID = "RequestId"
        }
    }

    struct MessagesReply: Encodable {
        let messages: [Message]
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/sms") { request, _ in try await sendSms(request) }
        router.get("/sandbox/sms/messages") { request, _ in
            let phone = SandboxHTTP.dictionary(SandboxHTTP.form(request.uri.query))["phone"]
            return SandboxHTTP.json(MessagesReply(messages: outbox.newestFirst(phone: phone)))
        }
        FakeSMSReceipts.registerControl(plan: receiptPlan, on: router)
    }

    private func sendSms(_ request: Request) async throws -> Response {
        if let fault = faults.take(.sms) {
            if fault.kind == .timeout { await FaultPlan.hang(seconds: settings.faultHangSeconds) }
            return reply(fault.errorCode ?? "isp.SYSTEM_ERROR", "sandbox fault")
        }
        let pairs = SandboxHTTP.form(request.uri.query)
        let query = SandboxHTTP.dictionary(pairs)
        guard query["Action"] == "SendSms", query["Version"] == "2017-05-25" else {
            return reply("InvalidAction.NotFound", "Specified api is not found, please check your url and method.",
                         status: .notFound)
        }
        guard query["AccessKeyId"] == settings.smsAccessKeyID else {
            return reply("InvalidAccessKeyId.NotFound", "Specified access key is not found.", status: .notFound)
        }
        guard query["SignatureMethod"] == "HMAC-SHA1", query["SignatureVersion"] == "1.0",
              let signature = query["Signature"],
              SMSSignatureCheck.isValid(method: "GET", parameters: pairs, secret: settings.smsAccessKeySecret,
                                        signature: signature) else {
            return reply("SignatureDoesNotMatch", "Specified signature does not match our calculation.",
                         status: .badRequest)
        }
        guard let numbers = Self.mobileNumbers(query["PhoneNumbers"] ?? "") else {
            return reply("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        }
        guard let signName = query["SignName"], settings.smsSignNames.contains(signName) else {
            return reply("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        }
        guard let templateCode = query["TemplateCode"], let required = settings.smsTemplates[templateCode] else {
            return reply("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        }
        guard let params = Self.templateParams(query["TemplateParam"]) else {
            return reply("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        }
        guard required.allSatisfy({ !(params[$0] ?? "").isEmpty }) else {
            return reply("isv.TEMPLATE_MISSING_PARAMETERS", "模板变量缺少对应参数值")
        }
        let now = clock.now()
        if let limit = limiter.admit(numbers, at: now) {
            return reply("isv.BUSINESS_LIMIT_CONTROL", limit)
        }
        let bizID = SandboxHTTP.randomString(18, alphabet: SandboxHTTP.digits) + "^0"
        let accepted = numbers.map {
            Message(bizId: bizID, phone: $0, signName: signName, templateCode: templateCode, params: params,
                    outId: query["OutId"], receivedAt: ISO8601.string(now))
        }
        outbox.append(accepted)
        receipts.schedule(accepted)
        logger.info("sms accepted", metadata: ["bizId": "\(bizID)", "template": "\(templateCode)"])
        return reply("OK", "OK", bizID: bizID)
    }

    private func reply(_ code: String, _ message: String, bizID: String? = nil,
                       status: HTTPResponse.Status = .ok) -> Response {
        SandboxHTTP.json(Reply(code: code, message: message, bizID: bizID, requestID: UUID().uuidString), status: status)
    }

    /// Comma-separated mainland mobile numbers, optionally with +86/0086/86; nil if any is malformed.
    static func mobileNumbers(_ text: String) -> [String]? {
        let numbers = text.split(separator: ",").map { raw -> String in
            for prefix in ["+86", "0086", "86"] where raw.hasPrefix(prefix) && raw.count == 11 + prefix.count {
                return String(raw.dropFirst(prefix.count))
            }
            return String(raw)
        }
        let valid = numbers.allSatisfy { number in
            let d = Array(number)
            return d.count == 11 && d.allSatisfy(\.isASCII) && d.allSatisfy(\.isNumber) && d[0] == "1"
                && ("3"..."9").contains(d[1])
        }
        return valid && !numbers.isEmpty ? numbers : nil
    }

    /// A JSON object whose values are strings (numbers are tolerated and turned into text).
    static func templateParams(_ text: String?) -> [String: String]? {
        guard let text, !text.isEmpty else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        var params: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let string as String: params[key] = string
            case let number as NSNumber: params[key] = number.stringValue
            default: return nil
            }
        }
        return params
    }
}

import Foundation
import HuiminCore
import Hummingbird
import Logging

/// An Alibaba Cloud–style SMS gateway on `GET /sms/?Action=…` with the RPC HMAC-SHA1 signature:
/// `SendSms` (approved signature names and templates, per-number flow control as Aliyun applies it
/// to verification codes and to notifications) and `QuerySendDetails` (FakeSMSSendDetails).
/// Inspection: `GET /sandbox/sms/messages?phone=&limit=` (newest first, 100 unless `limit` says)
/// and `GET /sandbox/sms/message-counts?templateCode=` (`{total, recipients, duplicates:
/// [{phone, count}], duplicateRecipients}`, at most 100 duplicates listed).
struct FakeSMS: Sendable {
    let settings: SandboxSettings
    let clock: any HuiminClock
    let faults: FaultPlan
    let logger: Logger
    let limiter = SMSRateLimiter()
    let outbox = Outbox()
    let receiptPlan = FakeSMSReceipts.Plan()
    let receiptQueue = FakeSMSReceipts.Queue()

    var receipts: FakeSMSReceipts {
        FakeSMSReceipts(settings: settings.messaging, clock: clock, outbox: outbox, queue: receiptQueue, logger: logger)
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
        router.get("/sms") { request, _ in try await call(request) }
        router.get("/sandbox/sms/messages") { request, _ in
            SandboxHTTP.listing(request) { query, limit in
                MessagesReply(messages: outbox.newestFirst(phone: query["phone"], limit: limit))
            }
        }
        router.get("/sandbox/sms/message-counts") { request, _ in
            let templateCode = SandboxHTTP.dictionary(SandboxHTTP.form(request.uri.query))["templateCode"]
            return SandboxHTTP.json(outbox.counts(templateCode: templateCode, listing: 100).reply(recipientKey: "phone"))
        }
        FakeSMSReceipts.registerControl(plan: receiptPlan, on: router)
    }

    /// The checks every action shares (action known, access key, signature), then the action.
    private func call(_ request: Request) async throws -> Response {
        if let fault = faults.take(.sms) {
            if fault.kind == .timeout { await FaultPlan.hang(seconds: settings.faultHangSeconds) }
            return reply(fault.errorCode ?? "isp.SYSTEM_ERROR", "sandbox fault")
        }
        let pairs = SandboxHTTP.form(request.uri.query)
        let query = SandboxHTTP.dictionary(pairs)
        guard query["Version"] == "2017-05-25", let action = query["Action"],
              ["SendSms", "QuerySendDetails"].contains(action) else {
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
            let stringToSign = SMSSignatureCheck.stringToSign(method: "GET", parameters: pairs)
            return reply("SignatureDoesNotMatch",
                         "Specified signature does not match our calculation. server string to sign is:\(stringToSign)",
                         status: .badRequest)
        }
        return action == "SendSms" ? sendSms(query) : querySendDetails(query)
    }

    private func sendSms(_ query: [String: String]) -> Response {
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
        let kind: SMSRateLimiter.Kind = settings.smsVerificationTemplates.contains(templateCode)
            ? .verification : .notification
        if let limit = limiter.admit(numbers, signName: signName, templateCode: templateCode, kind: kind, at: now) {
            return reply("isv.BUSINESS_LIMIT_CONTROL", limit)
        }
        let bizID = SandboxHTTP.randomString(18, alphabet: SandboxHTTP.digits) + "^0"
        let report = receiptPlan.next()
        let receivedAt = ISO8601.string(now)
        let accepted = numbers.map {
            Message(bizId: bizID, phone: $0, signName: signName, templateCode: templateCode, params: params,
                    outId: query["OutId"], receivedAt: receivedAt, acceptedAt: now, report: report)
        }
        outbox.append(accepted)
        receipts.schedule(accepted)
        // Debug, not info: a broadcast sends thousands a second, and a line each costs the shared CPU.
        logger.debug("sms accepted", metadata: ["bizId": "\(bizID)", "template": "\(templateCode)"])
        return reply("OK", "OK", bizID: bizID)
    }

    func reply(_ code: String, _ message: String, bizID: String? = nil,
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

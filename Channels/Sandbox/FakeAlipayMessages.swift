import Foundation
import HuiminCore
import Hummingbird
import Synchronization

/// `alipay.open.app.mini.templatemessage.send` behind the fake gateway (FakeAlipay checks the
/// signature and signs the answer). A message spends a form ID: one the resident granted through
/// `POST /sandbox/alipay/forms {userId, formId?, count?}` (the stand-in for a subscription or a
/// trade number), usable `count` times. Refusals, as sub_codes of a 40004 Business Failed:
/// FORM_ID_NOT_EXIST, FORM_ID_USED, USER_TEMPLATE_ILLEGAL (unknown template), DATA_ILLEGAL (data
/// not a JSON object of `{key: {value}}` or missing a key), PAGE_ILLEGAL; missing fields are
/// isv.missing-parameter. Faults of service `alipay_messages` answer their errorCode as the sub_code.
/// `GET /sandbox/alipay/messages?userId=&limit=` lists what was accepted, newest first (100 unless
/// `limit` says); `GET /sandbox/alipay/message-counts?templateId=` counts it per recipient
/// (`{total, recipients, duplicates: [{userId, count}], duplicateRecipients}`), like WeChat's and the SMS gateway's.
final class FakeAlipayMessages: Sendable {
    static let method = "alipay.open.app.mini.templatemessage.send"

    let settings: SandboxSettings
    let clock: any HuiminClock
    let faults: FaultPlan
    private let state = Mutex(State())

    init(settings: SandboxSettings, clock: any HuiminClock, faults: FaultPlan) {
        self.settings = settings
        self.clock = clock
        self.faults = faults
    }

    struct State {
        /// (userId|formId) -> sends left.
        var forms: [String: Int] = [:]
        var messages: [Message] = []
        /// Indexes into `messages` and counts per template, so a 100,000-message store stays cheap.
        var byUser: [String: [Int]] = [:]
        var tallies = TemplateTallies()

        mutating func record(_ message: Message) {
            byUser[message.userId, default: []].append(messages.count)
            tallies.add(template: message.templateId, recipient: message.userId)
            messages.append(message)
        }
    }

    struct Message: Encodable, Sendable {
        let userId: String
        let formId: String
        let templateId: String
        let data: [String: String]
        let page: String?
        let receivedAt: String
    }

    struct Success: Encodable {
        let code = "10000"
        let msg = "Success"
    }

    func handle(_ parameters: [String: String]) -> FakeAlipayPay.Answer {
        if let fault = faults.take(.alipayMessages) {
            return .business(fault.errorCode ?? "isp.unknow-error", "sandbox fault")
        }
        guard let text = parameters["biz_content"],
              let biz = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return .invalid("isv.invalid-parameter", "biz_content 不是合法的 JSON 对象")
        }
        guard let userID = (biz["to_user_id"] ?? biz["to_open_id"]) as? String, !userID.isEmpty,
              let formID = biz["form_id"] as? String, !formID.isEmpty,
              let templateID = biz["user_template_id"] as? String, !templateID.isEmpty else {
            return .invalid("isv.missing-parameter", "缺少必选参数 to_user_id/form_id/user_template_id")
        }
        guard let keys = settings.messaging.alipayTemplates[templateID] else {
            return .business("USER_TEMPLATE_ILLEGAL", "模板不存在或已停用")
        }
        guard let dataText = biz["data"] as? String,
              let data = FakeWeChatMessages.values(try? JSONSerialization.jsonObject(with: Data(dataText.utf8))),
              keys.allSatisfy({ !(data[$0] ?? "").isEmpty }) else {
            return .business("DATA_ILLEGAL", "模板数据不合法")
        }
        let page = biz["page"] as? String
        if let page, !page.isEmpty,
           !settings.messaging.miniProgramPages.contains(String(page.split(separator: "?").first ?? "")) {
            return .business("PAGE_ILLEGAL", "页面路径不合法")
        }
        let now = clock.now()
        return state.withLock { s in
            let key = userID + "|" + formID
            guard let left = s.forms[key] else { return .business("FORM_ID_NOT_EXIST", "form_id 不存在") }
            guard left > 0 else { return .business("FORM_ID_USED", "form_id 已使用") }
            s.forms[key] = left - 1
            s.record(Message(userId: userID, formId: formID, templateId: templateID, data: data, page: page,
                             receivedAt: ISO8601.string(now)))
            return .success(Success())
        }
    }

    struct FormRequest: Decodable {
        let userId: String
        let formId: String?
        let count: Int?
    }

    struct FormReply: Encodable {
        let userId: String
        let formId: String
        let remaining: Int
    }

    struct MessagesReply: Encodable {
        let messages: [Message]
    }

    func registerControl(on router: Router<BasicRequestContext>) {
        router.post("/sandbox/alipay/forms") { request, _ in
            guard let body = SandboxHTTP.decode(FormRequest.self, from: try await SandboxHTTP.body(request)),
                  (body.count ?? 1) > 0 else {
                return SandboxHTTP.json(FakeWeChatMessages.Problem(error: "expected {userId, formId?, count? > 0}"),
                                        status: .badRequest)
            }
            let formID = body.formId ?? "sandbox-form-" + SandboxHTTP.randomString(20, alphabet: SandboxHTTP.alphanumerics)
            let remaining = self.state.withLock { s in
                s.forms[body.userId + "|" + formID, default: 0] += body.count ?? 1
                return s.forms[body.userId + "|" + formID] ?? 0
            }
            return SandboxHTTP.json(FormReply(userId: body.userId, formId: formID, remaining: remaining))
        }
        router.get("/sandbox/alipay/messages") { request, _ in
            SandboxHTTP.listing(request) { query, limit in
                MessagesReply(messages: self.state.withLock { s in
                    guard let userID = query["userId"] else { return s.messages.suffix(limit).reversed() }
                    return (s.byUser[userID] ?? []).suffix(limit).reversed().map { s.messages[$0] }
                })
            }
        }
        router.get("/sandbox/alipay/message-counts") { request, _ in
            let templateID = SandboxHTTP.dictionary(SandboxHTTP.form(request.uri.query))["templateId"]
            let summary = self.state.withLock { $0.tallies.summary(template: templateID, listing: 100) }
            return SandboxHTTP.json(summary.reply(recipientKey: "userId"))
        }
    }
}

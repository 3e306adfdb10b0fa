import Alipay
import Foundation
import HuiminCore
import Messaging
@testable import Sandbox
import SMS
import Testing

/// Huimin's default templates (assets/messaging/templates.json) are registered with the fake
/// vendors as approved, and every one of them goes through the real clients.
@Suite("Default message templates in the sandbox")
struct SandboxTemplatesTests {
    struct Template: Decodable {
        let channel: String
        let templateId: String?
        let keywords: [String: String]
        let page: String?
    }

    static func defaults() throws -> [Template] {
        try JSONDecoder().decode([Template].self, from: Data(contentsOf: SandboxHarness.templates))
    }

    /// A value WeChat accepts for a key of this type (`thing1` -> thing).
    static func sample(forKey key: String) -> String {
        switch WeChatSubscribeValue.type(ofKey: key) {
        case "time": "2026-11-25 09:30"
        case "date": "2026-11-25"
        case "name": "王小明"
        case "character_string": "A012"
        case "amount": "12.50元"
        case "phrase": "已预约"
        case "number": "12"
        default: "惠民医院 心内科"
        }
    }

    /// The page as Huimin renders it: `{{bookingId}}` and the like filled in.
    static func page(_ template: Template) -> String? {
        template.page?.replacingOccurrences(of: #"\{\{[^}]*\}\}"#, with: "x1", options: .regularExpression)
    }

    @Test("registering reads WeChat, Alipay and SMS templates, signatures and pages; made-up ones stay")
    func registering() throws {
        let settings = try SandboxSettings(keys: SandboxHarness.keys, hisFixtures: nil)
            .registering(templatesJSON: Data(contentsOf: SandboxHarness.templates))
        let messaging = settings.messaging
        #expect(messaging.wechatSubscribeTemplates["tpl_sub_resident_registered"] == ["name1", "thing3", "time2"])
        #expect(messaging.wechatTemplates["tpl_mp_appointment_booked"] == ["name4", "thing1", "thing2", "time3"])
        #expect(messaging.alipayTemplates["tpl_ali_appointment_booked"] == ["keyword1", "keyword2", "keyword3", "keyword4"])
        #expect(settings.smsTemplates["SMS_900000010"] == ["dept", "name", "no", "time"])
        #expect(settings.smsSignNames.contains("惠民健康"))
        #expect(messaging.miniProgramPages.isSuperset(of: ["pages/home/index", "pages/booking/detail", "pages/card/index"]))
        #expect(messaging.wechatSubscribeTemplates["sandbox-sub-visit-reminder"] != nil)
        #expect(settings.smsTemplates["SMS_100000001"] == ["code"])
        #expect(!settings.smsVerificationTemplates.contains("SMS_900000010"))
        let defaults = try Self.defaults()
        #expect(messaging.wechatSubscribeTemplates.count == 3 + defaults.filter { $0.channel == "wechat_subscribe" }.count)
        #expect(settings.smsTemplates.count == 1 + defaults.filter { $0.channel == "sms" }.count)

        #expect(throws: AppError.self) { try settings.registering(templatesJSON: Data(#"{"templates": 1}"#.utf8)) }
        let missing = try settings.registering(templatesFile: URL(fileURLWithPath: "/nonexistent/templates.json"))
        #expect(missing.smsTemplates == settings.smsTemplates)
    }

    @Test("every default WeChat, Alipay and SMS template is accepted when sent through the real clients")
    func everyDefaultAccepted() async throws {
        try await SandboxHarness.run { sandbox in
            let channels = sandbox.channels
            let tokens = WeChatAccessToken(settings: channels, transport: sandbox.transport, clock: sandbox.clock)
            let wechat = WeChatMessenger(settings: channels, tokens: tokens, transport: sandbox.transport)
            let alipayConfiguration = try #require(try AlipayPayConfiguration.from(settings: channels,
                                                                                   notifyURL: "http://127.0.0.1:9/notify"))
            let alipay = AlipayMessenger(client: AlipayPayClient(configuration: alipayConfiguration,
                                                                 transport: sandbox.transport, clock: sandbox.clock))
            let sms = SMSGateway(settings: channels, transport: sandbox.transport, clock: sandbox.clock)
            let openID = "o6_bmDEFAULTS000000000000001"
            let userID = "2088000000000099"
            var sent = 0
            for template in try Self.defaults() {
                guard let id = template.templateId else { continue }
                let data = Dictionary(uniqueKeysWithValues: template.keywords.keys.map { ($0, Self.sample(forKey: $0)) })
                switch template.channel {
                case "wechat_subscribe":
                    try await sandbox.post("/sandbox/wechat/subscriptions",
                                           "{\"openid\": \"\(openID)\", \"templateId\": \"\(id)\"}")
                    _ = try await wechat.sendSubscribe(openID: openID, templateID: id, data: data, page: Self.page(template))
                case "wechat_template":
                    _ = try await wechat.sendTemplate(openID: openID, templateID: id, data: data,
                                                      miniProgram: Self.page(template).map { (channels.wechatAppID, $0) })
                case "alipay":
                    let form = try await sandbox.post("/sandbox/alipay/forms", "{\"userId\": \"\(userID)\"}")
                    try await alipay.send(userID: userID, formID: try #require(form["formId"] as? String), templateID: id,
                                          data: data, page: Self.page(template))
                case "sms":
                    _ = try await sms.send(phone: "13800138555", templateCode: id, params: data, outID: nil)
                default:
                    continue
                }
                sent += 1
            }
            #expect(sent == 49)
            let wechatCount = try await sandbox.get("/sandbox/wechat/message-counts")["total"] as? Int
            #expect(wechatCount == 26)
            let smsCount = try await sandbox.get("/sandbox/sms/message-counts")["total"] as? Int
            #expect(smsCount == 13)
        }
    }
}

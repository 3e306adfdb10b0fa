import Foundation
import HuiminCore
import Notices
import Testing

/// What a save refuses, each with its code: unknown variables and filters, missing keywords and
/// IDs, keys WeChat does not know, sample values WeChat or the SMS gateway would refuse.
@Suite struct TemplateValidationTests {
    static func code(_ template: MessageTemplate) -> String? {
        do {
            try TemplateValidation.validate(template)
            return nil
        } catch let error as AppError {
            return error.code
        } catch {
            return "\(error)"
        }
    }

    static func subscribe(_ keywords: [String: String], event: String = "appointment.booked") -> MessageTemplate {
        MessageTemplate(event: event, channel: .wechatSubscribe, templateId: "tpl_1", keywords: keywords, page: "pages/index")
    }

    @Test func aGoodSubscribeTemplatePasses() {
        #expect(Self.code(Self.subscribe(["name1": "{{patientName}}", "thing2": "{{department}}", "time3": "{{startsAt}}",
                                          "amount4": "{{feeFen}}", "character_string5": "{{visitNumber}}"])) == nil)
    }

    @Test func unknownVariablesAndFiltersAndBadSyntaxAreRefused() {
        #expect(Self.code(Self.subscribe(["thing1": "{{departmentName}}"])) == "template_variable_unknown")
        #expect(Self.code(Self.subscribe(["thing1": "{{department|upper}}"])) == "template_filter_invalid")
        #expect(Self.code(Self.subscribe(["thing1": "{{department|mask}}"])) == "template_filter_invalid")
        #expect(Self.code(Self.subscribe(["thing1": "{{department"])) == "template_syntax_invalid")
        #expect(Self.code(Self.subscribe(["thing1": "department}}"])) == "template_syntax_invalid")
        #expect(Self.code(Self.subscribe(["thing1": "{{}}"])) == "template_syntax_invalid")
        var page = Self.subscribe(["thing1": "{{department}}"])
        page.page = "pages/x?id={{refundFen}}"
        #expect(Self.code(page) == "template_variable_unknown", "refundFen is not a variable of appointment.booked")
        #expect(Self.code(Self.subscribe(["thing1": "{{refundFen}}"], event: "appointment.cancelled")) != "template_variable_unknown")
        #expect(Self.code(Self.subscribe(["thing1": "x"], event: "appointment.nope")) == "template_event_unknown")
    }

    @Test func missingKeywordsAndIDsAreRefused() {
        #expect(Self.code(Self.subscribe([:])) == "template_keyword_missing")
        #expect(Self.code(Self.subscribe(["thing1": " "])) == "template_keyword_missing")
        var noID = Self.subscribe(["thing1": "{{department}}"])
        noID.templateId = ""
        #expect(Self.code(noID) == "template_vendor_id_missing")
        let inbox = MessageTemplate(event: "appointment.booked", channel: .inbox, keywords: ["title": "预约成功"])
        #expect(Self.code(inbox) == "template_keyword_missing")
        let extra = MessageTemplate(event: "appointment.booked", channel: .inbox, keywords: ["title": "a", "body": "b", "footer": "c"])
        #expect(Self.code(extra) == "template_keyword_invalid")
    }

    @Test func weChatKeyTypesAreCheckedOnTheSampleRender() {
        #expect(Self.code(Self.subscribe(["keyword1": "{{department}}"])) == "template_keyword_invalid")
        #expect(Self.code(Self.subscribe(["thing": "{{department}}"])) == "template_keyword_invalid", "a type needs its number")
        // The sample start time is no amount, a masked name is no `name`, a long text is no `thing`.
        #expect(Self.code(Self.subscribe(["amount1": "{{startsAt}}"])) == "template_value_invalid")
        #expect(Self.code(Self.subscribe(["name1": "{{patientName|mask}}"])) == "template_value_invalid")
        #expect(Self.code(Self.subscribe(["thing1": "{{hospitalName}}{{department}}{{resource}}预约成功请准时"])) == "template_value_invalid")
        #expect(Self.code(Self.subscribe(["phrase1": "预约成功啦啦"])) == "template_value_invalid")
        #expect(Self.code(Self.subscribe(["phrase1": "预约成功"])) == nil)
        #expect(Self.code(Self.subscribe(["date1": "{{day}}", "time2": "{{startsAt}}"])) == nil)
        var template = Self.subscribe(["thing1": "{{department}}"])
        template.channel = .wechatTemplate
        template.url = "https://example.org/b/{{bookingId}}"
        #expect(Self.code(template) == nil)
        template.channel = .wechatSubscribe
        #expect(Self.code(template) == "template_keyword_invalid", "a subscribe message has no url")
    }

    @Test func smsNeedsASignAndShortParameters() {
        func sms(_ params: [String: String], sign: String? = "惠民健康") -> MessageTemplate {
            MessageTemplate(event: "appointment.booked", channel: .sms, templateId: "SMS_1", signName: sign, keywords: params)
        }
        #expect(Self.code(sms(["name": "{{patientName|mask}}", "time": "{{startsAt}}"])) == nil)
        #expect(Self.code(sms(["name": "{{patientName}}"], sign: nil)) == "template_sign_name_invalid")
        #expect(Self.code(sms(["name": "{{patientName}}"], sign: "【惠民】")) == "template_sign_name_invalid")
        #expect(Self.code(sms(["名字": "{{patientName}}"])) == "template_keyword_invalid")
        let long = "{{hospitalName}}{{department}}{{resource}}{{startsAt}}{{bookingId}}"
        #expect(Self.code(sms(["where": long])) == "template_value_invalid")
    }

    @Test func inboxSizesAreChecked() {
        let long = String(repeating: "很", count: 41)
        let template = MessageTemplate(event: "payment.paid", channel: .inbox, keywords: ["title": long, "body": "{{amountFen}}"])
        #expect(Self.code(template) == "template_value_invalid")
    }
}

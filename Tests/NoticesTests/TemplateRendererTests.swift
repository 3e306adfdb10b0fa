import Foundation
import HuiminCore
import Notices
import Testing

/// Rendering: money from fen, Beijing wall time, masking on request, and a missing variable as an
/// error that names it, never a blank.
@Suite struct TemplateRendererTests {
    static func booked(_ keywords: [String: String], channel: MessageChannel = .inbox) -> MessageTemplate {
        MessageTemplate(event: "appointment.booked", channel: channel, templateId: "tpl", keywords: keywords)
    }

    static let payload = ["patientName": "欧阳娜娜", "department": "心内科", "startsAt": "2026-11-30T16:05:00.000Z",
                          "feeFen": "1205", "period": "afternoon", "visitNumber": "7", "hospitalName": "第一医院"]

    @Test func formatsMoneyTimeAndPeriodAndMasksWhenAsked() throws {
        let template = Self.booked(["title": "预约成功", "body": "{{patientName|mask}} {{period}} {{startsAt}} 第{{visitNumber}}号 {{feeFen}} {{feeFen|raw}} {{patientName}}"])
        let rendered = try TemplateRenderer.render(template, payload: Self.payload)
        // 16:05 UTC is 00:05 the next day in Beijing.
        #expect(rendered.data["body"] == "欧阳** 下午 2026-12-01 00:05 第7号 12.05元 1205 欧阳娜娜")
        #expect(rendered.text == "预约成功\n欧阳** 下午 2026-12-01 00:05 第7号 12.05元 1205 欧阳娜娜")
    }

    @Test func yuanKeepsTwoDecimalsAndSign() {
        #expect(TemplateRenderer.yuan(0) == "0.00元")
        #expect(TemplateRenderer.yuan(5) == "0.05元")
        #expect(TemplateRenderer.yuan(1250) == "12.50元")
        #expect(TemplateRenderer.yuan(-100_000) == "-1000.00元")
    }

    @Test func aMissingVariableIsAnErrorNamingIt() throws {
        let template = Self.booked(["title": "预约成功", "body": "{{department}} {{resource}}"])
        let error = try #require(throws: AppError.self) { try TemplateRenderer.render(template, payload: Self.payload) }
        #expect(error.code == "template_variable_missing")
        #expect(error.message.contains("resource"))
        var empty = Self.payload
        empty["resource"] = ""
        #expect(throws: AppError.self) { try TemplateRenderer.render(template, payload: empty) }
    }

    @Test func aBadPayloadValueIsAnErrorNotGarbage() throws {
        let template = Self.booked(["title": "t", "body": "{{feeFen}}"])
        var payload = Self.payload
        payload["feeFen"] = "12.5"
        let error = try #require(throws: AppError.self) { try TemplateRenderer.render(template, payload: payload) }
        #expect(error.code == "template_value_invalid")
    }

    @Test func keywordLinesAreInTheirNumberOrder() throws {
        let template = Self.booked(["time10": "{{startsAt}}", "thing2": "{{department}}", "name1": "{{patientName}}"],
                                   channel: .wechatSubscribe)
        let rendered = try TemplateRenderer.render(template, payload: Self.payload)
        #expect(rendered.text == "name1: 欧阳娜娜\nthing2: 心内科\ntime10: 2026-12-01 00:05")
    }

    @Test func pagesAreRenderedToo() throws {
        var template = Self.booked(["title": "t", "body": "b"])
        template.page = "pages/booking/detail?id={{bookingId}}"
        var payload = Self.payload
        payload["bookingId"] = "bkg_1"
        #expect(try TemplateRenderer.render(template, payload: payload).page == "pages/booking/detail?id=bkg_1")
    }

    @Test func everyCatalogSampleIsWellFormed() throws {
        for kind in EventCatalog.all {
            for variable in kind.variables {
                let template = MessageTemplate(event: kind.event, channel: .inbox, keywords: ["title": "t", "body": "{{\(variable.name)}}"])
                #expect(throws: Never.self, "\(kind.event).\(variable.name)") {
                    try TemplateRenderer.render(template, payload: kind.samplePayload)
                }
            }
        }
        #expect(Set(EventCatalog.all.map(\.event)).count == EventCatalog.all.count)
        #expect(EventCatalog.kind("appointment.suspended")?.urgent == true)
        #expect(EventCatalog.kind("appointment.booked")?.urgent == false)
    }
}

import Foundation
import HuiminCore
import Notices
import Testing

/// The templates shipped in assets/messaging/templates.json are loaded at first start, so every
/// one of them must pass the checks an admin's save passes.
@Suite struct DefaultTemplatesTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("assets/messaging/templates.json")

    @Test func theDefaultFileValidatesInFull() throws {
        let templates = try TemplateService.defaults(from: try Data(contentsOf: Self.file))
        #expect(templates.count >= 40)
        // Every event the catalog knows has at least an inbox template and one other channel.
        for kind in EventCatalog.all {
            let channels = Set(templates.filter { $0.event == kind.event }.map(\.channel))
            #expect(channels.contains(.inbox), "\(kind.event) has no inbox template")
            #expect(channels.count >= 2, "\(kind.event) has only \(channels)")
        }
        // Urgent notices reach residents by SMS when WeChat does not.
        for event in ["appointment.suspended", "appointment.substituted", "staff.urgent_alert"] {
            #expect(templates.contains { $0.event == event && $0.channel == .sms }, "\(event) has no SMS template")
        }
    }

    @Test func aSuspensionReadsAsAResidentExpects() throws {
        let templates = try TemplateService.defaults(from: try Data(contentsOf: Self.file))
        let inbox = try #require(templates.first { $0.event == "appointment.suspended" && $0.channel == .inbox })
        let kind = try #require(EventCatalog.kind("appointment.suspended"))
        let rendered = try TemplateRenderer.render(inbox, payload: kind.samplePayload)
        #expect(rendered.data["title"] == "停诊通知")
        #expect(rendered.data["body"]?.contains("张*的预约已取消，挂号费12.50元将原路退回") == true, "\(rendered.text)")
        #expect(rendered.data["body"]?.contains("2026-11-30 08:30") == true)
    }

    @Test func aDuplicateOrABadEntryIsRefusedNamingIt() throws {
        let entry = #"{"event":"payment.paid","channel":"inbox","keywords":{"title":"t","body":"{{amountFen}}"}}"#
        #expect(throws: AppError.self) { try TemplateService.defaults(from: Data("[\(entry),\(entry)]".utf8)) }
        let bad = #"[{"event":"payment.paid","channel":"inbox","keywords":{"title":"t","body":"{{amount}}"}}]"#
        let error = try #require(throws: AppError.self) { try TemplateService.defaults(from: Data(bad.utf8)) }
        #expect(error.code == "template_variable_unknown")
        #expect(error.message.hasPrefix("payment.paid/inbox"))
        let fax = #"[{"event":"payment.paid","channel":"inbox","keywords":{"title":"t","body":"b"}},{"event":"payment.paid","channel":"fax","keywords":{}}]"#
        let badChannel = try #require(throws: AppError.self) { try TemplateService.defaults(from: Data(fax.utf8)) }
        #expect(badChannel.code == "template_defaults_invalid")
        #expect(badChannel.message.hasPrefix("entry 2, channel"), "\(badChannel.message)")
        let noEvent = try #require(throws: AppError.self) { try TemplateService.defaults(from: Data(#"[{"channel":"sms","keywords":{}}]"#.utf8)) }
        #expect(noEvent.message == "entry 1 lacks 'event'.")
        #expect(throws: AppError.self) { try TemplateService.defaults(from: Data("not json".utf8)) }
    }
}

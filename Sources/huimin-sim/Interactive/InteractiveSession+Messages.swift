import Foundation

/// The messages screens: the resident's inbox, and what the sandbox's WeChat and SMS gateway
/// received — what the resident's phone would show.
extension InteractiveSession {
    func messagesMenu() async throws {
        let entries = ["Inbox", "Mark the inbox read", "What WeChat received (by openid)", "What the SMS gateway received (by phone)",
                       "Accept a subscribe message (wx.requestSubscribeMessage)"]
        while let choice = try Prompt.menu("Messages", entries) {
            switch choice {
            case 0:
                let response = try await connection.api("GET", "/api/v1/me/inbox")
                guard show(response), case .array(let items)? = response.json?.at("items") else { continue }
                for item in items.prefix(20) {
                    Console.line("\(item.at("read") == .bool(true) ? "○" : "●") \(item.at("createdAt")?.text ?? "") \(item.at("title")?.text ?? "")")
                    Console.line("    \(item.at("body")?.text ?? "")")
                }
            case 1:
                show(try await connection.api("POST", "/api/v1/me/inbox/read-all"))
            case 2:
                let openid = try Prompt.require("openid")
                list(try await connection.sandbox("GET", "/sandbox/wechat/messages?openid=\(openid.urlQueryEncoded)"),
                               kind: "kind", template: "templateId", fields: "data")
            case 3:
                let phone = try Prompt.require("Phone")
                list(try await connection.sandbox("GET", "/sandbox/sms/messages?phone=\(phone.urlQueryEncoded)"),
                               kind: "signName", template: "templateCode", fields: "params")
            default:
                let openid = try Prompt.require("openid")
                let template = try Prompt.require("Subscribe template ID", default: "tpl_sub_appointment_booked")
                let granted = try await connection.sandbox("POST", "/sandbox/wechat/subscriptions", .object([
                    "openid": .string(openid), "templateId": .string(template), "count": .number(1),
                ]))
                guard show(granted) else { continue }
                show(try await connection.api("POST", "/api/v1/me/message-consents", .object([
                    "channel": .string("wechat_subscribe"), "results": .object([template: .string("accept")]),
                ])))
            }
        }
    }

    private func list(_ response: SimResponse, kind: String, template: String, fields: String) {
        guard show(response), case .array(let messages)? = response.json?.at("messages") else { return }
        if messages.isEmpty { Console.line("(none)") }
        for message in messages.prefix(20) {
            Console.line("\(message.at("receivedAt")?.text ?? "") \(message.at(kind)?.text ?? "") \(message.at(template)?.text ?? "")")
            Console.line("    \(message.at(fields)?.text ?? "")")
        }
    }
}

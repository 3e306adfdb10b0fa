import Foundation
import HuiminCore

/// Huimin's default message templates (assets/messaging/templates.json), registered with the fake
/// vendors as their platforms would have approved them, so that a Huimin sending its defaults
/// to the sandbox is not refused. Read here from the file itself: the sandbox stands for the
/// outside world and does not depend on Huimin's template module.
extension SandboxSettings {
    /// One entry of the file; fields the vendors do not see (event, texts) are ignored.
    private struct Entry: Decodable {
        let channel: String
        let templateId: String?
        let signName: String?
        let keywords: [String: String]?
        let page: String?
    }

    /// These settings plus every template of `templatesJSON` (a JSON array of `{channel,
    /// templateId, signName?, keywords, page?}`): WeChat template and subscribe templates and
    /// Alipay templates with their keyword keys, SMS templates (notifications) with their
    /// parameter names and signature names, and the mini-program pages they open (the path
    /// before `?`). The `inbox` channel and unknown channels need no vendor and are skipped.
    /// - Throws: `AppError` (`sandbox_templates_invalid`) when the JSON is not such an array.
    public func registering(templatesJSON: Data) throws -> SandboxSettings {
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode([Entry].self, from: templatesJSON)
        } catch {
            throw AppError.invalid("sandbox_templates_invalid", "The message templates are not a JSON array of templates.")
        }
        var settings = self
        for entry in entries {
            if let page = entry.page, let path = page.split(separator: "?", maxSplits: 1).first {
                settings.messaging.miniProgramPages.insert(String(path.drop(while: { $0 == "/" })))
            }
            guard let id = entry.templateId, !id.isEmpty else { continue }
            let keys = (entry.keywords ?? [:]).keys.sorted()
            switch entry.channel {
            case "wechat_template": settings.messaging.wechatTemplates[id] = keys
            case "wechat_subscribe": settings.messaging.wechatSubscribeTemplates[id] = keys
            case "alipay": settings.messaging.alipayTemplates[id] = keys
            case "sms":
                settings.smsTemplates[id] = keys
                if let signName = entry.signName, !signName.isEmpty { settings.smsSignNames.insert(signName) }
            default: continue
            }
        }
        return settings
    }

    /// `registering(templatesJSON:)` with the contents of `file`; unchanged when there is no
    /// such file (the sandbox then knows only its own made-up templates).
    /// - Throws: when the file exists but cannot be read or is not a templates array.
    public func registering(templatesFile file: URL) throws -> SandboxSettings {
        guard FileManager.default.fileExists(atPath: file.path) else { return self }
        return try registering(templatesJSON: try Data(contentsOf: file))
    }

    /// `assets/messaging/templates.json` under the working directory, unless
    /// `HUIMIN_MESSAGE_TEMPLATES` names another file: the same file `huimin serve` loads its
    /// default templates from.
    public static var defaultMessageTemplates: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["HUIMIN_MESSAGE_TEMPLATES"]
            ?? "assets/messaging/templates.json")
    }
}

import HuiminCore
import Messaging

/// The checks a template passes before it is saved: every placeholder names a variable of its
/// event, the channel's required parts are there, and the catalog's sample renders into values the
/// vendor accepts (WeChat's keyword types, SMS parameter lengths, the inbox's sizes). A template
/// that passes can still fail to render when a payload lacks a variable; that is the renderer's error.
public enum TemplateValidation {
    /// Aliyun refuses a notification parameter longer than 35 characters (isv.PARAM_LENGTH_LIMIT).
    public static let smsParameterLimit = 35
    public static let inboxTitleLimit = 40
    public static let inboxBodyLimit = 500

    public static func validate(_ template: MessageTemplate) throws {
        guard let kind = EventCatalog.kind(template.event) else {
            throw AppError.notFound("template_event_unknown", "No event '\(template.event)' in the catalog.")
        }
        try checkParts(template)
        // Placeholders first, so an unknown variable is named as such rather than as a render failure.
        let fields = template.keywords.map { ($0.key, $0.value) } + [("page", template.page), ("url", template.url)]
            .compactMap { name, text in text.map { (name, $0) } }
        for (field, text) in fields.sorted(by: { $0.0 < $1.0 }) {
            for placeholder in try TemplateText.placeholders(text) {
                guard let variable = kind.variable(placeholder.variable) else {
                    throw AppError.rule("template_variable_unknown",
                        "'\(field)' uses {{\(placeholder.variable)}}; '\(kind.event)' has \(kind.variables.map(\.name).joined(separator: ", ")).")
                }
                if let filter = placeholder.filter {
                    guard TemplateRenderer.filters.contains(filter) else {
                        throw AppError.rule("template_filter_invalid", "'\(field)' uses the filter '\(filter)'; filters are mask and raw.")
                    }
                    if filter == "mask", variable.kind != .name, variable.kind != .phone {
                        throw AppError.rule("template_filter_invalid", "'\(field)' masks {{\(variable.name)}}, which is not a name or phone.")
                    }
                }
            }
        }
        let sample = try TemplateRenderer.render(template, payload: kind.samplePayload)
        try checkValues(sample)
    }

    /// Whether the values a render produced are ones the channel takes. The dispatcher calls this
    /// on the real payload too, so a long department name is a dead letter with a reason, not a 47003.
    public static func checkValues(_ message: RenderedMessage) throws {
        switch message.channel {
        case .wechatTemplate, .wechatSubscribe:
            if let (key, reason) = WeChatSubscribeValue.violation(in: message.data) {
                throw AppError.rule("template_value_invalid",
                    "'\(key)' renders as '\(message.data[key] ?? "")', which \(reason) (WeChat keyword type \(WeChatSubscribeValue.type(ofKey: key))).")
            }
        case .sms:
            for key in message.data.keys.sorted() where message.data[key]!.count > smsParameterLimit {
                throw AppError.rule("template_value_invalid",
                    "SMS parameter '\(key)' renders to \(message.data[key]!.count) characters; the limit is \(smsParameterLimit).")
            }
        case .inbox:
            if message.data["title", default: ""].count > inboxTitleLimit {
                throw AppError.rule("template_value_invalid", "The inbox title renders longer than \(inboxTitleLimit) characters.")
            }
            if message.data["body", default: ""].count > inboxBodyLimit {
                throw AppError.rule("template_value_invalid", "The inbox body renders longer than \(inboxBodyLimit) characters.")
            }
        case .alipay:
            for key in message.data.keys.sorted() where message.data[key]!.count > 100 {
                throw AppError.rule("template_value_invalid", "Alipay keyword '\(key)' renders longer than 100 characters.")
            }
        }
    }

    static func checkParts(_ template: MessageTemplate) throws {
        for (key, text) in template.keywords where text.trimmingCharacters(in: .whitespaces).isEmpty {
            throw AppError.rule("template_keyword_missing", "Keyword '\(key)' has no text.")
        }
        let templateID = template.templateId?.trimmingCharacters(in: .whitespaces) ?? ""
        switch template.channel {
        case .wechatTemplate, .wechatSubscribe, .alipay, .sms:
            guard !templateID.isEmpty else {
                throw AppError.rule("template_vendor_id_missing",
                    template.channel == .sms ? "An SMS template needs its approved template code." : "A \(template.channel.rawValue) template needs the vendor's template ID.")
            }
            guard !template.keywords.isEmpty else {
                throw AppError.rule("template_keyword_missing", "A \(template.channel.rawValue) template needs at least one keyword.")
            }
        case .inbox:
            for key in ["title", "body"] where template.keywords[key] == nil {
                throw AppError.rule("template_keyword_missing", "An inbox template needs '\(key)'.")
            }
            if let other = template.keywords.keys.sorted().first(where: { $0 != "title" && $0 != "body" }) {
                throw AppError.rule("template_keyword_invalid", "An inbox template has only 'title' and 'body', not '\(other)'.")
            }
        }
        switch template.channel {
        case .wechatTemplate, .wechatSubscribe:
            for key in template.keywords.keys.sorted() {
                let type = WeChatSubscribeValue.type(ofKey: key)
                guard WeChatSubscribeValue.types.contains(type), type.count < key.count else {
                    throw AppError.rule("template_keyword_invalid",
                        "'\(key)' is not a WeChat keyword: a type (thing, time, amount…) followed by its number, as in thing1.")
                }
            }
            if template.channel == .wechatSubscribe, template.url != nil {
                throw AppError.rule("template_keyword_invalid", "A subscribe message opens a mini-program page, not a url.")
            }
        case .sms:
            let sign = template.signName ?? ""
            guard (2...12).contains(sign.count), !sign.contains("【"), !sign.contains("】") else {
                throw AppError.rule("template_sign_name_invalid", "An SMS sign name is 2 to 12 characters, without 【】.")
            }
            for key in template.keywords.keys.sorted() where !key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                throw AppError.rule("template_keyword_invalid", "SMS parameter '\(key)' must be letters, digits and _.")
            }
            if template.page != nil || template.url != nil {
                throw AppError.rule("template_keyword_invalid", "An SMS template has no page or url.")
            }
        case .alipay, .inbox:
            if template.url != nil {
                throw AppError.rule("template_keyword_invalid", "Only WeChat template messages carry a url.")
            }
        }
    }
}

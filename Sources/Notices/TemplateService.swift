import Database
import Foundation
import HuiminCore

/// What admins do with templates: list, save (validated, versioned, audited), preview, and load
/// the defaults shipped in assets/messaging/templates.json.
public struct TemplateService: Sendable {
    let store: TemplateStore
    let clock: any HuiminClock

    public init(store: TemplateStore, clock: any HuiminClock) {
        self.store = store
        self.clock = clock
    }

    /// The body of a save: everything but the version, which the store assigns.
    public struct Draft: Codable, Sendable {
        public var templateId: String?
        public var signName: String?
        public var keywords: [String: String]
        public var page: String?
        public var url: String?
        public var enabled: Bool?
        /// The version the admin edited; a save over a newer one is refused.
        public var expectedVersion: Int?

        public init(templateId: String? = nil, signName: String? = nil, keywords: [String: String], page: String? = nil,
                    url: String? = nil, enabled: Bool? = nil, expectedVersion: Int? = nil) {
            self.templateId = templateId
            self.signName = signName
            self.keywords = keywords
            self.page = page
            self.url = url
            self.enabled = enabled
            self.expectedVersion = expectedVersion
        }

        public func template(event: String, channel: MessageChannel) -> MessageTemplate {
            MessageTemplate(event: event, channel: channel, templateId: templateId, signName: signName, keywords: keywords,
                            page: page, url: url, enabled: enabled ?? true)
        }
    }

    /// One entry of the defaults file: the event and channel, and a draft's fields beside them.
    public struct DefaultEntry: Decodable, Sendable {
        public var event: String
        public var channel: MessageChannel
        public var draft: Draft

        enum CodingKeys: String, CodingKey { case event, channel }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            event = try container.decode(String.self, forKey: .event)
            channel = try container.decode(MessageChannel.self, forKey: .channel)
            draft = try Draft(from: decoder)
        }

        public var template: MessageTemplate { draft.template(event: event, channel: channel) }
    }

    public static func channel(_ text: String) throws -> MessageChannel {
        guard let channel = MessageChannel(rawValue: text) else {
            throw AppError.notFound("template_channel_unknown",
                                    "No channel '\(text)'; channels are \(MessageChannel.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return channel
    }

    public static func event(_ text: String) throws -> EventKind {
        guard let kind = EventCatalog.kind(text) else {
            throw AppError.notFound("template_event_unknown", "No event '\(text)' in the catalog.")
        }
        return kind
    }

    public func list(event: String?, channel: String?) async throws -> [MessageTemplate] {
        if let event { _ = try Self.event(event) }
        if let channel { _ = try Self.channel(channel) }
        return try await store.current(event: event, channel: channel).compactMap(Self.template)
    }

    public func current(event: String, channel: MessageChannel) async throws -> MessageTemplate? {
        try await store.current(event: event, channel: channel.rawValue).first.flatMap(Self.template)
    }

    public func versions(event: String, channel: MessageChannel) async throws -> [MessageTemplate] {
        try await store.versions(event: event, channel: channel.rawValue).compactMap(Self.template)
    }

    public func save(event: String, channel: String, draft: Draft, actor: AuditActor) async throws -> MessageTemplate {
        _ = try Self.event(event)
        let template = draft.template(event: event, channel: try Self.channel(channel))
        try TemplateValidation.validate(template)
        let saved = try await store.save(Self.record(template), expectedVersion: draft.expectedVersion, actor: actor, now: clock.now())
        return Self.template(saved)!
    }

    /// Renders the saved template, or `draft` when given (validated first), with the catalog's
    /// sample payload overlaid by `payload`.
    public func preview(event: String, channel: String, draft: Draft?, payload: [String: String]?) async throws -> RenderedMessage {
        let kind = try Self.event(event)
        let channel = try Self.channel(channel)
        let template: MessageTemplate
        if let draft {
            template = draft.template(event: event, channel: channel)
            try TemplateValidation.validate(template)
        } else if let saved = try await current(event: event, channel: channel) {
            template = saved
        } else {
            throw AppError.notFound("template_not_found", "No \(channel.rawValue) template for '\(event)' yet.")
        }
        let rendered = try TemplateRenderer.render(template, payload: kind.samplePayload.merging(payload ?? [:]) { $1 })
        try TemplateValidation.checkValues(rendered)
        return rendered
    }

    /// Parses and validates a defaults file in full: every entry, and no (event, channel) twice.
    public static func defaults(from data: Data) throws -> [MessageTemplate] {
        let entries: [DefaultEntry]
        do {
            entries = try JSONDecoder().decode([DefaultEntry].self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw AppError.invalid("template_defaults_invalid", "\(Self.place(context.codingPath)) lacks '\(key.stringValue)'.")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw AppError.invalid("template_defaults_invalid", "\(Self.place(context.codingPath)) is not valid: \(context.debugDescription)")
        } catch {
            throw AppError.invalid("template_defaults_invalid", "The templates file is not a JSON array of templates.")
        }
        var seen = Set<String>()
        return try entries.map { entry in
            let template = entry.template
            guard seen.insert("\(template.event)/\(template.channel.rawValue)").inserted else {
                throw AppError.invalid("template_defaults_invalid", "\(template.event)/\(template.channel.rawValue) appears twice.")
            }
            do {
                try TemplateValidation.validate(template)
            } catch let error as AppError {
                throw AppError.invalid(error.code, "\(template.event)/\(template.channel.rawValue): \(error.message)")
            }
            return template
        }
    }

    /// `entry 3, channel` for a decoding error's path.
    static func place(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "entry \($0 + 1)" } ?? $0.stringValue }.joined(separator: ", ")
    }

    /// Adds the defaults whose (event, channel) has no template yet; saved templates are kept.
    public func loadDefaults(from data: Data, actor: AuditActor = .system) async throws -> Int {
        try await store.loadDefaults(try Self.defaults(from: data).map(Self.record), actor: actor, now: clock.now())
    }

    static func record(_ t: MessageTemplate) -> TemplateStore.Record {
        TemplateStore.Record(event: t.event, channel: t.channel.rawValue, templateId: t.templateId, signName: t.signName,
                             keywords: t.keywords, page: t.page, url: t.url, enabled: t.enabled)
    }

    public static func template(_ r: TemplateStore.Record) -> MessageTemplate? {
        guard let channel = MessageChannel(rawValue: r.channel) else { return nil }
        return MessageTemplate(event: r.event, channel: channel, templateId: r.templateId, signName: r.signName, keywords: r.keywords,
                               page: r.page, url: r.url, enabled: r.enabled, version: r.version,
                               updatedAt: ISO8601.string(r.createdAt), updatedBy: r.createdBy)
    }
}

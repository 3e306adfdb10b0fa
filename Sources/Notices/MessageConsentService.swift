import Database
import Foundation
import HuiminCore

/// One-time consents to mini-program message templates. The mini-program hands over what
/// `wx.requestSubscribeMessage` answered (each `accept` is one message the resident may get from
/// that template) or an Alipay form ID; the dispatcher spends one per subscribe or Alipay send.
public struct MessageConsentService: Sendable {
    let consents: MessageConsentStore
    let templates: TemplateStore
    let clock: any HuiminClock
    /// wx.requestSubscribeMessage takes at most 3 templates at once; 20 leaves room without
    /// letting one request mint consents without bound.
    static let maxResults = 20
    static let answers: Set<String> = ["accept", "reject", "ban", "filter"]

    public init(consents: MessageConsentStore, templates: TemplateStore, clock: any HuiminClock) {
        self.consents = consents
        self.templates = templates
        self.clock = clock
    }

    /// The body of `POST /api/v1/me/message-consents`.
    public struct Submission: Decodable, Sendable {
        public var channel: String
        /// WeChat: template ID -> `accept`, `reject`, `ban` or `filter`, as the SDK answered.
        public var results: [String: String]?
        /// Alipay: the template and the form ID the page's form submit gave.
        public var templateId: String?
        public var formId: String?
    }

    public struct TemplateConsents: Codable, Sendable, Equatable {
        public var channel: String
        public var templateId: String
        /// The events whose current, enabled template uses this template ID.
        public var events: [String]
        /// Consents granted and not yet spent.
        public var remaining: Int
    }

    public struct Added: Codable, Sendable {
        public var added: Int
        public var consents: [TemplateConsents]
    }

    public func add(accountID: String, accountChannel: String, _ submission: Submission) async throws -> Added {
        guard let channel = MessageChannel(rawValue: submission.channel), channel == .wechatSubscribe || channel == .alipay else {
            throw AppError.invalid("message_consent_invalid", "channel is wechat_subscribe or alipay.")
        }
        guard PushChannels.consentChannel(accountChannel: accountChannel) == channel else {
            throw AppError.rule("channel_not_available", "A \(accountChannel) account cannot consent to \(channel.rawValue) messages.")
        }
        let grants = try Self.grants(channel: channel, submission)
        let known = try await knownTemplates(channel)
        // Every template asked about must be one in use, declined ones too: a typo shows at once.
        let asked = channel == .alipay ? grants.map(\.templateId) : (submission.results.map { Array($0.keys) } ?? [])
        if let unknown = asked.sorted().first(where: { known[$0] == nil }) {
            throw AppError.rule("message_template_unknown", "No enabled \(channel.rawValue) template uses '\(unknown)'.")
        }
        let added = try await consents.add(accountID: accountID, grants: grants, now: clock.now())
        return Added(added: added, consents: try await list(accountID: accountID, accountChannel: accountChannel))
    }

    /// Every template the account's mini-program can ask consent for, with what is left of each;
    /// leftovers of templates no longer in use are listed too, with no events.
    public func list(accountID: String, accountChannel: String) async throws -> [TemplateConsents] {
        guard let channel = PushChannels.consentChannel(accountChannel: accountChannel) else { return [] }
        let known = try await knownTemplates(channel)
        var remaining: [String: Int] = [:]
        for row in try await consents.remaining(accountID: accountID) where row.channel == channel.rawValue {
            remaining[row.templateId] = row.count
        }
        return Set(known.keys).union(remaining.keys).sorted().map {
            TemplateConsents(channel: channel.rawValue, templateId: $0, events: known[$0] ?? [], remaining: remaining[$0] ?? 0)
        }
    }

    /// Template ID -> the events whose current, enabled template of `channel` uses it.
    func knownTemplates(_ channel: MessageChannel) async throws -> [String: [String]] {
        var known: [String: [String]] = [:]
        for template in try await templates.current(channel: channel.rawValue) where template.enabled {
            guard let id = template.templateId, !id.isEmpty else { continue }
            known[id, default: []].append(template.event)
        }
        return known
    }

    static func grants(channel: MessageChannel, _ submission: Submission) throws -> [MessageConsentStore.Grant] {
        if channel == .alipay {
            guard let templateId = submission.templateId, !templateId.isEmpty,
                  let formId = submission.formId, !formId.isEmpty, formId.count <= 128 else {
                throw AppError.invalid("message_consent_invalid", "An Alipay consent gives templateId and formId (at most 128 characters).")
            }
            return [MessageConsentStore.Grant(channel: channel.rawValue, templateId: templateId, formId: formId)]
        }
        guard let results = submission.results, !results.isEmpty, results.count <= maxResults else {
            throw AppError.invalid("message_consent_invalid", "results maps 1 to \(maxResults) template IDs to what the resident answered.")
        }
        if let bad = results.first(where: { $0.key.isEmpty || !answers.contains($0.value) }) {
            throw AppError.invalid("message_consent_invalid", "The answer for '\(bad.key)' is '\(bad.value)', not accept, reject, ban or filter.")
        }
        // Only an accept is a consent; the others say the resident (or WeChat) declined this time.
        return results.filter { $0.value == "accept" }.keys.sorted().map {
            MessageConsentStore.Grant(channel: channel.rawValue, templateId: $0)
        }
    }
}

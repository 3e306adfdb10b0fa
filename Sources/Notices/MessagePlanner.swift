import Database
import Foundation
import HuiminCore

/// The templates in use, as loaded a moment ago (the dispatcher reloads them every few seconds).
public struct TemplateBook: Sendable {
    let templates: [String: MessageTemplate]

    public init(templates: [MessageTemplate]) {
        self.templates = Dictionary(templates.filter(\.enabled).map { ($0.event + "|" + $0.channel.rawValue, $0) },
                                    uniquingKeysWith: { a, b in a.version >= b.version ? a : b })
    }

    public func template(_ event: String, _ channel: String) -> MessageTemplate? {
        templates[event + "|" + channel]
    }
}

/// Decides, for one leased message, what happens next: the plan and inbox copy on its first claim,
/// then a hold (quiet hours, the recipient's rate limit), a send through the next channel that can
/// reach the resident (address known, consent left, template enabled), or the end. A pure function
/// of the candidate, so the store can call it inside the claiming transaction.
public struct MessagePlanner: Sendable {
    let book: TemplateBook
    let crypto: any CryptoProfile
    let settings: MessagingSettings
    let now: Date
    let newAttemptID: @Sendable () -> String

    public init(book: TemplateBook, crypto: any CryptoProfile, settings: MessagingSettings, now: Date, newAttemptID: @escaping @Sendable () -> String) {
        self.book = book
        self.crypto = crypto
        self.settings = settings
        self.now = now
        self.newAttemptID = newAttemptID
    }

    public func decide(_ c: DispatchCandidate) -> DispatchDecision {
        let first = c.plan.isEmpty && c.attempts == 0
        let plan = c.plan.isEmpty ? ChannelPlan.make(accountChannel: c.accountChannel, preference: c.preference, urgent: c.urgent)
                                  : c.plan
        let variables = self.variables(c)
        var inbox: InboxCopy?
        var inboxBroken: String?
        if first, c.accountID != nil, let template = book.template(c.event, MessageChannel.inbox.rawValue) {
            // A broken inbox template must not stop the push: the push decides its own fate below.
            do {
                let rendered = try TemplateRenderer.render(template, payload: variables)
                inbox = InboxCopy(title: rendered.data["title"] ?? "", body: rendered.data["body"] ?? rendered.text,
                                  page: rendered.page)
            } catch {
                inboxBroken = (error as? AppError)?.code ?? "template_render_failed"
            }
        }
        let planToStore = c.plan.isEmpty ? plan : nil
        func decision(_ step: DispatchDecision.Step) -> DispatchDecision { DispatchDecision(step, plan: planToStore, inbox: inbox) }

        if c.attempts >= settings.maxAttempts {
            return decision(.finish(status: "dead", error: "attempts_exhausted"))
        }
        if let open = c.unsettled {
            // A send whose answer never came (a crash, a timeout). Only vendors that can tell us
            // whether it went out get it again: WeChat drops a template message whose client_msg_id
            // it already sent, and the SMS gateway is asked by OutId first. Subscribe and Alipay
            // messages cannot be asked about: count them as sent rather than risk sending twice.
            guard open.channel == MessageChannel.wechatTemplate.rawValue || open.channel == MessageChannel.sms.rawValue,
                  let step = plan.firstIndex(of: open.channel),
                  case .order(let order, _)? = order(c, channel: open.channel, variables: variables,
                                                    attemptID: open.id, settling: true) else {
                return decision(.finish(status: "sent", error: "outcome_unknown_after_interruption"))
            }
            return decision(.send(order, step: step, consentID: nil))
        }
        if !c.urgent {
            if let until = QuietHours.holdUntil(now, hours: settings.quietHours) {
                return decision(.hold(until: until, reason: "quiet_hours"))
            }
            if c.recentSends >= settings.rateLimit {
                return decision(.hold(until: now.addingTimeInterval(settings.rateWindow / Double(settings.rateLimit)),
                                      reason: "rate_limited"))
            }
        }
        var step = c.step
        while step < plan.count {
            switch order(c, channel: plan[step], variables: variables, attemptID: newAttemptID(), settling: false) {
            case .order(let order, let consentID)?:
                return decision(.send(order, step: step, consentID: consentID))
            case .broken(let code)?:
                return decision(.finish(status: "dead", error: code))
            case nil:
                step += 1
            }
        }
        if c.attempts > 0 {
            return decision(.finish(status: "failed", error: "all_channels_refused"))
        }
        if let inboxBroken {
            // Nothing reached the resident, not even the inbox: a person must fix the template.
            return decision(.finish(status: "dead", error: inboxBroken))
        }
        let hasInbox = c.accountID != nil && book.template(c.event, MessageChannel.inbox.rawValue) != nil
        return decision(.finish(status: hasInbox ? "inbox_only" : "failed", error: "no_channel_available"))
    }

    enum Choice {
        case order(SendOrder, consentID: String?)
        /// The template cannot be rendered: a person must fix it.
        case broken(String)
    }

    /// The send through `channel`, or nil when the channel cannot reach this resident now.
    func order(_ c: DispatchCandidate, channel: String, variables: [String: String], attemptID: String,
               settling: Bool) -> Choice? {
        guard let kind = MessageChannel(rawValue: channel), let template = book.template(c.event, channel),
              let templateID = template.templateId else { return nil }
        var consentID: String?
        var formID: String?
        let address: String
        switch kind {
        case .wechatSubscribe, .wechatTemplate:
            guard c.accountChannel == "wechat", let openID = c.channelUserID else { return nil }
            address = openID
            if kind == .wechatSubscribe && !settling {
                guard let consent = c.consents.first(where: { $0.channel == channel && $0.templateID == templateID }) else {
                    return nil
                }
                consentID = consent.id
            }
        case .alipay:
            guard c.accountChannel == "alipay", let userID = c.channelUserID,
                  let consent = c.consents.first(where: { $0.channel == channel && $0.templateID == templateID }) else {
                return nil
            }
            address = userID
            consentID = consent.id
            formID = consent.formID ?? consent.id
        case .sms:
            guard let sealed = c.phoneSealed, let phone = try? String(decoding: crypto.open(Array(sealed)), as: UTF8.self) else {
                return nil
            }
            address = phone
        case .inbox:
            return nil
        }
        let rendered: RenderedMessage
        do {
            rendered = try TemplateRenderer.render(template, payload: variables)
        } catch let error as AppError {
            return .broken(error.code)
        } catch {
            return .broken("template_render_failed")
        }
        let order = SendOrder(messageID: c.id, attemptID: attemptID, channel: channel, address: address,
                              templateID: templateID, signName: rendered.signName, data: rendered.data, page: rendered.page,
                              url: rendered.url, formID: formID, settling: settling,
                              attemptNumber: c.attempts + 1)
        return .order(order, consentID: consentID)
    }

    /// The payload plus what the outbox leaves out on purpose: the patient's name and the
    /// hospital's name, looked up now.
    func variables(_ c: DispatchCandidate) -> [String: String] {
        var variables = c.payload
        if variables["patientName"] == nil, let sealed = c.patientNameSealed,
           let name = try? String(decoding: crypto.open(Array(sealed)), as: UTF8.self) {
            variables["patientName"] = name
        }
        if variables["hospitalName"] == nil, let name = c.hospitalName {
            variables["hospitalName"] = name
        }
        return variables
    }
}

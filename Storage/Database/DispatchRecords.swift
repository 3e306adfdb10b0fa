import Foundation

/// One message the dispatcher has leased, with everything deciding its next step needs: the
/// recipient's addresses (sealed), preference, open consents and recent sends.
public struct DispatchCandidate: Sendable {
    public struct Consent: Sendable, Equatable {
        public let id: String
        public let channel: String
        public let templateID: String
        public let formID: String?
    }

    /// An attempt a crash left in `sending`: the vendor may or may not have taken it.
    public struct UnsettledAttempt: Sendable, Equatable {
        public let id: String
        public let channel: String
    }

    public let id: String
    public let event: String
    public let accountID: String?
    public let personID: String?
    public let urgent: Bool
    public let payload: [String: String]
    /// The push channels in order; empty until the first claim fixes it.
    public let plan: [String]
    public let step: Int
    public let attempts: Int
    public let createdAt: Date
    /// `wechat` or `alipay`: how the account signed in.
    public let accountChannel: String?
    /// The account's openid (WeChat) or user ID (Alipay).
    public let channelUserID: String?
    /// The account holder's phone, or the family member's own when the holder has none.
    public let phoneSealed: Data?
    public let patientNameSealed: Data?
    /// The name of the hospital the payload's `hospitalCode` names, as it is now.
    public let hospitalName: String?
    public let preference: [String]?
    /// Unused consents of the account, oldest first, less those this batch already spent.
    public let consents: [Consent]
    /// Non-urgent messages the account was sent within the rate window, this batch's included.
    public let recentSends: Int
    public let unsettled: UnsettledAttempt?
}

/// The inbox copy written the first time a message is claimed.
public struct InboxCopy: Sendable {
    public let title: String
    public let body: String
    public let page: String?

    public init(title: String, body: String, page: String?) {
        self.title = title
        self.body = body
        self.page = page
    }
}

/// What the dispatcher sends for one claimed message: the vendor call's inputs, rendered.
public struct SendOrder: Sendable {
    public let messageID: String
    public let attemptID: String
    public let channel: String
    /// Address: openid, Alipay user ID or phone number (in memory only).
    public let address: String
    public let templateID: String
    public let signName: String?
    public let data: [String: String]
    public let page: String?
    public let url: String?
    /// The Alipay form ID a consent gave.
    public let formID: String?
    /// A crashed attempt being settled: ask the vendor before sending again.
    public let settling: Bool
    /// Attempts over all channels, this one included (for the backoff).
    public let attemptNumber: Int

    public init(messageID: String, attemptID: String, channel: String, address: String, templateID: String,
                signName: String?, data: [String: String], page: String?, url: String?, formID: String?, settling: Bool,
                attemptNumber: Int) {
        self.messageID = messageID
        self.attemptID = attemptID
        self.channel = channel
        self.address = address
        self.templateID = templateID
        self.signName = signName
        self.data = data
        self.page = page
        self.url = url
        self.formID = formID
        self.settling = settling
        self.attemptNumber = attemptNumber
    }
}

/// The dispatcher's decision for one claimed message.
public struct DispatchDecision: Sendable {
    public enum Step: Sendable {
        /// Wait (quiet hours, the recipient's rate limit) without trying any channel.
        case hold(until: Date, reason: String)
        /// Send through `order.channel` at plan position `step`, spending `consentID` if given.
        case send(SendOrder, step: Int, consentID: String?)
        /// Nothing more to send: `inbox_only`, `failed`, `dead`, or `sent` (a crashed attempt whose
        /// vendor cannot be asked, counted as sent rather than risk a second message).
        case finish(status: String, error: String?)
    }

    public let step: Step
    /// Set on the first claim: the plan to store and the inbox copy to write.
    public let plan: [String]?
    public let inbox: InboxCopy?

    public init(_ step: Step, plan: [String]?, inbox: InboxCopy?) {
        self.step = step
        self.plan = plan
        self.inbox = inbox
    }
}

/// How one send ended.
public enum SendOutcome: Sendable, Equatable {
    case accepted(vendorMessageID: String?)
    /// The vendor refused in a way another channel may get around (no consent, not a follower).
    case fallBack(code: String?, message: String)
    case retry(at: Date, code: String?, message: String)
    case deadLetter(reason: String, code: String?, message: String)
    /// No answer came (a timeout): the attempt stays unsettled and the message leased until
    /// `at`, when the next claim settles it as it would after a crash.
    case unanswered(at: Date, message: String)
}

/// A delivery receipt as the store applies it.
public struct DeliveryReceipt: Sendable {
    public let vendorMessageID: String
    public let delivered: Bool
    public let errorCode: String
    public let reportedAt: Date

    public init(vendorMessageID: String, delivered: Bool, errorCode: String, reportedAt: Date) {
        self.vendorMessageID = vendorMessageID
        self.delivered = delivered
        self.errorCode = errorCode
        self.reportedAt = reportedAt
    }
}

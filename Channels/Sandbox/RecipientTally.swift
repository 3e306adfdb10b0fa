/// Messages per recipient, kept as they arrive so that "did everyone get exactly one?" is answered
/// without walking every stored message: after a 100,000-recipient broadcast with a crash in the
/// middle, a test reads `total`, `recipients` and the duplicates from here.
struct RecipientTally: Sendable {
    private(set) var total = 0
    private var perRecipient: [String: Int] = [:]
    /// Recipients with more than one message; usually none, so listing them is cheap.
    private var repeated: Set<String> = []

    mutating func add(_ recipient: String) {
        total += 1
        let count = perRecipient[recipient, default: 0] + 1
        perRecipient[recipient] = count
        if count == 2 { repeated.insert(recipient) }
    }

    struct Summary: Sendable {
        let total: Int
        let recipients: Int
        /// The most repeated first (then by recipient), at most the limit asked for.
        let duplicates: [(recipient: String, count: Int)]
        let duplicateRecipients: Int
    }

    func summary(listing limit: Int) -> Summary {
        let duplicates = repeated.map { ($0, perRecipient[$0] ?? 0) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            .prefix(limit)
        return Summary(total: total, recipients: perRecipient.count, duplicates: Array(duplicates),
                       duplicateRecipients: repeated.count)
    }
}

/// The tallies of a vendor's store: one per template, and one of every template together.
struct TemplateTallies: Sendable {
    private var every = RecipientTally()
    private var byTemplate: [String: RecipientTally] = [:]

    mutating func add(template: String, recipient: String) {
        every.add(recipient)
        byTemplate[template, default: RecipientTally()].add(recipient)
    }

    /// Of one template (an unknown one has none), or of all when `template` is nil.
    func summary(template: String?, listing limit: Int) -> RecipientTally.Summary {
        (template.map { byTemplate[$0] ?? RecipientTally() } ?? every).summary(listing: limit)
    }
}

extension RecipientTally.Summary {
    /// `{total, recipients, duplicates: [{<recipientKey>, count}], duplicateRecipients}`, the
    /// recipient named as the vendor names it (`openid`, `phone`).
    struct Reply: Encodable {
        let summary: RecipientTally.Summary
        let recipientKey: String

        private struct Key: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        private struct Duplicate: Encodable {
            let recipient: String
            let count: Int
            let recipientKey: String

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(recipient, forKey: Key(recipientKey))
                try container.encode(count, forKey: Key("count"))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(summary.total, forKey: Key("total"))
            try container.encode(summary.recipients, forKey: Key("recipients"))
            try container.encode(summary.duplicates.map { Duplicate(recipient: $0.recipient, count: $0.count,
                                                                    recipientKey: recipientKey) },
                                 forKey: Key("duplicates"))
            try container.encode(summary.duplicateRecipients, forKey: Key("duplicateRecipients"))
        }
    }

    func reply(recipientKey: String) -> Reply { Reply(summary: self, recipientKey: recipientKey) }
}

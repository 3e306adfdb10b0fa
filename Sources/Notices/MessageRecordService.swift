import Database
import Foundation
import HuiminCore

/// Messages and attempts as staff see them: search by resident, event, channel, status and time;
/// one message with its attempts; requeueing a dead one. Every read of a resident's records is
/// audited by the store before anything is returned; names and phones are shown masked, and
/// vendors' free-text errors have numbers in them masked too.
public struct MessageRecordService: Sendable {
    let store: MessageRecordStore
    let residents: ResidentStore
    let crypto: any CryptoProfile

    let clock: any HuiminClock
    static let statuses: Set<String> = ["pending", "sending", "sent", "delivered", "inbox_only", "failed", "dead"]

    public init(store: MessageRecordStore, residents: ResidentStore, crypto: any CryptoProfile, clock: any HuiminClock) {
        self.store = store
        self.residents = residents
        self.crypto = crypto
        self.clock = clock
    }

    /// The query string of `GET /api/v1/staff/messages`, as given.
    public struct Filters: Sendable {
        public var accountId: String?
        public var personId: String?
        public var memberId: String?
        public var event: String?
        public var channel: String?
        public var status: String?
        public var from: String?
        public var to: String?
        public var cursor: String?
        public var limit: String?

        public init(accountId: String? = nil, personId: String? = nil, memberId: String? = nil, event: String? = nil, channel: String? = nil,
                    status: String? = nil, from: String? = nil, to: String? = nil, cursor: String? = nil, limit: String? = nil) {
            self.accountId = accountId
            self.personId = personId
            self.memberId = memberId
            self.event = event
            self.channel = channel
            self.status = status
            self.from = from
            self.to = to
            self.cursor = cursor
            self.limit = limit
        }
    }

    public struct RecipientView: Codable, Sendable, Equatable {
        public var personId: String?
        /// `张*`
        public var name: String?
        /// `138****5678`
        public var phone: String?
    }

    public struct SearchPage: Codable, Sendable {
        public var messages: [MessageRecordStore.Message]
        public var nextCursor: String?
    }

    public func search(_ filters: Filters, by actor: AuditActor) async throws -> SearchPage {
        let limit = try Paging.limit(filters.limit)
        let after = try Paging.cursor(filters.cursor)
        let range = try TimeRange.parse(from: filters.from, to: filters.to)
        var query = MessageRecordStore.Query(accountID: filters.accountId.nonEmpty, personID: filters.personId.nonEmpty,
                                             event: filters.event.nonEmpty, channel: filters.channel.nonEmpty,
                                             status: filters.status.nonEmpty, from: range.from, to: range.to)
        try Self.check(query)
        if let memberID = filters.memberId.nonEmpty {
            guard query.personID == nil else {
                throw AppError.invalid("message_query_invalid", "Give personId or memberId, not both.")
            }
            guard let member = try await residents.member(id: memberID) else {
                throw AppError.notFound("family_member_not_found", "No such family member.")
            }
            query.personID = member.person.id
        }
        let page = try await store.search(query, after: after, limit: limit, readBy: actor, about: Self.auditSubject(query), now: clock.now())
        return SearchPage(messages: page.items.map(Self.masked), nextCursor: page.next?.token)
    }

    public func message(id: String, by actor: AuditActor) async throws
        -> (message: MessageRecordStore.Message, recipient: RecipientView, attempts: [MessageRecordStore.Attempt]) {
        guard let found = try await store.message(id: id, readBy: actor, now: clock.now()) else {
            throw AppError.notFound("message_not_found", "No such message.")
        }
        let (message, attempts, recipient) = found
        return (Self.masked(message), try masked(recipient), attempts.map(Self.masked))
    }

    /// Back to pending, due now (admins; the route checks the role).
    public func requeue(id: String, by actor: AuditActor) async throws -> MessageRecordStore.Message {
        guard let message = try await store.requeue(id: id, actor: actor, now: clock.now()) else {
            throw AppError.notFound("message_not_found", "No such message.")
        }
        return Self.masked(message)
    }

    static func check(_ query: MessageRecordStore.Query) throws {
        if let status = query.status, !statuses.contains(status) {
            throw AppError.invalid("message_query_invalid", "status is one of \(statuses.sorted().joined(separator: ", ")).")
        }
        if let channel = query.channel, MessageChannel(rawValue: channel) == nil {
            throw AppError.invalid("message_query_invalid", "No channel '\(channel)'.")
        }
        if let event = query.event, EventCatalog.kind(event) == nil {
            throw AppError.invalid("message_query_invalid", "No event '\(event)' in the catalog.")
        }
    }

    /// A search about one resident is audited against them; a search across residents against `*`.
    static func auditSubject(_ query: MessageRecordStore.Query) -> MessageRecordStore.AuditSubject {
        let filters = [("event", query.event), ("channel", query.channel), ("status", query.status),
                       ("from", query.from.map(ISO8601.string)), ("to", query.to.map(ISO8601.string))]
            .compactMap { name, value in value.map { "\(name)=\($0)" } }.joined(separator: " ")
        if let person = query.personID {
            let account = query.accountID.map { "account=\($0) " } ?? ""
            return .init(kind: "person", id: person, detail: account + filters)
        }
        if let account = query.accountID { return .init(kind: "account", id: account, detail: filters) }
        return .init(kind: "messages", id: "*", detail: filters)
    }

    func masked(_ recipient: MessageRecordStore.Recipient) throws -> RecipientView {
        func open(_ sealed: Data?) throws -> String? {
            guard let sealed else { return nil }
            do {
                return String(decoding: try crypto.open(Array(sealed)), as: UTF8.self)
            } catch {
                throw AppError.internalError  // sealed under a key this server lacks: the server's fault
            }
        }
        return RecipientView(personId: recipient.personId, name: try open(recipient.nameSealed).map(Masking.name),
                             phone: try open(recipient.phoneSealed).map(Masking.phone))
    }

    static func masked(_ message: MessageRecordStore.Message) -> MessageRecordStore.Message {
        var message = message
        message.lastError = message.lastError.map(FreeTextMasking.mask)
        return message
    }

    static func masked(_ attempt: MessageRecordStore.Attempt) -> MessageRecordStore.Attempt {
        var attempt = attempt
        attempt.errorMessage = attempt.errorMessage.map(FreeTextMasking.mask)
        return attempt
    }
}

extension Optional where Wrapped == String {
    /// An empty query parameter counts as not given.
    var nonEmpty: String? { self.flatMap { $0.isEmpty ? nil : $0 } }
}

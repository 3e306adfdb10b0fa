import Database
import Foundation
import HuiminCore

/// The resident's in-app inbox: list (newest first, by page), the unread count, mark read.
/// Every call is scoped to the caller's account; another account's item is not found.
public struct InboxService: Sendable {
    let store: InboxStore
    let residents: ResidentStore
    let clock: any HuiminClock

    public init(store: InboxStore, residents: ResidentStore, clock: any HuiminClock) {
        self.store = store
        self.residents = residents
        self.clock = clock
    }

    public struct ItemView: Codable, Sendable, Equatable {
        public var id: String
        /// The family member the message is about, when it is about one of this account's members.
        public var memberId: String?
        public var event: String
        public var title: String
        public var body: String
        public var page: String?
        public var urgent: Bool
        public var read: Bool
        public var createdAt: String
        public var readAt: String?
    }

    public struct PageView: Codable, Sendable {
        public var items: [ItemView]
        public var nextCursor: String?
    }

    public func list(accountID: String, memberID: String?, unreadOnly: Bool, cursor: String?, limit: String?) async throws -> PageView {
        let limit = try Paging.limit(limit)
        let after = try Paging.cursor(cursor)
        let members = try await memberIDs(accountID: accountID)
        var personID: String?
        if let memberID {
            guard let person = members.first(where: { $0.value == memberID })?.key else {
                throw AppError.notFound("family_member_not_found", "No such family member in this account.")
            }
            personID = person
        }
        let page = try await store.items(InboxStore.Filter(accountID: accountID, personID: personID, unreadOnly: unreadOnly),
                                         after: after, limit: limit)
        return PageView(items: page.items.map { Self.view($0, members: members) }, nextCursor: page.next?.token)
    }

    public func unreadCount(accountID: String) async throws -> Int {
        try await store.unreadCount(accountID: accountID)
    }

    public func markRead(accountID: String, itemID: String) async throws -> ItemView {
        guard let item = try await store.markRead(accountID: accountID, id: itemID, now: clock.now()) else {
            throw AppError.notFound("inbox_item_not_found", "No such message in your inbox.")
        }
        return Self.view(item, members: try await memberIDs(accountID: accountID))
    }

    /// Returns how many items were unread.
    public func markAllRead(accountID: String) async throws -> Int {
        try await store.markAllRead(accountID: accountID, now: clock.now())
    }

    /// person ID -> member ID within the account.
    func memberIDs(accountID: String) async throws -> [String: String] {
        Dictionary(try await residents.members(accountID: accountID).map { ($0.person.id, $0.member.id) }) { first, _ in first }
    }

    static func view(_ item: InboxStore.Item, members: [String: String]) -> ItemView {
        ItemView(id: item.id, memberId: item.personId.flatMap { members[$0] }, event: item.event, title: item.title, body: item.body,
                 page: item.page, urgent: item.urgent, read: item.readAt != nil, createdAt: ISO8601.string(item.createdAt),
                 readAt: item.readAt.map(ISO8601.string))
    }
}

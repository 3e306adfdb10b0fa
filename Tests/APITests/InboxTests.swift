import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/v1/me/inbox`: newest first by pages, unread only, by family member, the unread count,
/// marking read; only ever the caller's own items.
@Suite struct InboxTests {
    typealias M = MessagingKit
    typealias K = CatalogKit

    @Test func listsNewestFirstByPagesAndMarksRead() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let account = try await M.accountID(client, token: resident.token)
                let person = try await M.personID(h, member: resident.selfMemberID)
                let start = h.clock.now()
                var ids: [String] = []
                for n in 0..<5 {
                    ids.append(try await M.inboxItem(h, account: account, person: n == 4 ? nil : person, title: "消息\(n)",
                                                     at: start.addingTimeInterval(Double(n) * 60), read: n == 0))
                }
                let first = try await client.call(.get, "/api/v1/me/inbox?limit=2", token: resident.token)
                #expect(first.status == 200, "\(first.body)")
                #expect(K.list(first["items"]).map { $0["title"] as? String } == ["消息4", "消息3"])
                #expect(K.list(first["items"])[0]["memberId"] == nil, "absent, not null")
                #expect(K.list(first["items"])[1]["memberId"] as? String == resident.selfMemberID)
                let cursor = try #require(first["nextCursor"] as? String)
                let second = try await client.call(.get, "/api/v1/me/inbox?limit=2&cursor=\(cursor)", token: resident.token)
                #expect(K.list(second["items"]).map { $0["title"] as? String } == ["消息2", "消息1"])
                let last = try await client.call(.get, "/api/v1/me/inbox?limit=2&cursor=\(try #require(second["nextCursor"] as? String))",
                                                 token: resident.token)
                #expect(K.list(last["items"]).map { $0["title"] as? String } == ["消息0"])
                #expect(last["nextCursor"] == nil, "absent, not null")

                let unread = try await client.call(.get, "/api/v1/me/inbox?unread=true", token: resident.token)
                #expect(K.list(unread["items"]).count == 4)
                let byMember = try await client.call(.get, "/api/v1/me/inbox?memberId=\(resident.selfMemberID)", token: resident.token)
                #expect(K.list(byMember["items"]).count == 4, "the item about no one in particular is left out")

                #expect(try await client.call(.get, "/api/v1/me/inbox/unread-count", token: resident.token)["unread"] as? Int == 4)
                let read = try await client.call(.post, "/api/v1/me/inbox/\(ids[2])/read", token: resident.token)
                #expect(read.status == 200, "\(read.body)")
                #expect(read.object("item")["read"] as? Int == 1)
                let readAt = read.object("item")["readAt"] as? String
                h.clock.advance(by: 60)
                let again = try await client.call(.post, "/api/v1/me/inbox/\(ids[2])/read", token: resident.token)
                #expect(again.object("item")["readAt"] as? String == readAt, "the first reading's time is kept")
                #expect(try await client.call(.get, "/api/v1/me/inbox/unread-count", token: resident.token)["unread"] as? Int == 3)

                let all = try await client.call(.post, "/api/v1/me/inbox/read-all", token: resident.token)
                #expect(all["marked"] as? Int == 3)
                #expect(try await client.call(.get, "/api/v1/me/inbox/unread-count", token: resident.token)["unread"] as? Int == 0)
            }
        }
    }

    @Test func anotherAccountsItemIsNotFound() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let owner = try await Resident.register(h, client)
                let other = try await Resident.login(h, client)
                let item = try await M.inboxItem(h, account: try await M.accountID(client, token: owner.token), title: "私信", at: h.clock.now())
                let read = try await client.call(.post, "/api/v1/me/inbox/\(item)/read", token: other)
                #expect(read.status == 404)
                #expect(read.errorCode == "inbox_item_not_found")
                #expect(K.list(try await client.call(.get, "/api/v1/me/inbox", token: other)["items"]).isEmpty)
                #expect(try await client.call(.post, "/api/v1/me/inbox/read-all", token: other)["marked"] as? Int == 0)
                #expect(try await client.call(.get, "/api/v1/me/inbox/unread-count", token: owner.token)["unread"] as? Int == 1)
                let member = try await client.call(.get, "/api/v1/me/inbox?memberId=\(owner.selfMemberID)", token: other)
                #expect(member.status == 404)
                #expect(member.errorCode == "family_member_not_found")
                #expect(try await client.call(.get, "/api/v1/me/inbox").errorCode == "token_missing")
            }
        }
    }

    @Test func badQueriesHaveTheirCodes() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let token = try await Resident.login(h, client)
                for (query, code) in [("limit=0", "limit_invalid"), ("limit=101", "limit_invalid"), ("limit=x", "limit_invalid"),
                                      ("cursor=nonsense", "cursor_invalid"), ("cursor=12.a%20b", "cursor_invalid"),
                                      ("unread=yes", "unread_invalid")] {
                    let result = try await client.call(.get, "/api/v1/me/inbox?\(query)", token: token)
                    #expect(result.status == 400, "\(query)")
                    #expect(result.errorCode == code, "\(query)")
                }
            }
        }
    }
}

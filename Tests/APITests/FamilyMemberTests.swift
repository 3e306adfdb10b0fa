import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct FamilyMemberTests {
    @Test func addListUpdateDefaultAndRemove() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let added = try await client.call(.post, "/api/v1/family-members", token: resident.token, json: """
                    {"name":"李小四","idNumber":"110105201506010032","relation":"child"}
                    """)
                #expect(added.status == 201, "\(added.body)")
                let child = added.object("member")
                #expect(child["name"] as? String == "李*四" || child["name"] as? String == "李**")
                #expect(child["relation"] as? String == "child")
                #expect(child["isDefault"] as? Int == 0)
                let childID = try #require(child["id"] as? String)

                let list = try await client.call(.get, "/api/v1/family-members", token: resident.token)
                #expect((list["members"] as? [any Sendable])?.count == 2)

                let duplicate = try await client.call(.post, "/api/v1/family-members", token: resident.token, json: """
                    {"name":"李小四","idNumber":"110105201506010032","relation":"child"}
                    """)
                #expect(duplicate.status == 409)
                #expect(duplicate.errorCode == "family_member_exists")

                let renamed = try await client.call(.post, "/api/v1/family-members", token: resident.token, json: """
                    {"name":"王五","idNumber":"110105201506010032","relation":"child"}
                    """)
                #expect(renamed.errorCode == "real_name_mismatch" || renamed.errorCode == "family_member_exists")

                let updated = try await client.call(.patch, "/api/v1/family-members/\(childID)", token: resident.token,
                                                    json: #"{"relation":"other","phone":"13912345678"}"#)
                #expect(updated.object("member")["relation"] as? String == "other")
                #expect(updated.object("member")["phone"] as? String == "139****5678")

                let made = try await client.call(.post, "/api/v1/family-members/\(childID)/default", token: resident.token)
                #expect(made.object("member")["isDefault"] as? Int == 1)

                let removeSelf = try await client.call(.delete, "/api/v1/family-members/\(resident.selfMemberID)", token: resident.token)
                #expect(removeSelf.errorCode == "cannot_remove_self")
                #expect(try await client.call(.delete, "/api/v1/family-members/\(childID)", token: resident.token).status == 204)
                #expect(try await client.call(.get, "/api/v1/family-members/\(childID)", token: resident.token).errorCode == "family_member_not_found")
            }
        }
    }

    @Test func familyListIsLimitedAndNeedsRealNameFirst() async throws {
        try await TestHarness.with(environment: ["HUIMIN_FAMILY_LIMIT": "2"]) { h in
            try await h.test { client in
                let anonymous = try await Resident.login(h, client)
                let early = try await client.call(.post, "/api/v1/family-members", token: anonymous, json: """
                    {"name":"李小四","idNumber":"110105201506010032","relation":"child"}
                    """)
                #expect(early.status == 403)
                #expect(early.errorCode == "real_name_required")

                let resident = try await Resident.register(h, client)
                #expect(try await client.call(.post, "/api/v1/family-members", token: resident.token, json: """
                    {"name":"李小四","idNumber":"110105201506010032","relation":"child"}
                    """).status == 201)
                let third = try await client.call(.post, "/api/v1/family-members", token: resident.token, json: """
                    {"name":"赵六","idNumber":"370101190102039973","relation":"parent"}
                    """)
                #expect(third.status == 422)
                #expect(third.errorCode == "family_member_limit")
            }
        }
    }

    /// Two parents add the same child: one person, one card, in both lists.
    @Test func samePersonInTwoAccountsSharesOneCard() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let mother = try await Resident.register(h, client)
                h.clock.advance(by: 61)
                let father = try await Resident.register(h, client, phone: "13912345678", idNumber: "34052419800101001X", name: "王大力")
                var cards: [String] = []
                for parent in [mother, father] {
                    let added = try await client.call(.post, "/api/v1/family-members", token: parent.token, json: """
                        {"name":"李小四","idNumber":"110105201506010032","relation":"child"}
                        """)
                    cards.append(try #require(added.object("member")["cardId"] as? String))
                }
                #expect(cards[0] == cards[1])
                // Another account cannot reach the first account's members.
                let foreign = try await client.call(.get, "/api/v1/family-members/\(mother.selfMemberID)/card/qr", token: father.token)
                #expect(foreign.status == 404)
            }
        }
    }
}

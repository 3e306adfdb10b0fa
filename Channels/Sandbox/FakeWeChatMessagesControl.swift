import Foundation
import Hummingbird

extension FakeWeChatMessages {
    struct SubscriptionRequest: Decodable {
        let openid: String
        let templateId: String
        let count: Int?
    }

    struct SubscriptionReply: Encodable {
        let openid: String
        let templateId: String
        let remaining: Int
    }

    struct FollowerRequest: Decodable {
        let openid: String
        let following: Bool
    }

    struct TokensRequest: Decodable {
        let action: String
    }

    struct TokensReply: Encodable {
        let issued: Int
    }

    struct MessagesReply: Encodable {
        let messages: [FakeWeChatMessagesStore.Message]
    }

    struct Problem: Encodable {
        let error: String
    }

    func registerControl(on router: Router<BasicRequestContext>) {
        router.post("/sandbox/wechat/subscriptions") { request, _ in
            guard let body = SandboxHTTP.decode(SubscriptionRequest.self, from: try await SandboxHTTP.body(request)),
                  (body.count ?? 1) > 0, messaging.wechatSubscribeTemplates[body.templateId] != nil else {
                return SandboxHTTP.json(Problem(error: "expected {openid, templateId (a registered subscribe template), count? > 0}"),
                                        status: .badRequest)
            }
            let remaining = store.grant(openID: body.openid, templateID: body.templateId, count: body.count ?? 1)
            return SandboxHTTP.json(SubscriptionReply(openid: body.openid, templateId: body.templateId, remaining: remaining))
        }
        router.post("/sandbox/wechat/followers") { request, _ in
            guard let body = SandboxHTTP.decode(FollowerRequest.self, from: try await SandboxHTTP.body(request)) else {
                return SandboxHTTP.json(Problem(error: "expected {openid, following}"), status: .badRequest)
            }
            store.setFollowing(body.openid, body.following)
            return Response(status: .noContent)
        }
        router.post("/sandbox/wechat/tokens") { request, _ in
            guard let body = SandboxHTTP.decode(TokensRequest.self, from: try await SandboxHTTP.body(request)),
                  ["revoke", "expire"].contains(body.action) else {
                return SandboxHTTP.json(Problem(error: "expected {action: revoke|expire}"), status: .badRequest)
            }
            store.spoilTokens(revoke: body.action == "revoke", now: clock.now())
            return SandboxHTTP.json(TokensReply(issued: store.tokensIssued))
        }
        router.get("/sandbox/wechat/tokens") { _, _ in SandboxHTTP.json(TokensReply(issued: store.tokensIssued)) }
        router.get("/sandbox/wechat/messages") { request, _ in
            SandboxHTTP.listing(request) { query, limit in
                MessagesReply(messages: store.newestFirst(openID: query["openid"], limit: limit))
            }
        }
        router.get("/sandbox/wechat/message-counts") { request, _ in
            let templateID = SandboxHTTP.dictionary(SandboxHTTP.form(request.uri.query))["templateId"]
            return SandboxHTTP.json(store.counts(templateID: templateID, listing: 100).reply(recipientKey: "openid"))
        }
    }
}

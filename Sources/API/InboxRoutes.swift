import Foundation
import HuiminCore
import Hummingbird
import Notices

/// `/api/v1/me/inbox`: the resident's in-app messages.
struct InboxRoutes {
    let services: HuiminServices

    struct ItemEnvelope: Encodable, Sendable { let item: InboxService.ItemView }
    struct UnreadCount: Encodable, Sendable { let unread: Int }
    struct MarkedCount: Encodable, Sendable { let marked: Int }

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("me/inbox") { request, _ in
            let (account, _) = try await services.resident(request)
            let query = request.uri.queryParameters
            return JSONResponse(try await services.messaging.inbox.list(
                accountID: account.id, memberID: query.get("memberId"), unreadOnly: try Self.flag(query.get("unread")),
                cursor: query.get("cursor"), limit: query.get("limit")))
        }
        router.get("me/inbox/unread-count") { request, _ in
            let (account, _) = try await services.resident(request)
            return JSONResponse(UnreadCount(unread: try await services.messaging.inbox.unreadCount(accountID: account.id)))
        }
        router.post("me/inbox/read-all") { request, _ in
            let (account, _) = try await services.resident(request)
            return JSONResponse(MarkedCount(marked: try await services.messaging.inbox.markAllRead(accountID: account.id)))
        }
        router.post("me/inbox/:item/read") { request, context in
            let (account, _) = try await services.resident(request)
            let item = try await services.messaging.inbox.markRead(accountID: account.id, itemID: context.parameters.get("item") ?? "")
            return JSONResponse(ItemEnvelope(item: item))
        }
    }

    /// `true` or `false`; absent is false.
    static func flag(_ text: String?) throws -> Bool {
        switch text {
        case nil, "false": return false
        case "true": return true
        default: throw AppError.invalid("unread_invalid", "unread is true or false.")
        }
    }
}

import Foundation
import HuiminCore
import Hummingbird
import Notices

/// `/api/v1/me/message-consents` and `/api/v1/me/message-preferences`: what the resident lets
/// Huimin send, and through which channels in which order.
struct MessageSettingsRoutes {
    let services: HuiminServices

    struct ConsentsEnvelope: Encodable, Sendable { let consents: [MessageConsentService.TemplateConsents] }
    struct PreferenceBody: Decodable { let channels: [String] }

    func register(on router: RouterGroup<some RequestContext>) {
        router.post("me/message-consents") { request, context in
            let (account, _) = try await services.resident(request)
            let body = try await request.json(MessageConsentService.Submission.self, context: context)
            let added = try await services.messaging.consents.add(accountID: account.id, accountChannel: account.channel, body)
            return JSONResponse(added, status: .created)
        }
        router.get("me/message-consents") { request, _ in
            let (account, _) = try await services.resident(request)
            return JSONResponse(ConsentsEnvelope(consents: try await services.messaging.consents.list(
                accountID: account.id, accountChannel: account.channel)))
        }
        router.get("me/message-preferences") { request, _ in
            let (account, _) = try await services.resident(request)
            return JSONResponse(try await services.messaging.preferences.preference(accountID: account.id, accountChannel: account.channel))
        }
        router.put("me/message-preferences") { request, context in
            let (account, _) = try await services.resident(request)
            let body = try await request.json(PreferenceBody.self, context: context)
            return JSONResponse(try await services.messaging.preferences.save(accountID: account.id, accountChannel: account.channel,
                                                                              channels: body.channels))
        }
    }
}

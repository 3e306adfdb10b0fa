import Foundation
import HuiminCore
import HTTPTypes
import Hummingbird
import Residents

/// `/integration/v1`: hospital systems and terminals, authenticated by API key and HMAC signature.
struct IntegrationRoutes {
    let services: HuiminServices

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("card-keys") { _, _ in JSONResponse(services.cards.keySet) }
        router.post("cards/verify") { request, context in
            let (hospital, bytes) = try await services.hospital(request, bodyLimit: 16 * 1024)
            let verifyRequest = try JSONBody.decode(CardVerification.Request.self, from: bytes)
            return JSONResponse(try await services.verification.verify(verifyRequest, hospitalCode: hospital))
        }
    }
}

extension HTTPField.Name {
    static let huiminKey = Self("X-Huimin-Key")!
    static let huiminTimestamp = Self("X-Huimin-Timestamp")!
    static let huiminNonce = Self("X-Huimin-Nonce")!
    static let huiminSignature = Self("X-Huimin-Signature")!
}

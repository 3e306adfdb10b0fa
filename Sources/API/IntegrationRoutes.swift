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
            let body = try await request.body.collect(upTo: 16 * 1024)
            let bytes = Array(buffer: body)
            let hospital = try await services.hospitals.authenticate(
                keyID: request.headers[.huiminKey], timestamp: request.headers[.huiminTimestamp],
                nonce: request.headers[.huiminNonce], signature: request.headers[.huiminSignature],
                method: request.method.rawValue, path: request.uri.path, body: bytes)
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

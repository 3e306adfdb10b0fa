import Database
import HuiminCore
import Hummingbird
import Residents

/// Bearer-token checks shared by the resident and staff routes.
extension Request {
    func bearerToken() throws -> String {
        guard let header = headers[.authorization], header.hasPrefix("Bearer ") else {
            throw AppError.unauthorized("token_missing", "Send Authorization: Bearer <token>.")
        }
        return String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
    }
}

extension HuiminServices {
    func resident(_ request: Request) async throws -> (account: AccountRow, sessionID: String) {
        try await accounts.authenticate(token: try request.bearerToken())
    }

    func staffUser(_ request: Request) async throws -> StaffService.Staff {
        try await staff.authenticate(token: try request.bearerToken())
    }
}

extension HuiminServices {
    /// Checks an integration call's signature over its body; returns the calling hospital's code
    /// and the body bytes. Schedules for a large hospital run to megabytes, hence the limit.
    func hospital(_ request: Request, bodyLimit: Int = 8 * 1024 * 1024) async throws -> (code: String, body: [UInt8]) {
        let bytes = Array(buffer: try await request.body.collect(upTo: bodyLimit))
        let code = try await hospitals.authenticate(
            keyID: request.headers[.huiminKey], timestamp: request.headers[.huiminTimestamp],
            nonce: request.headers[.huiminNonce], signature: request.headers[.huiminSignature],
            method: request.method.rawValue, path: request.uri.path, body: bytes)
        return (code, bytes)
    }
}

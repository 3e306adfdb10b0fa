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

import Database
import Foundation
import HuiminCore

/// The `limit` and `cursor` query parameters of newest-first lists.
public enum Paging {
    public static let defaultLimit = 20
    public static let maxLimit = 100

    public static func limit(_ text: String?) throws -> Int {
        guard let text else { return defaultLimit }
        guard let n = Int(text), (1...maxLimit).contains(n) else {
            throw AppError.invalid("limit_invalid", "limit is a whole number from 1 to \(maxLimit).")
        }
        return n
    }

    public static func cursor(_ text: String?) throws -> Keyset? {
        guard let text, !text.isEmpty else { return nil }
        return try Keyset(token: text)
    }
}

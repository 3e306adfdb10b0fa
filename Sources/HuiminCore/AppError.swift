/// The one error type the platform speaks: a stable machine-readable code, an HTTP status that
/// fits, and a message safe to show a resident (never personal data, never internals).
public struct AppError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let status: Int
    public let message: String

    public init(_ code: String, status: Int, _ message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    public var description: String { "\(code) (\(status)): \(message)" }

    public static func invalid(_ code: String, _ message: String) -> AppError { AppError(code, status: 400, message) }
    public static func unauthorized(_ code: String, _ message: String) -> AppError { AppError(code, status: 401, message) }
    public static func forbidden(_ code: String, _ message: String) -> AppError { AppError(code, status: 403, message) }
    public static func notFound(_ code: String, _ message: String) -> AppError { AppError(code, status: 404, message) }
    public static func conflict(_ code: String, _ message: String) -> AppError { AppError(code, status: 409, message) }
    public static func rule(_ code: String, _ message: String) -> AppError { AppError(code, status: 422, message) }
    public static func rateLimited(_ code: String, _ message: String) -> AppError { AppError(code, status: 429, message) }
    public static func upstream(_ code: String, _ message: String) -> AppError { AppError(code, status: 502, message) }
    public static func unavailable(_ code: String, _ message: String) -> AppError { AppError(code, status: 503, message) }
    public static let internalError = AppError("internal_error", status: 500, "Something went wrong on our side.")
}

import Foundation
import HuiminCore

/// What came back. Any status is a response, not an error: vendors put their error codes in
/// 200 bodies as often as in 4xx ones, so only the adapter can judge.
public struct OutboundResponse: Sendable {
    public let status: Int
    /// Lower-cased names; repeated headers are joined with ", " as HTTP allows.
    public let headers: [String: String]
    public let body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 (invalid sequences replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Decodes a JSON body; a body that does not match is the vendor's fault, so it becomes a 502.
    public func decode<T: Decodable>(_ type: T.Type, using decoder: JSONDecoder = JSONDecoder()) throws(AppError) -> T {
        do {
            return try decoder.decode(type, from: Data(body))
        } catch {
            throw AppError.upstream("channel_bad_response", "The channel answered with an unexpected body.")
        }
    }
}

import Foundation
import HuiminCore
import Hummingbird

/// A JSON body with an explicit status (201, 202…), keys as the types spell them (camelCase).
struct JSONResponse<Body: Encodable & Sendable>: ResponseGenerator {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: Body

    init(_ body: Body, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) {
        self.body = body
        self.status = status
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try encoded()
    }

    func encoded() throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(body)
        return Response(status: status, headers: headers + [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Request {
    /// Decodes a JSON body, mapping every failure to `invalid_json` (400).
    func json<T: Decodable>(_ type: T.Type, context: some RequestContext) async throws -> T {
        let buffer = try await body.collect(upTo: 64 * 1024)
        return try JSONBody.decode(T.self, from: Array(buffer: buffer))
    }
}

enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, _) {
            throw AppError.invalid("invalid_json", "The field '\(key.stringValue)' is missing.")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw AppError.invalid("invalid_json", "The field '\(field)' has the wrong type.")
        } catch {
            throw AppError.invalid("invalid_json", "The request body is not valid JSON.")
        }
    }
}

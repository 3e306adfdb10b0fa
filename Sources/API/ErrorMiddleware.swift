import Foundation
import HuiminCore
import HTTPTypes
import Hummingbird

/// Turns every failure into `{"error": {"code", "message", "requestId"}}` with a fitting status,
/// and stamps every response with `X-Request-Id`. Unknown errors become `internal_error` and are
/// logged with their type only, so no internals (or personal data) leak to the client or the log.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as AppError {
            if error.status >= 500 {
                context.logger.warning("request failed", metadata: ["code": "\(error.code)", "status": "\(error.status)"])
            }
            response = Self.errorResponse(error, requestID: context.id)
        } catch let error as HTTPError {
            response = Self.errorResponse(Self.map(error), requestID: context.id)
        } catch is DecodingError {
            response = Self.errorResponse(.invalid("invalid_json", "The request body is not the JSON this endpoint expects."),
                                          requestID: context.id)
        } catch {
            context.logger.error("unexpected error", metadata: ["error.type": "\(type(of: error))"])
            response = Self.errorResponse(.internalError, requestID: context.id)
        }
        response.headers[.requestID] = context.id
        return response
    }

    static func map(_ error: HTTPError) -> AppError {
        switch error.status {
        case .notFound: return .notFound("not_found", "No such endpoint.")
        case .methodNotAllowed: return AppError("method_not_allowed", status: 405, "This endpoint does not take that method.")
        case .contentTooLarge: return AppError("body_too_large", status: 413, "The request body is too large.")
        case .unsupportedMediaType: return AppError("unsupported_media_type", status: 415, "Send application/json.")
        case .badRequest: return .invalid("invalid_json", "The request body is not the JSON this endpoint expects.")
        default: return AppError("http_\(error.status.code)", status: error.status.code, error.status.reasonPhrase)
        }
    }

    static func errorResponse(_ error: AppError, requestID: String) -> Response {
        let body = ErrorBody(error: .init(code: error.code, message: error.message, requestId: requestID))
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(status: .init(code: error.status), headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

struct ErrorBody: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
        let requestId: String
    }
    let error: Detail
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}

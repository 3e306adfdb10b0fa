import HuiminCore
import HTTPTypes
import Hummingbird

/// Browser viewers (OHIF and the like) load from their own origin and call `/dicomweb` with a
/// bearer token, so the browser asks first (CORS preflight). Only DICOMweb answers cross-origin:
/// the mini-program API has no browser callers. Tokens travel in a header, never a cookie, so
/// allowing any origin opens nothing a token does not already open.
struct DicomWebCORS<Context: RequestContext>: RouterMiddleware {
    static var allowHeaders: String { "Authorization, Content-Type, Accept, X-Huimin-Hospital" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/dicomweb/"), let origin = request.headers[.origin] else {
            return try await next(request, context)
        }
        if request.method == .options {
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: origin, .accessControlAllowMethods: "GET, POST, OPTIONS",
                .accessControlAllowHeaders: Self.allowHeaders, .accessControlMaxAge: "600", .vary: "Origin",
            ])
        }
        // Outside ErrorMiddleware, so errors carry the header too and the viewer sees the code,
        // not a network error.
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.vary] = "Origin"
        return response
    }
}

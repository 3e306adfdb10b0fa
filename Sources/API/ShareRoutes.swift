import Database
import Films
import Foundation
import HuiminCore
import HTTPTypes
import Hummingbird

/// `/s/{token}`: a film share as the doctor it was handed to opens it, in a phone browser or
/// WeChat's in-app browser, with no account. The page opens the share (access code when it has
/// one) and gets a cookie scoped to this share's path; the study, its images and nothing else
/// are then readable until the cookie or the share ends.
struct ShareRoutes {
    let services: HuiminServices

    struct OpenBody: Decodable { let code: String? }

    func register(on router: RouterGroup<some RequestContext>) {
        router.get(":token") { _, _ in
            Response(status: .ok, headers: Self.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: ShareViewerPage.html)))
        }
        router.post(":token/open") { request, context in
            let token = try context.parameters.require("token")
            let body = try await request.body.collect(upTo: 1024)
            let code = body.readableBytes == 0 ? nil : try JSONBody.decode(OpenBody.self, from: Array(buffer: body)).code
            let visitor = FilmShares.Visitor(address: request.headers[.xForwardedFor] ?? request.headers[.xRealIP],
                                             userAgent: request.headers[.userAgent])
            let opened = try await services.shares.open(token: token, code: code, visitor: visitor)
            let study = try await services.films.study(opened.share.studyUid, personID: opened.share.personId)
            let page = try await services.films.page(study, personID: opened.share.personId, links: .share(token: token),
                                                     share: services.shares.terms(opened.share))
            let cookie = "\(FilmShares.cookieName)=\(opened.session); Path=/s/\(token); Max-Age=\(opened.sessionSeconds); "
                + "HttpOnly; SameSite=Lax" + (opened.secureCookie ? "; Secure" : "")
            return JSONResponse(page, headers: [.setCookie: cookie, .cacheControl: "no-store"])
        }
        router.get(":token/study") { request, context in
            let (token, share, study) = try await shared(request, context)
            return JSONResponse(try await services.films.page(study, personID: share.personId, links: .share(token: token),
                                                              share: services.shares.terms(share)))
        }
        router.get(":token/series/:series/images") { request, context in
            let (token, _, study) = try await shared(request, context)
            let query = request.uri.queryParameters
            return JSONResponse(try await services.films.images(
                study, seriesUID: try context.parameters.require("series"), cursor: query.get("cursor"), limit: query.get("limit"),
                links: .share(token: token)))
        }
        router.get(":token/images/:image") { request, context in
            let (_, _, study) = try await shared(request, context)
            return try await FilmRoutes.image(services, study, request, context)
        }
    }

    /// The page holds no data: it is the same for every share, and a link's token never leaves
    /// through a Referer header or a search engine.
    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        .referrerPolicy: "no-referrer",
        .xRobotsTag: "noindex, nofollow",
        .contentSecurityPolicy: "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ]

    private func shared(_ request: Request, _ context: some RequestContext) async throws -> (String, FilmShareRow, StudyRow) {
        let token = try context.parameters.require("token")
        let share = try await services.shares.resume(token: token, session: request.cookie(FilmShares.cookieName))
        return (token, share, try await services.films.study(share.studyUid, personID: share.personId))
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xRealIP = Self("X-Real-IP")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xRobotsTag = Self("X-Robots-Tag")!
}

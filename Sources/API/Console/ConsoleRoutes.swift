import Database
import Foundation
import HuiminCore
import Hummingbird

/// `/console`: sign-in, the home page, the shared assets and the audit page; the cashier's and
/// the operator's pages register beside these.
struct ConsoleRoutes {
    let services: HuiminServices
    let pages: ConsolePages

    var auth: ConsoleAuth { ConsoleAuth(services: services) }

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("assets/:file") { _, context in
            guard let asset = pages.assets[context.parameters.get("file") ?? ""] else {
                throw AppError.notFound("asset_not_found", "No such file.")
            }
            return Response(status: .ok, headers: [.contentType: asset.type, .cacheControl: "public, max-age=300"],
                            body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
        }
        router.get("login") { request, _ in
            if await auth.signedIn(request) != nil { return ConsolePages.redirect("/console") }
            return loginPage(request, error: nil, flash: request.uri.queryParameters.get("flash"))
        }
        router.post("login") { request, _ in
            let form = try await FormBody.read(request)
            let expected = request.cookie(ConsoleAuth.loginCookie) ?? ""
            guard !expected.isEmpty, Digest.constantTimeEqual(Array((form["_csrf"] ?? "").utf8), Array(expected.utf8)) else {
                return loginPage(request, error: AppError.forbidden("csrf_invalid", "The sign-in form expired; try again."), flash: nil)
            }
            do {
                let login = try await services.staff.login(username: form["username"] ?? "", password: form["password"] ?? "")
                let next = Self.safeNext(form["next"])
                return ConsolePages.redirect(next, headers: [.setCookie: auth.sessionCookie(login.token, maxAge: 12 * 3600)])
            } catch let error as AppError {
                return loginPage(request, error: error, flash: nil)
            }
        }
        router.post("logout") { request, _ in
            try await action(request) { _, _ in
                if let token = request.cookie(ConsoleAuth.sessionCookie) { try? await services.staff.logout(token: token) }
                return ConsolePages.redirect("/console/login?flash=signed_out", headers: [.setCookie: auth.clearedSession])
            }
        }
        router.get("") { request, _ in
            try await page(request) { signed in
                pages.render("dashboard", title: "首页 Home", context: [
                    "cashier": ConsoleRole.mayReconcile(signed.staff.role), "operator": ConsoleRole.mayOperate(signed.staff.role),
                ], signed: signed)
            }
        }
        router.get("audit") { request, _ in
            try await page(request) { signed in
                // Each role reads the trail of what its own pages do; administrators read all of it.
                let prefixes: [String] = switch signed.staff.role {
                case "admin": []
                case "cashier": ["reconciliation.", "refund.", "payment.", "merchant."]
                default: ["session.", "message.", "template.", "broadcast.", "schedule.", "slot.", "block."]
                }
                let entries = try await services.accessStore.auditLog(actionPrefixes: prefixes, limit: 200)
                return pages.render("audit", title: "审计 Audit", context: ["entries": entries.map { entry in [
                    "at": entry.at, "who": entry.actorName ?? "\(entry.actorKind) \(entry.actorId)", "action": entry.action,
                    "subject": "\(entry.subjectKind) \(entry.subjectId)", "detail": entry.detail,
                ] }], signed: signed)
            }
        }
    }

    private func loginPage(_ request: Request, error: AppError?, flash: String?) -> Response {
        let token = Hex.encode(randomBytes(16))
        let status: HTTPResponse.Status = error.map { .init(code: $0.status) } ?? .ok
        return pages.render("login", title: "登录 Sign in", context: [
            "csrf": token, "next": Self.safeNext(request.uri.queryParameters.get("next")),
        ], signed: nil, status: status, flash: flash, error: error, headers: [.setCookie: auth.loginCookie(token)])
    }

    /// Only paths inside the console: a crafted link cannot send a fresh sign-in elsewhere.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/console"), !next.hasPrefix("//"), !next.contains("\\") else { return "/console" }
        return next
    }

    /// A signed-in page: the sign-in page when there is no session; a failure rendered as a page
    /// with its code and a fitting status.
    func page(_ request: Request, _ body: (ConsoleAuth.SignedIn) async throws -> Response) async throws -> Response {
        guard let signed = await auth.signedIn(request) else {
            let next = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
            return ConsolePages.redirect("/console/login?next=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
        }
        do {
            return try await body(signed)
        } catch let error as AppError {
            return pages.render("error", title: "出错了 Error", context: [:], signed: signed, status: .init(code: error.status), error: error)
        }
    }

    /// A signed-in form post: CSRF checked first.
    func action(_ request: Request, form parsed: [String: String]? = nil,
                _ body: (ConsoleAuth.SignedIn, [String: String]) async throws -> Response) async throws -> Response {
        try await page(request) { signed in
            var form = parsed ?? [:]
            if parsed == nil { form = try await FormBody.read(request) }
            try auth.check(signed, form: form, request: request)
            return try await body(signed, form)
        }
    }
}

import Foundation
import HuiminCore
import HTTPTypes
import Hummingbird
import Residents

/// Console sign-in: the staff session token lives in an HttpOnly, SameSite=Strict cookie (Secure
/// behind TLS), never in a script's reach. Every form carries a CSRF token derived from the
/// session (a keyed digest), checked on every POST; the login form, before any session, is
/// guarded by a random cookie echoed in the form (double submit).
struct ConsoleAuth: Sendable {
    static let sessionCookie = "hm_console"
    static let loginCookie = "hm_console_login"

    let services: HuiminServices

    struct SignedIn: Sendable {
        let staff: StaffService.Staff
        let csrf: String
    }

    var secure: Bool { services.configuration.publicURL.hasPrefix("https://") }

    /// The staff member behind the request's session cookie, or nil (no cookie, expired, revoked).
    func signedIn(_ request: Request) async -> SignedIn? {
        guard let token = request.cookie(Self.sessionCookie),
              let staff = try? await services.staff.authenticate(token: token) else { return nil }
        return SignedIn(staff: staff, csrf: csrf(token))
    }

    func csrf(_ token: String) -> String {
        Hex.encode(services.crypto.tokenMAC(Array("console-csrf:\(token)".utf8)))
    }

    /// A POST's CSRF token (form field or X-CSRF-Token header) must be this session's.
    func check(_ signed: SignedIn, form: [String: String], request: Request) throws {
        let sent = form["_csrf"] ?? request.headers[.csrfToken] ?? ""
        guard !sent.isEmpty, Digest.constantTimeEqual(Array(sent.utf8), Array(signed.csrf.utf8)) else {
            throw AppError.forbidden("csrf_invalid", "This form is stale or came from another site; reload the page and try again.")
        }
    }

    func sessionCookie(_ token: String, maxAge: Int) -> String {
        "\(Self.sessionCookie)=\(token); Path=/console; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    func loginCookie(_ value: String) -> String {
        "\(Self.loginCookie)=\(value); Path=/console/login; Max-Age=1800; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    var clearedSession: String {
        "\(Self.sessionCookie)=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}

/// Roles and the console sections they may use.
enum ConsoleRole {
    static func mayReconcile(_ role: String) -> Bool { role == "cashier" || role == "admin" }
    static func mayOperate(_ role: String) -> Bool { role == "operator" || role == "admin" }

    static func require(_ allowed: Bool) throws {
        guard allowed else { throw AppError.forbidden("role_forbidden", "Your role may not use this page.") }
    }
}

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-Token")!
}

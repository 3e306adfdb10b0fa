import Foundation
import HuiminCore
import HTTPTypes
import Hummingbird
import Mustache

/// The console's templates (Sources/API/Console/Templates, shipped as the API target's resources),
/// compiled once, and the page shell every page is rendered into.
struct ConsolePages: Sendable {
    let library: MustacheLibrary
    let assets: [String: (type: String, bytes: [UInt8])]

    static let directory = Bundle.module.resourceURL!.appendingPathComponent("Templates")

    static func load() throws -> ConsolePages {
        var templates: [String: MustacheTemplate] = [:]
        var assets: [String: (type: String, bytes: [UInt8])] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
            if name.hasSuffix(".mustache") {
                templates[String(name.dropLast(".mustache".count))] = try MustacheTemplate(string: String(decoding: bytes, as: UTF8.self))
            } else if name.hasSuffix(".css") {
                assets[name] = ("text/css; charset=utf-8", bytes)
            } else if name.hasSuffix(".js") {
                assets[name] = ("text/javascript; charset=utf-8", bytes)
            }
        }
        return ConsolePages(library: MustacheLibrary(templates: templates), assets: assets)
    }

    /// A page: `template` rendered with `context`, inside the shell with the navigation the
    /// signed-in staff member's role allows.
    func render(_ template: String, title: String, context: [String: Any], signed: ConsoleAuth.SignedIn?,
                status: HTTPResponse.Status = .ok, flash: String? = nil, error: AppError? = nil, headers: HTTPFields = [:]) -> Response {
        var context = context
        context["csrf"] = signed?.csrf ?? context["csrf"] ?? ""
        let body = library.render(context, withTemplate: template) ?? ""
        var shell: [String: Any] = ["title": title, "body": body, "page": template]
        if let signed {
            let role = signed.staff.role
            shell["staff"] = ["username": signed.staff.username, "role": role, "roleName": Self.roleNames[role] ?? role]
            shell["csrf"] = signed.csrf
            shell["nav"] = Self.sections.filter { $0.allowed(role) }.map { ["key": $0.key, "href": $0.href, "label": $0.label] }
        }
        if let flash { shell["flash"] = ["code": flash, "text": ConsoleText.flash[flash] ?? flash] }
        if let error { shell["error"] = ["code": error.code, "text": error.message] }
        var headers = headers
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        headers[.xFrameOptions] = "DENY"
        headers[.referrerPolicy] = "same-origin"
        return Response(status: status, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(string: library.render(shell, withTemplate: "layout") ?? "")))
    }

    struct Section: Sendable {
        let key: String
        let href: String
        let label: String
        let allowed: @Sendable (String) -> Bool
    }

    static let sections: [Section] = [
        Section(key: "dashboard", href: "/console", label: "首页 Home") { _ in true },
        Section(key: "reconciliation", href: "/console/reconciliation", label: "对账 Reconciliation", allowed: ConsoleRole.mayReconcile),
        Section(key: "his-postings", href: "/console/his-postings", label: "HIS入账 HIS postings", allowed: ConsoleRole.mayReconcile),
        Section(key: "schedules", href: "/console/schedules", label: "排班 Schedules", allowed: ConsoleRole.mayOperate),
        Section(key: "bookings", href: "/console/bookings", label: "预约统计 Bookings", allowed: ConsoleRole.mayOperate),
        Section(key: "messages", href: "/console/messages", label: "消息 Messages", allowed: ConsoleRole.mayOperate),
        Section(key: "templates", href: "/console/templates", label: "模板 Templates", allowed: ConsoleRole.mayOperate),
        Section(key: "audit", href: "/console/audit", label: "审计 Audit") { _ in true },
    ]

    static let roleNames = ["admin": "管理员 Administrator", "cashier": "收费员 Cashier", "operator": "运营 Operator"]

    static func redirect(_ location: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}

/// Fixed texts for flash codes: a redirect carries only the code, never text to show.
enum ConsoleText {
    static let flash: [String: String] = [
        "uploaded": "文件已上传 File uploaded",
        "fetched": "已从渠道/HIS取回文件 File taken from the channel or HIS",
        "ran": "对账完成 Reconciliation run",
        "resolved": "差异已处理 Difference resolved",
        "closed": "已日结 Day closed",
        "session_suspended": "已停诊，通知已排队 Clinic suspended; notices queued",
        "session_substituted": "已替诊，通知已排队 Substitute set; notices queued",
        "template_saved": "模板已保存 Template saved",
        "signed_out": "已退出 Signed out",
    ]
}

/// `application/x-www-form-urlencoded` bodies.
enum FormBody {
    static func parse(_ bytes: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            fields[decoded(parts[0])] = parts.count > 1 ? decoded(parts[1]) : ""
        }
        return fields
    }

    static func read(_ request: Request) async throws -> [String: String] {
        parse(Array(buffer: try await request.body.collect(upTo: 64 * 1024)))
    }
}

/// Money as cashiers read it: yuan with two decimals, from fen, never through floating point.
enum Yuan {
    static func text(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        return "\(sign)\(magnitude / 100).\(String(format: "%02d", Int(magnitude % 100)))"
    }
}

extension HTTPField.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
}

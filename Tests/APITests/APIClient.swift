import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// JSON helpers over the Hummingbird test client, phrased as the mini-program's calls.
struct APIResult: Sendable {
    let status: Int
    let body: [String: any Sendable]
    let raw: [UInt8]
    let headers: HTTPFields

    var errorCode: String? { (body["error"] as? [String: any Sendable])?["code"] as? String }
    subscript(_ key: String) -> (any Sendable)? { body[key] }
    func object(_ key: String) -> [String: any Sendable] { (body[key] as? [String: any Sendable]) ?? [:] }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> APIResult {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: path, method: method, headers: headers,
                                 body: json.map { ByteBuffer(string: $0) }) { response in
            let bytes = Array(buffer: response.body)
            let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
            return APIResult(status: Int(response.status.code), body: object.mapValues(Sendablified.make), raw: bytes,
                             headers: response.headers)
        }
    }
}

/// JSONSerialization gives `Any`; tests only need its JSON shapes back as Sendable values.
enum Sendablified {
    static func make(_ value: Any) -> any Sendable {
        switch value {
        case let d as [String: Any]: return d.mapValues(make) as [String: any Sendable]
        case let a as [Any]: return a.map(make) as [any Sendable]
        case let s as String: return s
        case let n as NSNumber: return n.intValue
        default: return "\(value)"
        }
    }
}

/// A resident walking the mini-program: logged in, real-named, with helpers for the next steps.
struct Resident: Sendable {
    let token: String
    let selfMemberID: String

    static let phone = "13800138000"
    static let idNumber = "11010519491231002X"

    /// WeChat (or Alipay) login, an SMS code, and real-name registration as 张三.
    static func register(_ h: TestHarness, _ client: any TestClientProtocol, phone: String = Resident.phone,
                         idNumber: String = Resident.idNumber, name: String = "张三", through channel: String = "wechat",
                         openid: String? = nil) async throws -> Resident {
        let token = channel == "alipay" ? try await alipayLogin(h, client) : try await login(h, client, openid: openid)
        let sent = try await client.call(.post, "/api/v1/sms-codes", token: token, json: #"{"phone":"\#(phone)"}"#)
        #expect(sent.status == 202)
        let code = try #require(try await h.smsCode(for: phone))
        let registered = try await client.call(.post, "/api/v1/me/real-name", token: token, json: """
            {"name":"\(name)","idNumber":"\(idNumber)","phone":"\(phone)","smsCode":"\(code)"}
            """)
        #expect(registered.status == 201, "\(registered.body)")
        return Resident(token: token, selfMemberID: try #require(registered.object("member")["id"] as? String))
    }

    static func login(_ h: TestHarness, _ client: any TestClientProtocol, openid: String? = nil) async throws -> String {
        let code = try await h.wechatCode(openid: openid)
        let login = try await client.call(.post, "/api/v1/auth/wechat", json: #"{"code":"\#(code)"}"#)
        #expect(login.status == 200, "\(login.body)")
        return try #require(login["token"] as? String)
    }

    static func alipayLogin(_ h: TestHarness, _ client: any TestClientProtocol) async throws -> String {
        let code = try #require(try await h.sandboxJSON("POST", "/sandbox/alipay/codes", body: "{}")["code"] as? String)
        let login = try await client.call(.post, "/api/v1/auth/alipay", json: #"{"code":"\#(code)"}"#)
        #expect(login.status == 200, "\(login.body)")
        return try #require(login["token"] as? String)
    }
}

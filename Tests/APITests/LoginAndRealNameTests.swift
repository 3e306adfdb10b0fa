import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct LoginAndRealNameTests {
    @Test func wechatCodeLogsInOnceAndTheTokenWorksUntilLogout() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let code = try await h.wechatCode(openid: "o6_same_user")
                let first = try await client.call(.post, "/api/v1/auth/wechat", json: #"{"code":"\#(code)"}"#)
                #expect(first.status == 200)
                let token = try #require(first["token"] as? String)
                #expect(first.object("account")["realNamed"] as? Int == 0)

                let reused = try await client.call(.post, "/api/v1/auth/wechat", json: #"{"code":"\#(code)"}"#)
                #expect(reused.status == 401)
                #expect(reused.errorCode == "login_code_invalid")
                #expect((reused.object("error")["requestId"] as? String)?.isEmpty == false)
                #expect(reused.headers[.init("X-Request-Id")!] != nil)

                // The same openid logging in again reaches the same account.
                let again = try await client.call(.post, "/api/v1/auth/wechat",
                                                  json: #"{"code":"\#(try await h.wechatCode(openid: "o6_same_user"))"}"#)
                #expect(again.object("account")["id"] as? String == first.object("account")["id"] as? String)

                #expect(try await client.call(.get, "/api/v1/me", token: token).status == 200)
                #expect(try await client.call(.post, "/api/v1/auth/logout", token: token).status == 204)
                let after = try await client.call(.get, "/api/v1/me", token: token)
                #expect(after.errorCode == "token_revoked")
                let forged = try await client.call(.get, "/api/v1/me", token: token.dropLast(2) + "AA")
                #expect(forged.errorCode == "token_invalid")
                #expect(try await client.call(.get, "/api/v1/me").errorCode == "token_missing")
            }
        }
    }

    @Test func expiredWeChatCodeIsRefused() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let code = try await h.wechatCode()
                h.clock.advance(by: 301)
                let login = try await client.call(.post, "/api/v1/auth/wechat", json: #"{"code":"\#(code)"}"#)
                #expect(login.errorCode == "login_code_invalid")
            }
        }
    }

    @Test func alipayLoginWorksThroughTheSignedGateway() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let code = try await h.sandboxJSON("POST", "/sandbox/alipay/codes", body: "{}")["code"] as! String
                let login = try await client.call(.post, "/api/v1/auth/alipay", json: #"{"code":"\#(code)"}"#)
                #expect(login.status == 200, "\(login.body)")
                #expect(login.object("account")["channel"] as? String == "alipay")
            }
        }
    }

    @Test func realNameRegistrationMasksPersonalData() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let me = try await client.call(.get, "/api/v1/me", token: resident.token)
                let selfMember = me.object("self")
                #expect(selfMember["name"] as? String == "张*")
                #expect(selfMember["idNumber"] as? String == "1101**********002X")
                #expect(selfMember["phone"] as? String == "138****8000")
                #expect(selfMember["sex"] as? String == "female")
                #expect(selfMember["birthYear"] as? Int == 1949)
                #expect(selfMember["birthDate"] == nil)
                #expect((selfMember["cardId"] as? String)?.count == 64)
                #expect(me.object("account")["realNamed"] as? Int == 1)
                #expect(!String(decoding: me.raw, as: UTF8.self).contains("11010519491231002X"))

                let again = try await client.call(.post, "/api/v1/me/real-name", token: resident.token, json: """
                    {"name":"张三","idNumber":"11010519491231002X","phone":"13800138000","smsCode":"000000"}
                    """)
                #expect(again.status == 422 || again.status == 409)
            }
        }
    }

    @Test(arguments: [
        ("1101051949123100", "id_number_length"),
        ("11010519491231002A", "id_number_format"),
        ("110105194912310021", "id_number_checksum"),
        ("110105194902300020", "id_number_birth_date"),
        ("110105209912310029", "id_number_birth_date"),
        ("010105194912310026", "id_number_region"),
    ])
    func badIDNumbersGetTheirOwnCodes(idNumber: String, code: String) async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let token = try await Resident.login(h, client)
                let result = try await client.call(.post, "/api/v1/me/real-name", token: token, json: """
                    {"name":"张三","idNumber":"\(idNumber)","phone":"13800138000","smsCode":"123456"}
                    """)
                #expect(result.status == 400)
                #expect(result.errorCode == code)
            }
        }
    }

    @Test func wrongExpiredAndExhaustedSMSCodes() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let token = try await Resident.login(h, client)
                let register: @Sendable (String) async throws -> APIResult = { code in
                    try await client.call(.post, "/api/v1/me/real-name", token: token, json: """
                        {"name":"张三","idNumber":"11010519491231002X","phone":"13800138000","smsCode":"\(code)"}
                        """)
                }
                _ = try await client.call(.post, "/api/v1/sms-codes", token: token, json: #"{"phone":"13800138000"}"#)
                let code = try #require(try await h.smsCode(for: "13800138000"))
                let wrong = code == "000000" ? "000001" : "000000"
                #expect(try await register(wrong).errorCode == "sms_code_invalid")

                // A second send inside a minute is refused, as the gateway would.
                let tooSoon = try await client.call(.post, "/api/v1/sms-codes", token: token, json: #"{"phone":"13800138000"}"#)
                #expect(tooSoon.status == 429)
                #expect(tooSoon.errorCode == "sms_rate_limited")

                h.clock.advance(by: 301)
                #expect(try await register(code).errorCode == "sms_code_expired")

                _ = try await client.call(.post, "/api/v1/sms-codes", token: token, json: #"{"phone":"13800138000"}"#)
                let fresh = try #require(try await h.smsCode(for: "13800138000"))
                let other = fresh == "000000" ? "000001" : "000000"
                for _ in 0..<5 { #expect(try await register(other).errorCode == "sms_code_invalid") }
                let locked = try await register(fresh)
                #expect(locked.status == 429)
                #expect(locked.errorCode == "sms_code_attempts_exceeded")
            }
        }
    }

    /// Knowing a registered person's name and ID number is not enough to register as them from
    /// another account: the phone on record has to confirm it.
    @Test func registeringAsSomeoneAlreadyRegisteredNeedsTheirPhone() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                _ = try await Resident.register(h, client)
                h.clock.advance(by: 61)
                let impostor = try await Resident.login(h, client)
                _ = try await client.call(.post, "/api/v1/sms-codes", token: impostor, json: #"{"phone":"13911112222"}"#)
                let code = try #require(try await h.smsCode(for: "13911112222"))
                let claimed = try await client.call(.post, "/api/v1/me/real-name", token: impostor, json: """
                    {"name":"张三","idNumber":"\(Resident.idNumber)","phone":"13911112222","smsCode":"\(code)"}
                    """)
                #expect(claimed.status == 422)
                #expect(claimed.errorCode == "real_name_phone_mismatch")

                // The same person on another mini-program account, with the phone on record: allowed.
                let second = try await Resident.login(h, client)
                let sent = try await client.call(.post, "/api/v1/sms-codes", token: second, json: #"{"phone":"\#(Resident.phone)"}"#)
                #expect(sent.status == 202, "\(sent.body)")
                let own = try #require(try await h.smsCode(for: Resident.phone))
                let again = try await client.call(.post, "/api/v1/me/real-name", token: second, json: """
                    {"name":"张三","idNumber":"\(Resident.idNumber)","phone":"\(Resident.phone)","smsCode":"\(own)"}
                    """)
                #expect(again.status == 201, "\(again.body)")
            }
        }
    }

    /// Someone else asking for a code to your number cannot use it, nor displace yours.
    @Test func aCodeWorksOnlyForTheAccountThatAskedForIt() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let owner = try await Resident.login(h, client)
                let intruder = try await Resident.login(h, client)
                _ = try await client.call(.post, "/api/v1/sms-codes", token: owner, json: #"{"phone":"13800138000"}"#)
                let code = try #require(try await h.smsCode(for: "13800138000"))
                h.clock.advance(by: 61)
                _ = try await client.call(.post, "/api/v1/sms-codes", token: intruder, json: #"{"phone":"13800138000"}"#)
                // Delivered, so the intruder's challenge is the newest one for the number.
                #expect(try await h.smsCode(for: "13800138000") != nil)
                let body: @Sendable (String) -> String = { c in
                    #"{"name":"张三","idNumber":"11010519491231002X","phone":"13800138000","smsCode":"\#(c)"}"#
                }
                #expect(try await client.call(.post, "/api/v1/me/real-name", token: intruder, json: body(code)).errorCode == "sms_code_invalid")
                #expect(try await client.call(.post, "/api/v1/me/real-name", token: owner, json: body(code)).status == 201)
            }
        }
    }

    /// At most 5 codes an hour and 10 a day per number, whichever account asks.
    @Test func hourlyAndDailySendLimits() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let token = try await Resident.login(h, client)
                let send: @Sendable () async throws -> APIResult = {
                    try await client.call(.post, "/api/v1/sms-codes", token: token, json: #"{"phone":"13700001111"}"#)
                }
                for _ in 0..<5 {
                    #expect(try await send().status == 202)
                    h.clock.advance(by: 61)
                }
                #expect(try await send().errorCode == "sms_rate_limited")
                h.clock.advance(by: 3600)
                for _ in 0..<5 {
                    #expect(try await send().status == 202)
                    h.clock.advance(by: 61)
                }
                h.clock.advance(by: 3600)
                #expect(try await send().errorCode == "sms_rate_limited", "the eleventh code of the day")
                h.clock.advance(by: 86_400)
                #expect(try await send().status == 202)
            }
        }
    }

    @Test func badInputHasStableCodes() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let token = try await Resident.login(h, client)
                #expect(try await client.call(.post, "/api/v1/sms-codes", token: token, json: #"{"phone":"12345"}"#).errorCode == "phone_invalid")
                #expect(try await client.call(.post, "/api/v1/sms-codes", token: token, json: #"{"tel":"1"}"#).errorCode == "invalid_json")
                #expect(try await client.call(.post, "/api/v1/sms-codes", token: token, json: "not json").errorCode == "invalid_json")
                #expect(try await client.call(.get, "/api/v1/nowhere", token: token).status == 404)
            }
        }
    }
}

import Foundation
import HuiminCore
@testable import Sandbox
import Testing
@testable import WeChatPay

@Suite("WeChat Pay wire details")
struct WeChatPayUnitTests {
    @Test("the signed request message is five lines, each ending in \\n, body bytes as sent")
    func requestMessage() {
        let message = WeChatPaySigning.requestMessage(method: "POST", pathAndQuery: "/v3/pay/transactions/jsapi",
                                                      timestamp: "1554208460", nonce: "593BEC0C930BF1AFEB40B4A08C8FB242",
                                                      body: Array(#"{"a":1}"#.utf8))
        #expect(String(decoding: message, as: UTF8.self)
            == "POST\n/v3/pay/transactions/jsapi\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{\"a\":1}\n")
        let get = WeChatPaySigning.requestMessage(method: "GET", pathAndQuery: "/v3/x?mchid=1", timestamp: "1",
                                                  nonce: "n", body: [])
        #expect(String(decoding: get, as: UTF8.self) == "GET\n/v3/x?mchid=1\n1\nn\n\n")
    }

    @Test("the Authorization header carries the five parameters and a signature the merchant key verifies")
    func authorizationHeader() throws {
        let key = SandboxHarness.keys.wechatPay.merchantPrivateKey
        let header = try WeChatPaySigning.authorization(mchid: "1900000001", serialNo: "ABC", key: key, method: "GET",
                                                        pathAndQuery: "/v3/x", timestamp: "1700000000", nonce: "N", body: [])
        let parameters = try #require(FakeWeChatPayProtocol.authorizationParameters(header))
        #expect(header.hasPrefix("WECHATPAY2-SHA256-RSA2048 mchid=\"1900000001\",nonce_str=\"N\",signature=\""))
        #expect(parameters["serial_no"] == "ABC")
        #expect(parameters["timestamp"] == "1700000000")
        let signature = try #require(Data(base64Encoded: parameters["signature"] ?? ""))
        #expect(key.publicKey.verify(signature: Array(signature), message: Array("GET\n/v3/x\n1700000000\nN\n\n".utf8)))
        #expect(FakeWeChatPayProtocol.authorizationParameters("Bearer x") == nil)
    }

    @Test("RFC 3339 times: written in Beijing time with +08:00, read in any offset")
    func times() {
        let instant = Date(timeIntervalSince1970: 1_790_000_000.75)
        #expect(WeChatPayTime.string(instant) == "2026-09-21T22:13:20+08:00")
        #expect(WeChatPayTime.date("2026-09-21T22:13:20+08:00") == Date(timeIntervalSince1970: 1_790_000_000))
        #expect(WeChatPayTime.date("2026-09-21T14:13:20Z") == Date(timeIntervalSince1970: 1_790_000_000))
        #expect(WeChatPayTime.date("2026-09-21T09:13:20-05:00") == Date(timeIntervalSince1970: 1_790_000_000))
        #expect(WeChatPayTime.date("2026-09-21T22:13:20.500+08:00") == Date(timeIntervalSince1970: 1_790_000_000.5))
        #expect(WeChatPayTime.date("2026-09-21 22:13:20") == nil)
        #expect(WeChatPayTime.date("2026-02-30T00:00:00+08:00") == nil)
        #expect(FakeWeChatPayProtocol.time(instant) == "2026-09-21T22:13:20+08:00")
        #expect(FakeWeChatPayProtocol.parseTime("2026-09-21T22:13:20+08:00") == Date(timeIntervalSince1970: 1_790_000_000))
    }

    @Test("vendor codes map to wechatpay_<code> with a fitting status", arguments: [
        ("ORDERPAID", 400, "wechatpay_orderpaid", 409),
        ("ORDER_CLOSED", 400, "wechatpay_order_closed", 409),
        ("NOT_ENOUGH", 403, "wechatpay_not_enough", 409),
        ("ORDER_NOT_EXIST", 404, "wechatpay_order_not_found", 404),
        ("RESOURCE_NOT_EXISTS", 404, "wechatpay_resource_not_exists", 404),
        ("PARAM_ERROR", 400, "wechatpay_param_error", 400),
        ("FREQUENCY_LIMITED", 429, "wechatpay_frequency_limited", 429),
        ("NO_STATEMENT_EXIST", 400, "wechatpay_no_statement", 404),
        ("STATEMENT_CREATING", 400, "wechatpay_statement_creating", 503),
        ("SIGN_ERROR", 401, "wechatpay_sign_error", 502),
        ("SYSTEM_ERROR", 500, "wechatpay_system_error", 502),
    ])
    func vendorErrors(code: String, http: Int, expected: String, status: Int) {
        let error = WeChatPayErrors.vendor(code: code, message: "x", httpStatus: http)
        #expect(error.code == expected)
        #expect(error.status == status)
    }

    @Test("gzip made by the fake inflates back; garbage does not")
    func gzipRoundTrip() {
        let text = Array(String(repeating: "`2026-09-21 22:13:20,`wx0000sandbox0001\r\n", count: 500).utf8)
        let packed = FakeWeChatPay.gzip(text)
        #expect(packed.count < text.count / 5)
        #expect(WeChatPayGzip.gunzip(packed) == text)
        #expect(WeChatPayGzip.gunzip(Array("not gzip".utf8)) == nil)
    }

    @Test("yuan formatting of fen, with 2 or 5 decimals; fees round half up to whole fen")
    func yuan() {
        #expect(FakeWeChatPay.yuan(1) == "0.01")
        #expect(FakeWeChatPay.yuan(2500) == "25.00")
        #expect(FakeWeChatPay.yuan(7, decimals: 5) == "0.07000")
        #expect(FakeWeChatPay.yuan(-6, decimals: 5) == "-0.06000")
        #expect(FakeWeChatPay.fee(2500) == 15)
        #expect(FakeWeChatPay.fee(84) == 1) // 0.504 fen
        #expect(FakeWeChatPay.fee(83) == 0) // 0.498 fen
    }

    @Test("the client's sandbox constants agree with the sandbox's own")
    func sandboxAgreement() throws {
        let settings = SandboxSettings(keys: SandboxHarness.keys, hisFixtures: nil)
        #expect(WeChatPayConfiguration.Sandbox.mchid == settings.wechatPay.mchid)
        #expect(WeChatPayConfiguration.Sandbox.appid == settings.wechatPay.appid)
        #expect(WeChatPayConfiguration.Sandbox.merchantSerialNo == settings.wechatPay.merchantSerialNo)
        #expect(WeChatPayConfiguration.Sandbox.platformPublicKeyID == settings.wechatPay.platformPublicKeyID)
        #expect(WeChatPayConfiguration.Sandbox.merchantPrivateKeyFile == SandboxWeChatPayKeys.merchantPrivateKeyFile)
        #expect(WeChatPayConfiguration.Sandbox.platformPublicKeyFile == SandboxWeChatPayKeys.platformPublicKeyFile)
        #expect(WeChatPayConfiguration.Sandbox.apiV3KeyFile == SandboxWeChatPayKeys.apiV3KeyFile)

        let keys = SandboxHarness.keys.wechatPay
        let configuration = try WeChatPayConfiguration.sandbox(keyDirectory: keys.directory, baseURL: "http://x/",
                                                               notifyURL: "http://n", refundNotifyURL: "http://r")
        #expect(configuration.apiV3Key == keys.apiV3Key)
        #expect(configuration.apiV3Key.count == 32)
        #expect(configuration.merchantKey.pem == keys.merchantPrivateKey.pem)
        #expect(configuration.platformPublicKey.pem == keys.platformPublicKey.pem)
        #expect(configuration.baseURL == "http://x")
        // Reloading the directory reuses the same keys (restarts agree).
        let reloaded = try SandboxWeChatPayKeys.loadOrCreate(directory: keys.directory)
        #expect(reloaded.apiV3Key == keys.apiV3Key)
        #expect(reloaded.platformPrivateKey.pem == keys.platformPrivateKey.pem)
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)")
        #expect(throws: AppError.self) {
            try WeChatPayConfiguration.sandbox(keyDirectory: missing, baseURL: "", notifyURL: "", refundNotifyURL: "")
        }
    }
}

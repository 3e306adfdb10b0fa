@testable import Alipay
import Foundation
import HuiminCore
import Testing

@Suite("Alipay pay: money, times, errors, signing content")
struct AlipayPayUnitTests {
    @Test("yuan strings become fen exactly; more than two decimals and junk are refused")
    func money() {
        #expect(AlipayMoney.fen("0.01") == 1)
        #expect(AlipayMoney.fen("25") == 2500)
        #expect(AlipayMoney.fen("25.5") == 2550)
        #expect(AlipayMoney.fen("25.50") == 2550)
        // 0.29 and 1.15 are the classic Double traps (0.29 * 100 = 28.999…).
        #expect(AlipayMoney.fen("0.29") == 29)
        #expect(AlipayMoney.fen("1.15") == 115)
        #expect(AlipayMoney.fen("99999999.99") == 9_999_999_999)
        for bad in ["", ".5", "1.", "1.001", "-1.00", "+1", "1e2", " 1", "1,00", "0x10", "1.2.3", "１"] {
            #expect(AlipayMoney.fen(bad) == nil, "\(bad)")
        }
        #expect(AlipayMoney.fen("-10.00", allowNegative: true) == -1000)
        #expect(AlipayMoney.yuan(1) == "0.01")
        #expect(AlipayMoney.yuan(2550) == "25.50")
        #expect(AlipayMoney.yuan(0) == "0.00")
        #expect(AlipayMoney.yuan(-1000) == "-10.00")
    }

    @Test("Alipay times are Beijing wall time, with or without milliseconds")
    func times() {
        // 2026-01-01T16:30:00Z is 2026-01-02 00:30:00 in Beijing.
        #expect(AlipayTime.date("2026-01-02 00:30:00") == Date(timeIntervalSince1970: 1_767_285_000))
        let withMilliseconds = AlipayTime.date("2026-01-02 00:30:00.320")?.timeIntervalSince1970 ?? 0
        #expect(abs(withMilliseconds - 1_767_285_000.32) < 0.0001)
        #expect(AlipayTime.string(Date(timeIntervalSince1970: 1_767_285_000)) == "2026-01-02 00:30:00")
        #expect(AlipayTime.date("2026-01-02T00:30:00") == nil)
        #expect(AlipayTime.date("2026-01-02 24:30:00") == nil)
    }

    @Test("gateway sub_codes become alipay_<sub_code> with fitting statuses")
    func errorCodes() {
        let notFound = AlipayPayErrors.gateway(code: "40004", msg: "Business Failed", subCode: "ACQ.TRADE_NOT_EXIST",
                                               subMsg: "交易不存在")
        #expect(notFound.code == "alipay_acq_trade_not_exist")
        #expect(notFound.status == 404)
        #expect(AlipayPayErrors.gateway(code: "40004", msg: nil, subCode: "ACQ.TRADE_HAS_SUCCESS", subMsg: nil).status == 409)
        #expect(AlipayPayErrors.gateway(code: "40004", msg: nil, subCode: "ACQ.TRADE_HAS_CLOSE", subMsg: nil).status == 409)
        let system = AlipayPayErrors.gateway(code: "20000", msg: nil, subCode: "ACQ.SYSTEM_ERROR", subMsg: nil)
        #expect(system.code == "alipay_acq_system_error")
        #expect(system.status == 502)
        let isv = AlipayPayErrors.gateway(code: "40002", msg: nil, subCode: "isv.invalid-app-id", subMsg: nil)
        #expect(isv.code == "alipay_isv_invalid-app-id")
        #expect(isv.status == 502)
        #expect(AlipayPayErrors.gateway(code: "40006", msg: nil, subCode: "aop.invalid-auth", subMsg: nil).status == 502)
        #expect(AlipayPayErrors.gateway(code: "20000", msg: "Service Currently Unavailable", subCode: nil, subMsg: nil).code
            == "alipay_error_20000")
    }

    @Test("a notification's signed content drops sign AND sign_type and empty values, sorted, raw values")
    func notificationContent() {
        let content = AlipayPayClient.notificationContent([
            ("trade_status", "TRADE_SUCCESS"), ("sign", "xyz"), ("sign_type", "RSA2"), ("app_id", "2021"),
            ("body", ""), ("subject", "挂号费 a&b=c"),
        ])
        #expect(content == "app_id=2021&subject=挂号费 a&b=c&trade_status=TRADE_SUCCESS")
        let form = AlipayPayClient.form(Array("a=1+2&b=%E6%8C%82&c=&d".utf8))
        #expect(form?.map { "\($0.0)=\($0.1)" } == ["a=1 2", "b=挂", "c=", "d="])
    }
}

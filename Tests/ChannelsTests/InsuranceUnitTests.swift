import Foundation
import HuiminCore
@testable import Insurance
import Sandbox
import Testing

@Suite("Insurance wire: amounts, times, figures and settings")
struct InsuranceUnitTests {
    @Test("yuan text <-> fen is exact and strict")
    func money() {
        #expect(InsuranceMoney.yuan(16_334) == "163.34")
        #expect(InsuranceMoney.yuan(5) == "0.05")
        #expect(InsuranceMoney.yuan(0) == "0.00")
        #expect(InsuranceMoney.fen("12") == 1_200)
        #expect(InsuranceMoney.fen("12.3") == 1_230)
        #expect(InsuranceMoney.fen("0.01") == 1)
        #expect(InsuranceMoney.fen("999999999999.99") == 99_999_999_999_999)
        for bad in ["", ".5", "1.", "1.234", "-1", "+1", "1e2", " 1", "1,00", "1.2.3", "1000000000000"] {
            #expect(InsuranceMoney.fen(bad) == nil, "\(bad)")
        }
    }

    struct Holder: Decodable { let a: InsuranceAmount }

    @Test("amounts read from strings or JSON numbers without going through Double")
    func amounts() throws {
        let cases: [(String, Int64)] = [(#""12.30""#, 1_230), ("12.3", 1_230), ("0.1", 10), ("0.29", 29),
                                        ("123456789.99", 12_345_678_999), ("7", 700)]
        for (json, fen) in cases {
            let holder = try JSONDecoder().decode(Holder.self, from: Data(#"{"a":\#(json)}"#.utf8))
            #expect(holder.a.fen == fen, "\(json)")
        }
        for bad in ["1.234", "-1", #""abc""#, "true"] {
            #expect(throws: (any Error).self) { try JSONDecoder().decode(Holder.self, from: Data(#"{"a":\#(bad)}"#.utf8)) }
        }
    }

    @Test("Beijing wall times in both forms")
    func times() {
        let date = Date(timeIntervalSince1970: 1_790_000_000)
        #expect(InsuranceTime.wall(date) == "2026-09-21 22:13:20")
        #expect(InsuranceTime.wall(date, compact: true) == "20260921221320")
        #expect(InsuranceTime.date("2026-09-21 22:13:20") == date)
        #expect(InsuranceTime.date("20260921221320") == date)
        #expect(InsuranceTime.date("2026-09-21T22:13:20") == nil)
        #expect(InsuranceTime.date("2026092122132") == nil)
    }

    func order(_ json: String) throws -> InsuranceWire.Order {
        try JSONDecoder().decode(InsuranceWire.Order.self, from: Data(json.utf8))
    }

    @Test("an answer whose figures do not add up, or disagree with its settlement record, is a bad response")
    func figures() throws {
        let good = try order(#"{"payOrdId":"O1","ordStas":"1","feeSumamt":"10.00","fundPay":"7.00","psnAcctPay":"2.00","ownPayAmt":"1.00"}"#)
        let figures = try InsuranceClient.figures(good, record: nil, payOrderID: "O1")
        #expect([figures.total, figures.fund, figures.account, figures.cash] == [1_000, 700, 200, 100])
        let short = try order(#"{"payOrdId":"O1","ordStas":"1","feeSumamt":"10.00","fundPay":"7.00","psnAcctPay":"2.00","ownPayAmt":"0.99"}"#)
        #expect(throws: InsuranceErrors.badResponse) { try InsuranceClient.figures(short, record: nil, payOrderID: "O1") }
        #expect(throws: InsuranceErrors.badResponse) { try InsuranceClient.figures(good, record: nil, payOrderID: "O2") }
        let withRecord = try order(#"{"payOrdId":"O1","ordStas":"6","feeSumamt":"10.00","fundPay":"7.00","psnAcctPay":"2.00","ownPayAmt":"1.00","#
            + #""extData":{"setlinfo":{"setl_id":"S1","medfee_sumamt":10,"fund_pay_sumamt":7,"acct_pay":2.5,"psn_cash_pay":0.5}}}"#)
        #expect(throws: InsuranceErrors.badResponse) {
            try InsuranceClient.figures(withRecord, record: withRecord.extData?.setlinfo, payOrderID: "O1")
        }
        let missing = try order(#"{"payOrdId":"O1","ordStas":"1"}"#)
        #expect(throws: InsuranceErrors.badResponse) { try InsuranceClient.figures(missing, record: nil, payOrderID: "O1") }
    }

    @Test("a refusal's infcode becomes insurance_<infcode> with a fitting status")
    func refusals() {
        #expect(InsuranceErrors.refused(infcode: 3001, message: "支付订单不存在").code == "insurance_3001")
        #expect(InsuranceErrors.refused(infcode: 3001, message: nil).status == 404)
        #expect(InsuranceErrors.refused(infcode: 2001, message: nil).status == 422)
        #expect(InsuranceErrors.refused(infcode: 3004, message: nil).status == 409)
        #expect(InsuranceErrors.refused(infcode: 1001, message: nil).status == 400)
        #expect(InsuranceErrors.refused(infcode: -1, message: "交易失败").code == "insurance_failed")
        #expect(InsuranceErrors.refused(infcode: 4242, message: nil).status == 502)
    }

    @Test("the default settings, the client's sandbox constants and the sandbox centre agree; env overrides")
    func settings() throws {
        let channels = Configuration(environment: [:]).channels
        let centre = InsuranceSandboxSettings()
        #expect(channels.insuranceHospitalCode == InsuranceConfiguration.Sandbox.hospitalCode)
        #expect(channels.insuranceHospitalName == InsuranceConfiguration.Sandbox.hospitalName)
        #expect(channels.insuranceAreaCode == InsuranceConfiguration.Sandbox.areaCode)
        #expect(channels.insuranceReceiverSystemCode == InsuranceConfiguration.Sandbox.receiverSystemCode)
        #expect(centre.hospitals[InsuranceConfiguration.Sandbox.hospitalCode] == InsuranceConfiguration.Sandbox.hospitalName)
        #expect(centre.areaCode == InsuranceConfiguration.Sandbox.areaCode)
        #expect(centre.receiverSystemCode == InsuranceConfiguration.Sandbox.receiverSystemCode)
        #expect(channels.insuranceBaseURL == "http://127.0.0.1:8090/insurance")
        #expect(try InsuranceConfiguration.from(settings: channels) == nil)

        let live = Configuration(environment: ["HUIMIN_SANDBOX": "off", "HUIMIN_INSURANCE_AREA_CODE": "110105",
                                               "HUIMIN_INSURANCE_BASE_URL": "https://fsi.example/gw/"]).channels
        #expect(live.insuranceAreaCode == "110105")
        #expect(live.insuranceBaseURL == "https://fsi.example/gw/")
        #expect(Configuration(environment: ["HUIMIN_SANDBOX": "off"]).channels.insuranceBaseURL == "https://fsi.invalid")
    }

    @Test("requests are signed SM2-over-SM3 over method, path, time, nonce and the body's SM3")
    func signing() throws {
        let key = try SM2PrivateKey.generate()
        let body = Array(#"{"infno":"6301"}"#.utf8)
        let now = Date()
        let headers = Dictionary(try InsuranceSigning.headers(key: key, method: "POST", path: "/p", body: body, now: now),
                                 uniquingKeysWith: { a, _ in a })
        let lookup = { (name: String) in headers.first { $0.key.lowercased() == name.lowercased() }?.value }
        #expect(InsuranceSigning.verify(key: key.publicKey, method: "POST", path: "/p", body: body, now: now, header: lookup))
        #expect(!InsuranceSigning.verify(key: key.publicKey, method: "POST", path: "/q", body: body, now: now, header: lookup))
        #expect(!InsuranceSigning.verify(key: key.publicKey, method: "POST", path: "/p", body: body + [32], now: now,
                                         header: lookup))
        #expect(!InsuranceSigning.verify(key: key.publicKey, method: "POST", path: "/p", body: body,
                                         now: now.addingTimeInterval(301), header: lookup))
    }
}

import Foundation
import HuiminCore
import Hummingbird
@testable import Insurance
import Sandbox
import Testing
import Transport

/// A centre impostor that holds the sandbox centre's key: its answers verify, so what the client
/// refuses here it refuses for what they say, not for how they are signed.
@Suite("Insurance client against a signed impostor")
struct InsuranceImpostorTests {
    static func run(answer: @escaping @Sendable (_ msgid: String) -> String,
                    _ body: (InsuranceClient) async throws -> Void) async throws {
        let keys = try InsuranceSandboxKeys.loadOrCreate(directory: InsuranceHarness.keysDirectory)
        let router = Router()
        router.post("/insurance/org/local/api/hos/:transaction") { request, _ -> Response in
            var request = request
            let bytes = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            let msgid = (try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])?["msgid"] as? String ?? ""
            let reply = Array(answer(msgid).utf8)
            var headers: HTTPFields = [.contentType: "application/json"]
            for (name, value) in try InsuranceSigning.headers(key: keys.centrePrivateKey, method: "POST",
                                                              path: request.uri.path, body: reply, now: Date()) {
                headers[HTTPFields.Element.Name(name)!] = value
            }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply)))
        }
        try await LoopbackServer.run(router, label: "insurance-impostor") { port in
            var channels = Configuration(environment: [:]).channels
            channels.insuranceBaseURL = "http://127.0.0.1:\(port)/insurance"
            channels.insurancePrivateKeyPath = keys.hospitalPrivateKeyPath
            channels.insuranceCentrePublicKeyPath = keys.centrePublicKeyPath
            let configuration = try #require(try InsuranceConfiguration.from(settings: channels))
            try await body(InsuranceClient(configuration: configuration, transport: HTTPTransport(timeout: 15)))
        }
    }

    static let settled = #""output":{"data":{"payOrdId":"O1","ordStas":"6","feeSumamt":"10.00","fundPay":"7.00","#
        + #""psnAcctPay":"2.00","ownPayAmt":"1.00","extData":{"setlinfo":{"setl_id":"S1","medfee_sumamt":10.00,"#
        + #""fund_pay_sumamt":7,"acct_pay":2.0,"psn_cash_pay":1,"setl_time":"2026-09-21 22:13:20"}}}}"#

    @Test("a well-formed settled answer is read, amounts as numbers included")
    func settled() async throws {
        try await Self.run(answer: { #"{"infcode":0,"inf_refmsgid":"\#($0)","# + Self.settled + "}" }) { client in
            guard case .settled(let settlement) = try await client.query(payOrderID: "O1") else {
                Issue.record("not settled")
                return
            }
            #expect(settlement.settlementID == "S1")
            #expect([settlement.totalFen, settlement.fundFen, settlement.accountFen, settlement.cashFen] == [1000, 700, 200, 100])
            #expect(settlement.settledAt == Date(timeIntervalSince1970: 1_790_000_000))
        }
    }

    @Test("an answer that does not echo our msgid is refused")
    func replayed() async throws {
        try await Self.run(answer: { _ in #"{"infcode":0,"inf_refmsgid":"H45010200001202609212213200001","# + Self.settled + "}" }) { client in
            #expect(await appError { try await client.query(payOrderID: "O1") }?.code == "insurance_bad_response")
        }
    }

    @Test("a settled answer without its settlement record, or for another order, is refused")
    func incomplete() async throws {
        let bare = #""output":{"data":{"payOrdId":"O1","ordStas":"6","feeSumamt":"10.00","fundPay":"7.00","psnAcctPay":"2.00","ownPayAmt":"1.00"}}"#
        try await Self.run(answer: { #"{"infcode":0,"inf_refmsgid":"\#($0)","# + bare + "}" }) { client in
            #expect(await appError { try await client.query(payOrderID: "O1") }?.code == "insurance_bad_response")
        }
        try await Self.run(answer: { #"{"infcode":0,"inf_refmsgid":"\#($0)","# + Self.settled + "}" }) { client in
            #expect(await appError { try await client.query(payOrderID: "O2") }?.code == "insurance_bad_response")
        }
    }

    @Test("a refusal with infcode -1 is insurance_failed; a string infcode is read too")
    func refusals() async throws {
        try await Self.run(answer: { #"{"infcode":"-1","inf_refmsgid":"\#($0)","err_msg":"交易失败"}"# }) { client in
            let error = await appError { try await client.cancel(payOrderID: "O1") }
            #expect(error?.code == "insurance_failed")
            #expect(error?.status == 502)
        }
    }
}

import Foundation
import HuiminCore
import Hummingbird

/// `/sandbox/insurance/...`: what a resident, the medical-insurance cashier and a tester can do to
/// the sandbox insurance centre.
///
/// - `POST /sandbox/insurance/auth-codes {"id_number"}`: the resident authorises in the
///   mini-program (医保授权); answers `{payAuthNo, expiresAt}`. Valid for
///   `InsuranceSandboxSettings.authCodeTTL` on the sandbox clock. An invalid ID number is 400.
/// - `POST /sandbox/insurance/orders/{payOrdId}/settle`: the WeChat Pay / Alipay medical-insurance
///   cashier has taken the cash part and tells the centre, which settles (ordStas 1 -> 6, a
///   `setl_id`, the sandbox clock's time). In the real flow that is the only way an order settles,
///   so 6301 never settles by itself. Again on a settled order: the same answer. Unknown: 404;
///   not pre-settled (not placed, revoked): 409.
/// - `GET /sandbox/insurance/orders/{payOrdId}`: the centre's view of an order and its refunds.
/// - `GET /sandbox/insurance/persons/{id_number}`: an insured person and their account balance
///   (any valid ID number is enrolled on first sight, as the ledger describes).
extension FakeInsurance {
    struct Problem: Encodable {
        let error: String
    }

    struct AuthIn: Decodable {
        let id_number: String?
    }

    struct AuthOut: Encodable {
        let payAuthNo: String
        let expiresAt: String
    }

    struct PersonOut: Encodable {
        let idNumber: String
        let personNo: String
        let insured: Bool
        let balanceFen: Int64
    }

    struct OrderView: Encodable {
        struct RefundView: Encodable {
            let refundNo: String
            let fundFen: Int64
            let accountFen: Int64
            let at: String
        }

        let payOrdId: String
        let tradeNo: String
        let hospitalCode: String
        let personNo: String
        let ordStas: String
        let totalFen: Int64
        let fundFen: Int64
        let accountFen: Int64
        let cashFen: Int64
        let setlId: String?
        let settledAt: String?
        let refunds: [RefundView]

        init(_ order: FakeInsuranceLedger.Order) {
            payOrdId = order.payOrderID
            tradeNo = order.tradeNo
            hospitalCode = order.hospitalCode
            personNo = order.personNo
            ordStas = String(order.status)
            totalFen = order.totalFen
            fundFen = order.fundFen
            accountFen = order.accountFen
            cashFen = order.cashFen
            setlId = order.settlementID
            settledAt = order.settledAt.map(ISO8601.string)
            refunds = order.refunds.map {
                RefundView(refundNo: $0.refundNo, fundFen: $0.fundFen, accountFen: $0.accountFen, at: ISO8601.string($0.at))
            }
        }
    }

    func registerControl(on router: Router<BasicRequestContext>) {
        router.post("/sandbox/insurance/auth-codes") { request, _ in
            let input = SandboxHTTP.decode(AuthIn.self, from: try await SandboxHTTP.body(request))
            guard let idNumber = Self.validIDNumber(input?.id_number) else {
                return SandboxHTTP.json(Problem(error: "expected {id_number: a valid 18-character ID number}"),
                                        status: .badRequest)
            }
            let now = clock.now()
            let code = "AUTH" + SandboxHTTP.randomString(28, alphabet: SandboxHTTP.alphanumerics)
            ledger.withState { $0.authCodes[code] = (idNumber, now) }
            return SandboxHTTP.json(AuthOut(payAuthNo: code, expiresAt: ISO8601.string(now.addingTimeInterval(centre.authCodeTTL))))
        }
        router.post("/sandbox/insurance/orders/:payOrdId/settle") { _, context in
            settle(context.parameters.get("payOrdId") ?? "")
        }
        router.get("/sandbox/insurance/orders/:payOrdId") { _, context in
            guard let order = ledger.withState({ $0.orders[context.parameters.get("payOrdId") ?? ""] }) else {
                return SandboxHTTP.json(Problem(error: "no such order"), status: .notFound)
            }
            return SandboxHTTP.json(OrderView(order))
        }
        router.get("/sandbox/insurance/persons/:idNumber") { _, context in
            guard let idNumber = Self.validIDNumber(context.parameters.get("idNumber")) else {
                return SandboxHTTP.json(Problem(error: "not a valid ID number"), status: .badRequest)
            }
            let person = ledger.withState { ledger.person(idNumber, in: &$0) }
            return SandboxHTTP.json(PersonOut(idNumber: person.idNumber, personNo: person.personNo,
                                              insured: person.insured, balanceFen: person.balanceFen))
        }
    }

    private func settle(_ payOrderID: String) -> Response {
        let now = clock.now()
        return ledger.withState { state in
            guard var order = state.orders[payOrderID] else {
                return SandboxHTTP.json(Problem(error: "no such order"), status: .notFound)
            }
            if order.status == 1 {
                order.status = 6
                order.settlementID = "SETL" + centre.areaCode + String(format: "%012d", state.next())
                order.settledAt = now
                state.orders[payOrderID] = order
            }
            guard order.settlementID != nil else {
                return SandboxHTTP.json(Problem(error: "order is not pre-settled (ordStas \(order.status))"),
                                        status: .conflict)
            }
            return SandboxHTTP.json(OrderView(order))
        }
    }
}

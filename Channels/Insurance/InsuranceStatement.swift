import Foundation
import HuiminCore

/// The centre's records of one clearing day (对明细账) for a designated institution's mobile
/// payments: the day's totals in 3201's terms and the detail file of every settlement and
/// reversal (`Reconciliation.InsuranceDetailFile` reads it).
public struct InsuranceStatement: Sendable, Equatable {
    public let day: String
    /// 定点医药机构结算笔数 (`fixmedins_setl_cnt`): lines in the file, settlements and reversals.
    public let count: Int
    /// 医疗费总额, 基金支付总额, 个人账户支付, 现金支付: settlements less reversals.
    public let totalFen: Int64
    public let fundFen: Int64
    public let accountFen: Int64
    public let cashFen: Int64
    public let file: [UInt8]
}

/// 3202, as the mobile-payment centre answers it. On the national platform the day is checked
/// with 3201 (the institution sends its totals per 险种 and 清算类别: `insutype`, `clr_type`,
/// `setl_optins`, `stmt_begndate`, `stmt_enddate`, `medfee_sumamt`, `fund_pay_sumamt`,
/// `acct_pay`, `fixmedins_setl_cnt`; the centre answers `stmt_rslt`) and, when they disagree,
/// 3202 (the institution uploads its own detail with 9101 and gets the centre's verdict file back
/// through 9102). Here Huimin asks the other way round, for the centre's own detail of the day,
/// so it can match every settlement itself: the answer carries 3201's totals and the detail
/// file (base64), signed like every answer, so the file needs no separate download. The
/// transaction's path (`stmt_detail`) and the answer's `file_content` are our assumption (from
/// memory of provinces' mobile-payment statements, not from a published specification).
extension InsuranceClient {
    /// The centre's detail of `day` (YYYY-MM-DD, the clearing day) for the configured institution,
    /// or `hospitalCode`. The stated totals are returned for the caller to check against the file.
    public func statement(day: String, hospitalCode: String? = nil) async throws -> InsuranceStatement {
        guard BusinessCalendar.parse(day) != nil else {
            throw AppError.invalid("day_invalid", "A business day is YYYY-MM-DD.")
        }
        let code = hospitalCode ?? configuration.hospitalCode
        let answer = try await call("3202", hospitalCode: code, StatementQuery(
            fixmedins_code: code, setl_optins: configuration.areaCode, stmt_begndate: day, stmt_enddate: day),
            as: StatementAnswer.self)
        guard answer.stmt_begndate == day, answer.stmt_enddate == day, answer.fixmedins_setl_cnt >= 0,
              let file = Data(base64Encoded: answer.file_content) else {
            throw InsuranceErrors.badResponse
        }
        return InsuranceStatement(day: day, count: answer.fixmedins_setl_cnt, totalFen: answer.medfee_sumamt.fen,
                                  fundFen: answer.fund_pay_sumamt.fen, accountFen: answer.acct_pay.fen,
                                  cashFen: answer.psn_cash_pay.fen, file: Array(file))
    }

    struct StatementQuery: Encodable {
        let fixmedins_code: String
        /// 结算经办机构: the centre's area.
        let setl_optins: String
        let stmt_begndate: String
        let stmt_enddate: String
    }

    struct StatementAnswer: Decodable {
        let stmt_begndate: String
        let stmt_enddate: String
        let fixmedins_setl_cnt: Int
        let medfee_sumamt: SignedAmount
        let fund_pay_sumamt: SignedAmount
        let acct_pay: SignedAmount
        let psn_cash_pay: SignedAmount
        let file_content: String
    }

    /// Totals are net (settlements less reversals): a day whose refunds are of earlier days'
    /// settlements is negative, which `InsuranceAmount` (for amounts sent or settled) refuses.
    struct SignedAmount: Decodable {
        let fen: Int64

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            let text = try (try? c.decode(String.self)) ?? c.decode(Decimal.self).description
            let negative = text.hasPrefix("-")
            guard let magnitude = InsuranceMoney.fen(negative ? String(text.dropFirst()) : text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a yuan amount with two decimals")
            }
            fen = negative ? -magnitude : magnitude
        }
    }
}

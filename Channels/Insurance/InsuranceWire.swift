import Foundation
import HuiminCore

/// The centre's messages as they travel.
///
/// Outside: the national platform's 2.0 envelope (`infno`, `msgid`, `mdtrtarea_admvs`,
/// `insuplc_admdvs`, `recer_sys_code`, `infver`, `opter_type`/`opter`/`opter_name`, `inf_time`,
/// `fixmedins_code`/`fixmedins_name`, `sign_no`, `input: {"data": …}`), answered by
/// `{infcode, inf_refmsgid, respond_time, err_msg, output: {"data": …}}`.
/// Sources disagree on two points and we chose:
/// - the insured area is spelt `insuplc_admdvs` (with a d) by every implementation we read,
///   though some summaries write `insuplc_admvs`; we send the implementations' spelling;
/// - the mobile-payment centre (6201…6401) is reached in some provinces through its own gateway
///   envelope (`appId`, `encType`, `signType`, `encData`) and in others through the 2.0 envelope
///   at per-transaction paths (`/org/local/api/hos/uldFeeInfo`, `pay_order`, `refund_Order`,
///   `query_order_info`, `revoke_order`); we use the 2.0 envelope at those paths.
/// Inside `data` the mobile-payment transactions use camelCase (`payOrdId`, `feeSumamt`,
/// `ownPayAmt`…), while the settlement record they carry (`setlinfo`) keeps the platform's
/// snake_case (`setl_id`, `fund_pay_sumamt`, `acct_pay`, `psn_cash_pay`…). Amounts are yuan with
/// two decimals: we send strings; we read strings or JSON numbers, exactly (`InsuranceAmount`).
enum InsuranceWire {
    /// 6201 费用明细上传, 6202 支付下单, 6203 医保退费, 6301 结算结果查询, 6401 费用明细撤销, and
    /// 3202 明细对账 as the mobile-payment centre offers it (`InsuranceStatement` says how it differs).
    static let paths = ["6201": "uldFeeInfo", "6202": "pay_order", "6203": "refund_Order",
                        "6301": "query_order_info", "6401": "revoke_order", "3202": "stmt_detail"]
    static let pathPrefix = "/org/local/api/hos/"

    struct Envelope<Input: Encodable>: Encodable {
        let infno: String
        let msgid: String
        let mdtrtarea_admvs: String
        let insuplc_admdvs: String
        let recer_sys_code: String
        let dev_no = ""
        let dev_safe_info = ""
        let cainfo = ""
        let signtype = "SM2"
        let infver: String
        /// 3 = 移动终端.
        let opter_type = "3"
        let opter: String
        let opter_name: String
        let inf_time: String
        let fixmedins_code: String
        let fixmedins_name: String
        let sign_no = ""
        let input: Node<Input>
    }

    struct Node<T: Encodable>: Encodable {
        let data: T
    }

    struct Reply<Output: Decodable>: Decodable {
        let infcode: Int
        let inf_refmsgid: String?
        let err_msg: String?
        let output: Output?

        enum CodingKeys: String, CodingKey { case infcode, inf_refmsgid, err_msg, output }
        enum DataKey: String, CodingKey { case data }

        /// `infcode` is a number in the specification and a string in some centres' answers.
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let number = try? c.decode(Int.self, forKey: .infcode) {
                infcode = number
            } else if let number = Int(try c.decode(String.self, forKey: .infcode)) {
                infcode = number
            } else {
                throw DecodingError.dataCorruptedError(forKey: .infcode, in: c, debugDescription: "infcode")
            }
            inf_refmsgid = try c.decodeIfPresent(String.self, forKey: .inf_refmsgid)
            err_msg = try c.decodeIfPresent(String.self, forKey: .err_msg)
            output = infcode == 0
                ? try c.nestedContainer(keyedBy: DataKey.self, forKey: .output).decode(Output.self, forKey: .data)
                : nil
        }
    }

    // MARK: 6201

    struct FeeUpload: Encodable {
        let orgCodg: String
        let medOrgOrd: String
        let chrgBchno: String
        let idNo: String
        /// 01 居民身份证.
        let idType = "01"
        let payAuthNo: String
        /// 310 职工基本医疗保险; the centre answers the person's real 险种 in the settlement.
        let insutype = "310"
        /// 11 普通门诊.
        let medType = "11"
        let begntime: String
        let medfeeSumamt: String
        let feedetailList: [FeeDetail]
    }

    struct FeeDetail: Encodable {
        let feedetlSn: String
        let rxno: String
        let medinsListCodg: String
        let medinsListName: String
        let medChrgitmType: String
        let cnt = "1"
        let pric: String
        let detItemFeeSumamt: String
        let feeOcurTime: String
    }

    struct Uploaded: Decodable {
        let payOrdId: String
        let payToken: String
    }

    // MARK: 6202

    struct PayOrder: Encodable {
        let payAuthNo: String
        let payOrdId: String
        let payToken: String
        let orgCodg: String
        let orgBizSer: String
        let chrgBchno: String
        /// 1 = use the personal account (个人账户) for what the fund leaves.
        let acctUsedFlag = "1"
    }

    struct Order: Decodable {
        let payOrdId: String
        let ordStas: String
        let feeSumamt: InsuranceAmount?
        let fundPay: InsuranceAmount?
        let psnAcctPay: InsuranceAmount?
        let ownPayAmt: InsuranceAmount?
        let setlType: String?
        let extData: Extra?
    }

    struct Extra: Decodable {
        let preSetl: Settlement?
        let setlinfo: Settlement?
    }

    /// The platform's settlement record (`setlinfo`), snake_case.
    struct Settlement: Decodable {
        let setl_id: String?
        let mdtrt_id: String?
        let psn_no: String?
        let medfee_sumamt: InsuranceAmount
        let fund_pay_sumamt: InsuranceAmount
        let acct_pay: InsuranceAmount
        let psn_cash_pay: InsuranceAmount
        let hifp_pay: InsuranceAmount?
        let setl_time: String?
    }

    // MARK: 6301, 6401

    struct OrderRef: Encodable {
        let payOrdId: String
        let orgCodg: String
    }

    struct Revoked: Decodable {
        let success: Bool
        let message: String?
    }

    // MARK: 6203

    struct Refund: Encodable {
        let payOrdId: String
        let appRefdSn: String
        let appRefdTime: String
        let totlRefdAmt: String
        let psnAcctRefdAmt: String
        let fundRefdAmt: String
        let cashRefdAmt = "0.00"
        /// HI: the insurance parts only (the cash part goes back through WeChat Pay or Alipay).
        let refdType = "HI"
        let expContent = ""
    }

    struct Refunded: Decodable {
        let appRefdSn: String
        let refStatus: String
        let trxTime: String?
        let psnAcctRefdAmt: InsuranceAmount?
        let fundRefdAmt: InsuranceAmount?
    }
}

/// A yuan amount read exactly as fen, whether the centre wrote `"12.30"` or `12.3`. JSON numbers
/// are taken through `Decimal` (which keeps their decimal digits), never through `Double`.
struct InsuranceAmount: Decodable, Equatable {
    let fen: Int64

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text: String
        if let string = try? c.decode(String.self) {
            text = string
        } else {
            text = try c.decode(Decimal.self).description
        }
        guard let fen = InsuranceMoney.fen(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a yuan amount with two decimals")
        }
        self.fen = fen
    }
}

/// Yuan text <-> fen, exactly.
public enum InsuranceMoney {
    /// `1234` -> `"12.34"`. Amounts sent to the centre are never negative.
    public static func yuan(_ fen: Int64) -> String {
        let cents = fen % 100
        return "\(fen / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
    }

    /// `"12"`, `"12.3"`, `"12.30"` -> 1230; signs, exponents, spaces, three decimals or more than
    /// twelve integer digits are refused (nil).
    public static func fen(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits = { (s: Substring) in !s.isEmpty && s.utf8.allSatisfy { (48...57).contains($0) } }
        guard digits(parts[0]), parts[0].count <= 12, let whole = Int64(parts[0]) else { return nil }
        guard parts.count == 2 else { return whole * 100 }
        guard digits(parts[1]), parts[1].count <= 2, let cents = Int64(parts[1]) else { return nil }
        return whole * 100 + (parts[1].count == 1 ? cents * 10 : cents)
    }
}

/// Beijing wall times: `yyyy-MM-dd HH:mm:ss` (`inf_time`, `setl_time`) and `yyyyMMddHHmmss`
/// (`appRefdTime`, `trxTime`).
enum InsuranceTime {
    static func wall(_ date: Date, compact: Bool = false) -> String {
        let c = BusinessCalendar.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let format = compact ? "%04d%02d%02d%02d%02d%02d" : "%04d-%02d-%02d %02d:%02d:%02d"
        return String(format: format, c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    static func date(_ text: String) -> Date? {
        var u = Array(text.utf8)
        if u.count == 14, u.allSatisfy({ (48...57).contains($0) }) {
            // yyyyMMddHHmmss -> yyyy-MM-dd HH:mm:ss
            for (offset, separator) in [(4, "-"), (7, "-"), (10, " "), (13, ":"), (16, ":")] {
                u.insert(UInt8(ascii: Unicode.Scalar(separator)!), at: offset)
            }
        }
        guard u.count == 19 else { return nil }
        return BusinessCalendar.instant(wallClock: u, separator: UInt8(ascii: " "))
    }
}

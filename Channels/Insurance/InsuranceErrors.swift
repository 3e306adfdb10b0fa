import HuiminCore

/// The centre's answers and failures as Huimin's errors: `insurance_<infcode>` for a refusal the
/// centre stated, so a cashier can look the code up in the centre's table.
///
/// The national platform's published envelope only fixes `infcode` 0 = success and -1 = failure
/// with the reason in `err_msg`; regional centres add numeric business codes. We follow the
/// sandbox centre's table (FakeInsurance documents it): 1xxx envelope/signature, 2xxx the insured
/// person and authorisation, 3xxx the order and its amounts, 9999 the centre is busy.
public enum InsuranceErrors {
    public static let badResponse = AppError.upstream("insurance_bad_response",
                                                      "The insurance centre answered with an unexpected body.")
    public static let responseUnsigned = AppError.upstream(
        "insurance_response_unsigned", "The insurance centre's answer did not carry a valid signature.")
    public static let timeout = AppError("insurance_timeout", status: 504, "The insurance centre did not answer in time.")
    public static let unreachable = AppError.upstream("insurance_unreachable", "The insurance centre could not be reached.")

    /// A bill Huimin would not send: no lines, a line of zero or less, or lines that do not add
    /// up to the total.
    public static let billInvalid = AppError.invalid("insurance_bill_invalid",
                                                     "The bill's lines must be positive and add up to its total.")

    /// An answer with `infcode` ≠ 0.
    static func refused(infcode: Int, message: String?) -> AppError {
        let status: Int
        switch infcode {
        case 1001: status = 400        // 参数校验失败: what we sent is malformed
        case 2001, 2002, 2003: status = 422  // 授权码无效/过期, 未参保, 人证不符: the resident must act
        case 3001: status = 404        // 支付订单不存在
        case 3002, 3004, 3005: status = 409  // 订单状态不允许, 退费超额, 退费流水号冲突
        case 3003: status = 422        // 金额与明细不符
        default: status = 502          // -1, 1002 签名, 9999 系统繁忙 and codes we do not know
        }
        let code = infcode == -1 ? "insurance_failed" : "insurance_\(infcode)"
        let detail = message.map { ": \($0.prefix(120))" } ?? ""
        return AppError(code, status: status, "The insurance centre refused the request (\(infcode)\(detail)).")
    }

    /// The transport's own failures, renamed for this channel.
    static func transport(_ error: any Error) -> any Error {
        let renamed = ["channel_timeout": timeout, "channel_unreachable": unreachable,
                       "channel_response_too_large": unreachable]
        return (error as? AppError).flatMap { renamed[$0.code] } ?? error
    }
}

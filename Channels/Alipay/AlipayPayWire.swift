import Foundation

/// The response nodes of the trade APIs as they travel (snake_case, amounts as yuan strings).
enum AlipayPayWire {
    struct Envelope: Decodable {
        let sign: String?
    }

    /// What every node carries; `code` 10000 is success.
    struct Common: Decodable {
        let code: String?
        let msg: String?
        let sub_code: String?
        let sub_msg: String?
    }

    struct Created: Decodable {
        let trade_no: String?
        let out_trade_no: String?
    }

    struct Trade: Decodable {
        let trade_no: String?
        let out_trade_no: String?
        let trade_status: String?
        let total_amount: String?
        let receipt_amount: String?
        let buyer_pay_amount: String?
        let send_pay_date: String?
        let buyer_user_id: String?
        let buyer_open_id: String?
    }

    struct Refund: Decodable {
        let trade_no: String?
        let out_trade_no: String?
        let fund_change: String?
        let refund_fee: String?
        let gmt_refund_pay: String?
    }

    struct RefundQuery: Decodable {
        let trade_no: String?
        let out_trade_no: String?
        let out_request_no: String?
        let total_amount: String?
        let refund_amount: String?
        let refund_status: String?
        let gmt_refund_pay: String?
    }

    struct Bill: Decodable {
        let bill_download_url: String?
    }

    /// `alipay.trade.query` -> `alipay_trade_query_response`.
    static func node(of method: String) -> String {
        method.replacingOccurrences(of: ".", with: "_") + "_response"
    }
}

/// One verified answer of the gateway: its common fields and the exact text of its response node.
public struct AlipayGatewayReply: Sendable {
    public let code: String
    public let msg: String?
    public let subCode: String?
    public let subMsg: String?
    public let node: [UInt8]

    public var isSuccess: Bool { code == "10000" }
}

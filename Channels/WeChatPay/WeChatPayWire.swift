import Foundation

/// APIv3 JSON bodies as they travel (snake_case, amounts in fen).
enum WeChatPayWire {
    struct Amount: Codable {
        var total: Int64
        var currency: String?
        var payer_total: Int64?
        var payer_currency: String?
    }

    struct Payer: Codable {
        var openid: String?
    }

    struct JSAPIOrder: Encodable {
        var appid: String
        var mchid: String
        var description: String
        var out_trade_no: String
        var time_expire: String
        var attach: String?
        var notify_url: String
        var amount: Amount
        var payer: Payer
    }

    struct PrepayReply: Decodable {
        var prepay_id: String
    }

    struct CloseBody: Encodable {
        var mchid: String
    }

    struct Transaction: Decodable {
        var appid: String?
        var mchid: String?
        var out_trade_no: String
        var transaction_id: String?
        var trade_type: String?
        var trade_state: String
        var trade_state_desc: String?
        var success_time: String?
        var attach: String?
        var payer: Payer?
        var amount: Amount?
    }

    struct RefundAmountRequest: Encodable {
        var refund: Int64
        var total: Int64
        var currency: String
    }

    struct RefundBody: Encodable {
        var out_trade_no: String
        var out_refund_no: String
        var reason: String?
        var notify_url: String
        var amount: RefundAmountRequest
    }

    struct RefundAmount: Decodable {
        var total: Int64
        var refund: Int64
        var payer_total: Int64?
        var payer_refund: Int64?
    }

    /// The refund object of the refund answer and query; the refund notification's resource names
    /// the status `refund_status` instead of `status`.
    struct Refund: Decodable {
        var out_refund_no: String
        var refund_id: String?
        var out_trade_no: String
        var transaction_id: String?
        var status: String?
        var refund_status: String?
        var success_time: String?
        var amount: RefundAmount
    }

    struct BillReply: Decodable {
        var hash_type: String?
        var hash_value: String
        var download_url: String
    }

    struct ErrorReply: Decodable {
        var code: String
        var message: String?
    }

    struct Notification: Decodable {
        var id: String
        var event_type: String?
        var resource_type: String?
        var resource: Resource
    }

    struct Resource: Decodable {
        var algorithm: String
        var ciphertext: String
        var associated_data: String?
        var nonce: String
        var original_type: String?
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

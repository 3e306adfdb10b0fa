import Foundation

/// Payments as the mini-program makes them (an order and WeChat's cashier), the payer's tap in
/// WeChat (the sandbox), and a cashier's refunds.
extension SimConnection {
    func payRegistration(booking: String, channel: String, idempotencyKey: String) async throws -> SimResponse {
        let body = JSONValue.object(["businessType": .string("registration"), "bookingId": .string(booking), "channel": .string(channel)])
        var headers = [("Idempotency-Key", idempotencyKey)]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return try await send("POST", "/api/v1/payments", body: body.bytes, to: .server, headers: headers)
    }

    func payments() async throws -> SimResponse {
        try await api("GET", "/api/v1/payments")
    }

    func payment(_ id: String) async throws -> SimResponse {
        try await api("GET", "/api/v1/payments/\(id.urlQueryEncoded)")
    }

    /// The payer confirms in the channel's cashier: the sandbox pays the order and sends its
    /// signed notification to Huimin.
    func payerPays(tradeNo: String, channel: String) async throws -> SimResponse {
        switch channel {
        case "alipay": try await sandbox("POST", "/sandbox/alipay/pay", .object(["outTradeNo": .string(tradeNo)]))
        case "unionpay": try await sandbox("POST", "/sandbox/unionpay/pay", .object(["orderId": .string(tradeNo)]))
        default: try await sandbox("POST", "/sandbox/wechatpay/pay", .object(["outTradeNo": .string(tradeNo)]))
        }
    }

    func saveMerchant(hospital: String, channel: String, merchantNo: String) async throws -> SimResponse {
        try await staff("PUT", "/api/v1/staff/merchants", .object([
            "hospitalCode": .string(hospital), "channel": .string(channel), "merchantNo": .string(merchantNo),
        ]))
    }

    func refundPayment(_ id: String, amountFen: Int64, reason: String) async throws -> SimResponse {
        try await staff("POST", "/api/v1/staff/payments/\(id.urlQueryEncoded)/refunds", .object([
            "amountFen": .number(Double(amountFen)), "reason": .string(reason),
        ]))
    }
}

/// How the simulator shows a payment order in a transcript.
enum PaymentText {
    static func payment(_ payment: JSONValue) -> String {
        let fen = { (key: String) in payment.at(key)?.text ?? "0" }
        var line = "\(payment.at("tradeNo")?.text ?? "?") \(payment.at("state")?.text ?? "?") amount \(fen("amountFen")) fen"
        if fen("paidFen") != "0" { line += ", paid \(fen("paidFen"))" }
        if fen("refundedFen") != "0" { line += ", refunded \(fen("refundedFen"))" }
        if fen("refundingFen") != "0" { line += ", refunding \(fen("refundingFen"))" }
        return line
    }
}

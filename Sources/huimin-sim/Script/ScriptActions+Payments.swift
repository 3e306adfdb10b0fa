import Foundation

extension ScriptActions {
    func performPayment(_ statement: ScriptStatement, _ arguments: [String], _ options: [String: String]) async throws -> Outcome? {
        let first = arguments.first ?? ""
        switch statement.command {
        case "wechat-pay", "alipay-pay", "unionpay-pay":
            let key = options["key"] ?? "sim-\(UUID().uuidString.prefix(12))"
            let channel = String(statement.command.dropLast(4))
            let response = try await connection.payRegistration(booking: first, channel: channel, idempotencyKey: key)
            if response.isSuccess, let cashier = response.json?.at("requestPayment") {
                transcript.note("cashier: \(cashier.json)")
            }
            return showingPayment(response, save: "id")
        case "payer-pays":
            let shown = try await connection.payment(first)
            guard shown.isSuccess, let tradeNo = shown.json?.at("payment.tradeNo")?.stringValue else {
                return Outcome(response: shown)
            }
            let channel = shown.json?.at("payment.channel")?.stringValue ?? "wechat"
            return saving(try await connection.payerPays(tradeNo: tradeNo, channel: channel), "status")
        case "payment":
            return showingPayment(try await connection.payment(first), save: "state")
        case "payments":
            let response = try await connection.payments()
            if case .array(let items)? = response.json?.at("payments") {
                for item in items { transcript.note(PaymentText.payment(item)) }
            }
            return saving(response, "payments.length")
        case "wait-payment":
            let limit = Date().addingTimeInterval(try Double(Self.integer(options["seconds"] ?? "60", "seconds")))
            while true {
                let response = try await connection.payment(first)
                if response.json?.at("payment.state")?.stringValue == arguments[1] || Date() > limit {
                    return showingPayment(response, save: "state")
                }
                try await Task.sleep(for: .seconds(1))
            }
        case "merchant":
            return saving(try await connection.saveMerchant(hospital: options["hospital"]!, channel: options["channel"]!,
                                                            merchantNo: options["no"]!), "id")
        case "recon-file":
            guard let text = try? String(contentsOfFile: arguments[3], encoding: .utf8) else { throw SimFailure("cannot read \(arguments[3])") }
            let bytes = Array(try Interpolation.expand(text, variables).utf8)
            return saving(try await connection.reconUpload(day: first, merchant: arguments[1], side: arguments[2], bytes: bytes),
                          "lastUpload.lines")
        case "recon-channel-bill":
            let bill = try await connection.sandboxWeChatBill(day: first)
            guard bill.isSuccess else { return Outcome(response: bill) }
            return saving(try await connection.reconUpload(day: first, merchant: arguments[1], side: "channel", bytes: bill.body),
                          "lastUpload.lines")
        case "recon-fetch":
            return saving(try await connection.staff("POST", "/api/v1/staff/reconciliation/\(first.urlQueryEncoded)/"
                                                         + "\(arguments[1].urlQueryEncoded)/files/\(arguments[2].urlQueryEncoded)/fetch"),
                          "lastUpload.lines")
        case "recon-run":
            return saving(try await connection.reconRun(day: first, merchant: arguments[1]), "found")
        case "recon-differences":
            let response = try await connection.reconDifferences(day: first, merchant: arguments[1], kind: options["kind"], state: options["state"])
            if case .array(let items)? = response.json?.at("differences") {
                for item in items {
                    transcript.note("\(item.at("kindName")?.text ?? "?") \(item.at("kind")?.text ?? "?") \(item.at("tradeNo")?.text ?? "")"
                                    + " \(item.at("amountFen")?.text ?? "") fen → \(item.at("proposedAction")?.text ?? "") [\(item.at("state")?.text ?? "")]")
                }
            }
            return saving(response, "differences.length")
        case "recon-resolve":
            return saving(try await connection.reconResolve(day: first, merchant: arguments[1], difference: arguments[2],
                                                            action: options["action"]!, note: options["note"]!), "difference.state")
        case "recon-close":
            return saving(try await connection.reconClose(day: first, merchant: arguments[1]), "state")
        case "refund":
            guard let amount = Int64(options["amount"]!), amount > 0 else { throw SimFailure("amount= is fen, a whole number") }
            return showingPayment(try await connection.refundPayment(first, amountFen: amount, reason: options["reason"]!), save: "state")
        default:
            return nil
        }
    }

    private func showingPayment(_ response: SimResponse, save path: String) -> Outcome {
        guard response.isSuccess, let payment = response.json?.at("payment") else { return Outcome(response: response) }
        transcript.note(PaymentText.payment(payment))
        return Outcome(response: response, value: payment.at(path)?.text)
    }
}

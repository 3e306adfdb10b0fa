import Foundation

extension ScriptActions {
    func performBilling(_ statement: ScriptStatement, _ arguments: [String], _ options: [String: String]) async throws -> Outcome? {
        let first = arguments.first ?? ""
        let hospital = options["hospital"] ?? "H0001"
        let key = options["key"] ?? "sim-\(UUID().uuidString.prefix(12))"
        let channel = options["channel"] ?? "wechat"
        switch statement.command {
        case "his-bill":
            let items = try options["amount"].map { text -> JSONValue in
                let fen = try Self.integer(text, "amount")
                return .array([.object([
                    "category": .string(options["category"] ?? "西药费"), "code": .string("X900"), "name": .string("处方药品"),
                    "unit": .string("盒"), "quantity": .string("1"), "unit_price_fen": .number(Double(fen)), "amount_fen": .number(Double(fen)),
                ])])
            }
            let issued = try await connection.issueBill(hospital: hospital, patientID: options["patient"]!, items: items)
            guard issued.isSuccess, let push = issued.json?.at("bill") else { return Outcome(response: issued) }
            let pushed = try await connection.pushBill(push)
            if let code = pushed.json?.at("bill.payCode")?.stringValue { transcript.note("printed QR: HUIMIN-BILL:\(code)") }
            return saving(pushed, "bill.id")
        case "withdraw-bill":
            return saving(try await connection.withdrawBill(first), "bill.state")
        case "window-pays-bill":
            return saving(try await connection.payAtHISWindow(hospital: hospital, billNo: first), "state")
        case "bills":
            return saving(try await connection.api("GET", "/api/v1/bills"), "bills.length")
        case "bill":
            return saving(try await connection.api("GET", "/api/v1/bills/\(first.urlQueryEncoded)"), "bill.state")
        case "scan-bill":
            return saving(try await connection.api("GET", "/api/v1/bill-codes/\(first.urlQueryEncoded)"), "bill.id")
        case "pay-bill", "scan-pay":
            var fields: [String: JSONValue] = statement.command == "pay-bill"
                ? ["businessType": .string("clinic_bill"), "billId": .string(first), "channel": .string(channel)]
                : ["businessType": .string("scan_to_pay"), "payCode": .string(first), "channel": .string(channel)]
            if let auth = options["insurance"] { fields["insurance"] = .object(["payAuthNo": .string(auth)]) }
            return saving(try await connection.pay(fields, idempotencyKey: key), "payment.id")
        case "insurance-auth":
            return saving(try await connection.sandbox("POST", "/sandbox/insurance/auth-codes", .object(["id_number": .string(options["id"]!)])),
                          "payAuthNo")
        case "insurance-settle":
            return saving(try await connection.sandbox("POST", "/sandbox/insurance/orders/\(first.urlQueryEncoded)/settle"), "ordStas")
        case "insurance-statement-difference":
            var fields: [String: JSONValue] = ["kind": .string(options["kind"]!)]
            if let setl = options["setl"] { fields["setl_id"] = .string(setl) }
            if let part = options["part"] { fields["part"] = .string(part) }
            if let delta = options["delta"] { fields["delta_fen"] = .number(Double(try Self.integer(delta, "delta"))) }
            return saving(try await connection.sandbox("POST", "/sandbox/insurance/statement-differences", .object(fields)), "setl_id")
        case "insurance-statement-clear":
            let response = try await connection.sandbox("DELETE", "/sandbox/insurance/statement-differences")
            return Outcome(response: response, value: String(response.status))
        case "admit":
            let deposit = try Self.integer(options["deposit"] ?? "0", "deposit")
            return saving(try await connection.admit(hospital: hospital, patientID: options["patient"]!, name: options["name"]!,
                                                     depositFen: deposit), "inpatient.admission_no")
        case "charge":
            let items = JSONValue.parse(options["items"] ?? """
                [{"category":"床位费","code":"C001","name":"普通病床","unit":"日","quantity":"1","unit_price_fen":5000,"amount_fen":5000},
                 {"category":"西药费","code":"X020","name":"氯化钠注射液","specification":"250ml","unit":"袋","quantity":"2","unit_price_fen":450,"amount_fen":900}]
                """)
            guard let items else { throw SimFailure("items= is a JSON array") }
            return saving(try await connection.charge(hospital: hospital, admissionNo: first, day: options["day"]!, items: items),
                          "inpatient.deposit_balance_fen")
        case "discharge":
            return saving(try await connection.discharge(hospital: hospital, admissionNo: first), "inpatient.state")
        case "inpatients":
            return saving(try await connection.api("GET", "/api/v1/inpatients?memberId=\(first.urlQueryEncoded)"), "inpatients.length")
        case "top-up":
            let amount = try Self.integer(options["amount"]!, "amount")
            return saving(try await connection.pay([
                "businessType": .string("deposit"), "memberId": .string(first), "hospitalCode": .string(hospital),
                "admissionNo": .string(arguments[1]), "amountFen": .number(Double(amount)), "channel": .string(channel),
            ], idempotencyKey: key), "payment.id")
        case "daily-list":
            return saving(try await connection.api("GET", "/api/v1/inpatients/\(hospital.urlQueryEncoded)/\(arguments[1].urlQueryEncoded)"
                                                       + "/daily-list?memberId=\(first.urlQueryEncoded)&day=\(options["day"]!.urlQueryEncoded)"),
                          "totalFen")
        case "wait-his":
            let limit = Date().addingTimeInterval(try Double(Self.integer(options["seconds"] ?? "60", "seconds")))
            while true {
                let response = try await connection.payment(first)
                if response.json?.at("payment.his.state")?.stringValue == arguments[1] || Date() > limit {
                    return saving(response, "payment.his.state")
                }
                try await Task.sleep(for: .seconds(1))
            }
        default:
            return nil
        }
    }
}

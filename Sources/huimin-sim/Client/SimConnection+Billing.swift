import Foundation

/// Clinic bills, scan-to-pay and deposits: the sandbox HIS issues bills and admits patients, the
/// hospital's system pushes bills to Huimin, and the resident pays.
extension SimConnection {
    /// The sandbox HIS issues a bill of a fixed prescription and a test (35.50 yuan), or of `items`.
    func issueBill(hospital: String, patientID: String, items: JSONValue?) async throws -> SimResponse {
        let defaultItems = JSONValue.parse("""
            [{"category":"西药费","code":"X001","name":"阿莫西林胶囊","specification":"0.25g*24粒","unit":"盒","quantity":"2","unit_price_fen":1275,"amount_fen":2550},
             {"category":"检查费","code":"J010","name":"血常规","unit":"次","quantity":"1","unit_price_fen":1000,"amount_fen":1000}]
            """)!
        return try await sandbox("POST", "/sandbox/his/bills", .object([
            "hospital": .string(hospital), "patient_id": .string(patientID), "department_name": .string("内科"),
            "doctor_name": .string("李医生"), "items": items ?? defaultItems,
        ]))
    }

    /// The hospital's system pushes the bill to Huimin (signed with the terminal key).
    func pushBill(_ push: JSONValue) async throws -> SimResponse {
        try await integration("PUT", "/integration/v1/bills/\((push.at("bill_no")?.text ?? "").urlQueryEncoded)", push)
    }

    func withdrawBill(_ billNo: String) async throws -> SimResponse {
        try await integration("DELETE", "/integration/v1/bills/\(billNo.urlQueryEncoded)")
    }

    func payAtHISWindow(hospital: String, billNo: String) async throws -> SimResponse {
        try await sandbox("POST", "/sandbox/his/bills/\(billNo.urlQueryEncoded)/window-payment", .object(["hospital": .string(hospital)]))
    }

    func pay(_ fields: [String: JSONValue], idempotencyKey: String) async throws -> SimResponse {
        var headers = [("Idempotency-Key", idempotencyKey)]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return try await send("POST", "/api/v1/payments", body: JSONValue.object(fields).bytes, to: .server, headers: headers)
    }

    func admit(hospital: String, patientID: String, name: String, depositFen: Int) async throws -> SimResponse {
        try await sandbox("POST", "/sandbox/his/inpatients", .object([
            "hospital": .string(hospital), "patient_id": .string(patientID), "name": .string(name), "department": .string("心内科"),
            "ward": .string("5病区"), "bed": .string("12"), "deposit_fen": .number(Double(depositFen)),
        ]))
    }

    func charge(hospital: String, admissionNo: String, day: String, items: JSONValue) async throws -> SimResponse {
        try await sandbox("POST", "/sandbox/his/inpatients/\(admissionNo.urlQueryEncoded)/charges",
                          .object(["hospital": .string(hospital), "day": .string(day), "items": items]))
    }

    func discharge(hospital: String, admissionNo: String) async throws -> SimResponse {
        try await sandbox("POST", "/sandbox/his/inpatients/\(admissionNo.urlQueryEncoded)/discharge", .object(["hospital": .string(hospital)]))
    }
}

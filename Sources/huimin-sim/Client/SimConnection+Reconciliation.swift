import Foundation

/// A cashier's reconciliation through the staff API, and the channel bill a cashier downloads
/// from the merchant platform (the sandbox's).
extension SimConnection {
    private func reconPath(_ day: String, _ merchant: String) -> String {
        "/api/v1/staff/reconciliation/\(day.urlQueryEncoded)/\(merchant.urlQueryEncoded)"
    }

    func reconUpload(day: String, merchant: String, side: String, bytes: [UInt8]) async throws -> SimResponse {
        guard let staffToken else { throw SimFailure("no staff session: run staff-login first") }
        return try await send("PUT", reconPath(day, merchant) + "/files/\(side.urlQueryEncoded)", body: bytes, to: .server,
                              headers: [("Authorization", "Bearer \(staffToken)")])
    }

    func reconRun(day: String, merchant: String) async throws -> SimResponse {
        try await staff("POST", reconPath(day, merchant) + "/run")
    }

    func reconDifferences(day: String, merchant: String, kind: String?, state: String?) async throws -> SimResponse {
        let query = [("kind", kind), ("state", state)].compactMap { name, value in value.map { "\(name)=\($0.urlQueryEncoded)" } }
        return try await staff("GET", reconPath(day, merchant) + "/differences" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
    }

    func reconResolve(day: String, merchant: String, difference: String, action: String, note: String) async throws -> SimResponse {
        try await staff("POST", reconPath(day, merchant) + "/differences/\(difference.urlQueryEncoded)/resolve",
                        .object(["action": .string(action), "note": .string(note)]))
    }

    func reconClose(day: String, merchant: String) async throws -> SimResponse {
        try await staff("POST", reconPath(day, merchant) + "/close")
    }

    /// The WeChat Pay bill of a day so far, as the merchant platform offers it.
    func sandboxWeChatBill(day: String) async throws -> SimResponse {
        try await send("GET", "/sandbox/wechatpay/bills/\(day.urlQueryEncoded)", body: nil, to: .sandbox, headers: [])
    }
}

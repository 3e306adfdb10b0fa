/// The e-health card: its QR code, the printable static code, and a terminal verifying either.
extension SimConnection {
    enum QRFormat: String, CaseIterable { case png, svg, text }

    func card(_ memberID: String) async throws -> SimResponse {
        try await api("GET", "/api/v1/family-members/\(memberID.urlQueryEncoded)/card")
    }

    /// The dynamic code as JSON: payload, expiresAt, ttlSeconds.
    func qr(_ memberID: String) async throws -> SimResponse {
        try await api("GET", "/api/v1/family-members/\(memberID.urlQueryEncoded)/card/qr")
    }

    /// The dynamic code rendered by the server, as the mini-program would download it.
    func qrImage(_ memberID: String, format: QRFormat) async throws -> SimResponse {
        try await api("GET", "/api/v1/family-members/\(memberID.urlQueryEncoded)/card/qr?format=\(format.rawValue)")
    }

    func issueStaticCode(_ memberID: String) async throws -> SimResponse {
        try await api("POST", "/api/v1/family-members/\(memberID.urlQueryEncoded)/card/static-code")
    }

    func revokeStaticCode(_ memberID: String) async throws -> SimResponse {
        try await api("DELETE", "/api/v1/family-members/\(memberID.urlQueryEncoded)/card/static-code")
    }

    /// A hospital terminal scanning a code. A static code first answers 428
    /// `static_code_sms_required`; the terminal repeats the call with the holder's SMS code.
    func verify(payload: String, terminalID: String, medicalStep: String?, smsCode: String?) async throws -> SimResponse {
        try await integration("POST", "/integration/v1/cards/verify", .fields([
            "payload": .string(payload), "terminalId": .string(terminalID),
            "medicalStep": medicalStep.map(JSONValue.string), "smsCode": smsCode.map(JSONValue.string),
        ]))
    }
}

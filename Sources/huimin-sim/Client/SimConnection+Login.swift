import Foundation

/// Login and real-name registration, as the mini-program does them.
extension SimConnection {
    /// Gets a one-time `wx.login` code from the sandbox (for `openid`, or a fresh one) and
    /// exchanges it; a successful login becomes the session.
    func wechatLogin(openid: String?) async throws -> SimResponse {
        let issued = try await sandbox("POST", "/sandbox/wechat/codes", .fields(["openid": openid.map(JSONValue.string)]))
        let code = try issued.require("code", what: "a WeChat login code from the sandbox")
        return try await logIn(path: "/api/v1/auth/wechat", code: code)
    }

    func alipayLogin(userID: String?) async throws -> SimResponse {
        let issued = try await sandbox("POST", "/sandbox/alipay/codes", .fields(["userId": userID.map(JSONValue.string)]))
        let code = try issued.require("code", what: "an Alipay auth code from the sandbox")
        return try await logIn(path: "/api/v1/auth/alipay", code: code)
    }

    private func logIn(path: String, code: String) async throws -> SimResponse {
        let response = try await api("POST", path, .object(["code": .string(code)]))
        if response.isSuccess { token = response.json?.at("token")?.stringValue }
        return response
    }

    /// Keeps sending the old token afterwards, so a script can check that the server refuses it.
    func logout() async throws -> SimResponse {
        try await api("POST", "/api/v1/auth/logout")
    }

    /// Requests a code and waits for the sandbox SMS gateway to receive it: delivery may go
    /// through the outbox worker, so the message can arrive a moment after the 202.
    func requestSMSCode(phone: String, purpose: String = "real_name") async throws -> (response: SimResponse, code: String?) {
        let before = try await smsInbox(phone: phone).first?.at("bizId")
        let response = try await api("POST", "/api/v1/sms-codes", .object(["phone": .string(phone), "purpose": .string(purpose)]))
        guard response.isSuccess else { return (response, nil) }
        return (response, try await awaitSMSCode(phone: phone, newerThan: before))
    }

    /// The code in the next message for `phone` that this session has not read yet (waiting up to
    /// ten seconds for it), as the resident would read it off their phone.
    func nextSMSCode(phone: String) async throws -> String {
        try await awaitSMSCode(phone: phone, newerThan: lastReadSMS[phone] ?? nil)
    }

    private func awaitSMSCode(phone: String, newerThan previous: JSONValue?) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            // Notices (a booking, a payment) may reach the same phone: take the newest message with a
            // code among those not read yet.
            let unread = try await smsInbox(phone: phone).prefix { $0.at("bizId") != previous }
            if let newest = unread.first(where: { $0.at("params.code")?.stringValue != nil }),
               let code = newest.at("params.code")?.stringValue {
                lastReadSMS[phone] = newest.at("bizId")
                transcript.note("SMS code read from the sandbox inbox")
                return code
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw SimFailure("no new SMS code reached the sandbox for that phone within 10 s")
    }

    /// Newest first. Polled quietly: the transcript shows only the code being read.
    private func smsInbox(phone: String) async throws -> [JSONValue] {
        let inbox = try await send("GET", "/sandbox/sms/messages?phone=\(phone.urlQueryEncoded)", body: nil, to: .sandbox,
                                   headers: [], reported: false)
        guard inbox.isSuccess else { throw SimFailure("the sandbox SMS inbox answered \(inbox.errorLine)") }
        guard case .array(let messages)? = inbox.json?.at("messages") else { return [] }
        return messages
    }

    func realName(name: String, idNumber: String, phone: String, smsCode: String) async throws -> SimResponse {
        try await api("POST", "/api/v1/me/real-name", .object([
            "name": .string(name), "idNumber": .string(idNumber), "phone": .string(phone), "smsCode": .string(smsCode),
        ]))
    }
}

extension SimResponse {
    /// A string the flow cannot continue without; its absence is a failed step, not an API error.
    func require(_ path: String, what: String) throws -> String {
        guard isSuccess, let value = json?.at(path) else {
            throw SimFailure("expected \(what), got \(errorLine)")
        }
        return value.text
    }
}

extension String {
    /// Percent-encodes everything but RFC 3986's unreserved characters, for a path segment or
    /// query value.
    var urlQueryEncoded: String {
        addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? self
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

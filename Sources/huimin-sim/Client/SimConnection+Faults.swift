/// Sandbox fault injection: make a fake vendor time out or answer with an error.
extension SimConnection {
    static let faultServices = ["wechat", "alipay", "sms", "his", "wechat_messages", "alipay_messages"]
    static let faultKinds = ["timeout", "error"]

    func injectFault(service: String, kind: String, errorCode: String?, times: Int?) async throws -> SimResponse {
        try await sandbox("POST", "/sandbox/faults", .fields([
            "service": .string(service), "kind": .string(kind),
            "errorCode": errorCode.map(JSONValue.string), "times": times.map { .number(Double($0)) },
        ]))
    }

    func clearFaults() async throws -> SimResponse {
        try await sandbox("DELETE", "/sandbox/faults")
    }
}

import Foundation

/// One HTTP exchange as the simulator saw it: what it asked, what came back, how long it took.
struct SimResponse: Sendable {
    let method: String
    let path: String
    let status: Int
    let headers: [String: String]
    let body: [UInt8]
    let milliseconds: Int

    var json: JSONValue? { JSONValue.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }
    var isSuccess: Bool { (200..<300).contains(status) }

    /// The platform's `{"error": {"code", "message"}}`, when the body is one.
    var errorCode: String? { json?.at("error.code")?.stringValue }
    var errorMessage: String? { json?.at("error.message")?.stringValue }

    /// How the simulator shows a failure: "code: message (HTTP status)".
    var errorLine: String {
        guard let errorCode else { return "HTTP \(status)" }
        return "\(errorCode): \(errorMessage ?? "") (HTTP \(status))"
    }

    /// A one-line look at the body for transcripts. Session tokens are blanked: a transcript
    /// ends up in CI logs, and a live token there is a credential.
    func excerpt(limit: Int = 160) -> String {
        let type = headers["content-type"] ?? ""
        guard !body.isEmpty else { return "" }
        guard type.contains("json") || type.hasPrefix("text/") else { return "(\(body.count) bytes \(type))" }
        var text = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        text = text.replacingOccurrences(of: #""token"\s*:\s*"[^"]*""#, with: #""token":"…""#, options: .regularExpression)
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}

/// A step that could not be carried out (sandbox refused, a value missing from a response, bad
/// input); distinct from an API error, which is a response the tester may expect.
struct SimFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

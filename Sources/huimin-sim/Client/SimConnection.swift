import Foundation
import HuiminCore
import Transport

/// Where the simulator sends requests and who it is: the resident's session token and, when
/// given, a hospital terminal's API key. Every call is reported to the transcript as it happens.
final class SimConnection {
    enum Target { case server, sandbox }

    let serverURL: String
    let sandboxURL: String
    let signer: RequestSigner?
    let transcript: Transcript
    /// The resident session from the last successful login.
    var token: String?
    /// A staff session (`staff-login`), kept apart so a script can act as both in turn.
    var staffToken: String?
    /// Per phone, the sandbox SMS message this session read last, so the next read waits for a
    /// newer one instead of returning a stale code.
    var lastReadSMS: [String: JSONValue?] = [:]
    /// An ECG cart's key (`ecg-cart`): carts sign their uploads with their own key, not the hospital's.
    var cartSigner: RequestSigner?
    private let transport = HTTPTransport(timeout: 30)

    init(options: ConnectionOptions, transcript: Transcript) {
        serverURL = Self.trimmed(options.server)
        sandboxURL = Self.trimmed(options.sandbox)
        if let key = options.terminalKey, let secret = options.terminalSecret {
            signer = RequestSigner(apiKey: key, apiSecret: secret)
        } else {
            signer = nil
        }
        self.transcript = transcript
    }

    /// A resident-API call, with the bearer token when logged in.
    func api(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> SimResponse {
        try await send(method, path, body: body?.bytes, to: .server,
                       headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }

    /// An integration-API call signed with the terminal's API key. A call without a body (GET)
    /// signs the empty body.
    func integration(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> SimResponse {
        guard let signer else {
            throw SimFailure("no hospital terminal key: pass --api-key and --api-secret (or HUIMIN_SIM_API_KEY / HUIMIN_SIM_API_SECRET)")
        }
        let bytes = body?.bytes ?? []
        let pathOnly = String(path.prefix { $0 != "?" })
        let signed = signer.headers(method: method, path: pathOnly, body: bytes,
                                    timestamp: Int(Date().timeIntervalSince1970), nonce: UUID().uuidString.lowercased())
        return try await send(method, path, body: body == nil ? nil : bytes, to: .server, headers: signed)
    }

    /// An upload signed by the ECG cart registered with `ecg-cart`; the body is the file as the cart wrote it.
    func cart(_ path: String, file: [UInt8], contentType: String) async throws -> SimResponse {
        guard let cartSigner else { throw SimFailure("no ECG cart: run ecg-cart first") }
        let signed = cartSigner.headers(method: "POST", path: path, body: file, timestamp: Int(Date().timeIntervalSince1970),
                                        nonce: UUID().uuidString.lowercased())
        return try await send("POST", path, body: file, to: .server, headers: signed + [("Content-Type", contentType)])
    }

    /// A staff-API call with the staff session from `staff-login`.
    func staff(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> SimResponse {
        guard let staffToken else { throw SimFailure("no staff session: run staff-login first") }
        return try await send(method, path, body: body?.bytes, to: .server, headers: [("Authorization", "Bearer \(staffToken)")])
    }

    func sandbox(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> SimResponse {
        try await send(method, path, body: body?.bytes, to: .sandbox, headers: [])
    }

    /// Sends raw bytes; `/sandbox/…` paths go to the sandbox, everything else to the server.
    func send(_ method: String, _ path: String, body: [UInt8]?, to target: Target,
              headers extra: [(String, String)], reported: Bool = true) async throws -> SimResponse {
        var headers = [("Accept", "application/json")] + extra
        if body != nil, !extra.contains(where: { $0.0 == "Content-Type" }) { headers.append(("Content-Type", "application/json")) }
        let base = target == .server ? serverURL : sandboxURL
        let request = OutboundRequest(method: method, url: base + path, headers: headers, body: body ?? [])
        let started = Date()
        let reply: OutboundResponse
        do {
            reply = try await transport.send(request)
        } catch let error as AppError {
            throw SimFailure("\(method) \(base)\(path) failed: \(error.code): \(error.message)")
        }
        let response = SimResponse(method: method, path: path, status: reply.status, headers: reply.headers, body: reply.body,
                                   milliseconds: Int(Date().timeIntervalSince(started) * 1000))
        if reported { transcript.call(response, showBody: target == .server) }
        return response
    }

    private static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}

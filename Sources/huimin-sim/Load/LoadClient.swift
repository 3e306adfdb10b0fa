import Foundation
import HuiminCore
import Transport

/// The load test's HTTP side: many residents at once over one libcurl transport, no transcript.
/// The transport gets as many transfer threads as the test allows requests in flight, so a
/// request's measured latency is the server's answer time, not a wait for a client thread.
struct LoadClient: Sendable {
    let server: String
    let sandbox: String
    let signer: RequestSigner?
    private let transport: HTTPTransport

    init(connection: ConnectionOptions, inFlight: Int, timeout: Double = 30) {
        server = connection.server.hasSuffix("/") ? String(connection.server.dropLast()) : connection.server
        sandbox = connection.sandbox.hasSuffix("/") ? String(connection.sandbox.dropLast()) : connection.sandbox
        if let key = connection.terminalKey, let secret = connection.terminalSecret {
            signer = RequestSigner(apiKey: key, apiSecret: secret)
        } else {
            signer = nil
        }
        transport = HTTPTransport(timeout: timeout, connectTimeout: 5, maxIdleHandles: inFlight, maxConcurrentTransfers: inFlight)
    }

    /// One answer: status (0 when the request never got one), parsed body, and time taken.
    struct Reply: Sendable {
        let status: Int
        let json: JSONValue?
        let seconds: Double
        /// The transport's failure (timeout, refused connection) when there was no answer.
        let failure: String?

        var isSuccess: Bool { (200..<300).contains(status) }
        /// The API error code, `http_<status>` for an error without one, or the transport failure.
        var code: String {
            if let failure { return failure }
            return json?.at("error.code")?.stringValue ?? "http_\(status)"
        }

        func require(_ path: String, _ what: String) throws -> String {
            guard isSuccess, let value = json?.at(path)?.stringValue else {
                throw SimFailure("expected \(what), got \(code) (HTTP \(status))")
            }
            return value
        }
    }

    func api(_ method: String, _ path: String, token: String?, body: JSONValue? = nil, headers extra: [(String, String)] = []) async -> Reply {
        var headers = extra
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return await send(method, server + path, body: body?.bytes, headers: headers)
    }

    func sandbox(_ method: String, _ path: String, body: JSONValue? = nil) async -> Reply {
        await send(method, sandbox + path, body: body?.bytes, headers: [])
    }

    /// A signed integration call as the load-test hospital.
    func integration(_ method: String, _ path: String, body: JSONValue) async throws -> Reply {
        guard let signer else {
            throw SimFailure("the load test publishes its hospital's catalog: pass --api-key and --api-secret from `huimin admin hospital-add`")
        }
        let bytes = body.bytes
        let headers = signer.headers(method: method, path: path, body: bytes, timestamp: Int(Date().timeIntervalSince1970),
                                     nonce: UUID().uuidString.lowercased())
        let reply = await send(method, server + path, body: bytes, headers: headers)
        guard reply.isSuccess else { throw SimFailure("\(method) \(path) answered \(reply.code) (HTTP \(reply.status))") }
        return reply
    }

    private func send(_ method: String, _ url: String, body: [UInt8]?, headers extra: [(String, String)]) async -> Reply {
        var headers = [("Accept", "application/json")] + extra
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let started = ContinuousClock.now
        do {
            let reply = try await transport.send(OutboundRequest(method: method, url: url, headers: headers, body: body ?? []))
            return Reply(status: reply.status, json: JSONValue.parse(reply.body), seconds: Self.seconds(since: started), failure: nil)
        } catch let error as AppError {
            return Reply(status: 0, json: nil, seconds: Self.seconds(since: started), failure: error.code)
        } catch {
            return Reply(status: 0, json: nil, seconds: Self.seconds(since: started), failure: "transport_error")
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// Runs `body` for 0..<count with at most `limit` running at once, returning the results in
/// index order. Bounded so thousands of residents never mean thousands of open sockets.
func concurrently<T: Sendable>(_ count: Int, limit: Int, _ body: @escaping @Sendable (Int) async -> T) async -> [T] {
    await withTaskGroup(of: (Int, T).self) { group in
        var results = [T?](repeating: nil, count: count)
        var next = 0
        while next < min(limit, count) {
            let index = next
            group.addTask { (index, await body(index)) }
            next += 1
        }
        while let (index, value) = await group.next() {
            results[index] = value
            if next < count {
                let index = next
                group.addTask { (index, await body(index)) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}

import Foundation
import Testing
import Transport

@Suite struct JSONLogTests {
    /// With HUIMIN_LOG_FORMAT=json every line a log shipper reads is one JSON object, and request
    /// lines carry the same request ID the client got back.
    @Test func everyLineIsAJSONObjectWithTheRequestID() async throws {
        let server = try ServerProcess(extraEnvironment: ["HUIMIN_LOG_FORMAT": "json"])
        try await server.start()
        let response = try await HTTPTransport(timeout: 15).send(OutboundRequest(method: "GET", url: server.serverURL + "/healthz"))
        let requestID = try #require(response.headers["x-request-id"])
        #expect(server.stop() == 0)
        let lines = server.log().split(separator: "\n")
        #expect(lines.count > 3)
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        #expect(objects.count == lines.count, "not JSON: \(lines.filter { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) == nil })")
        #expect(objects.contains { $0["hb.request.id"] == requestID && $0["route"] == "/healthz" && $0["status"] == "200" })
        #expect(objects.allSatisfy { $0["ts"] != nil && $0["level"] != nil && $0["msg"] != nil })
    }
}

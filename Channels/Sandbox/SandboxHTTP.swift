import Foundation
import Hummingbird

/// Small helpers the fake vendors share for reading requests and writing answers.
enum SandboxHTTP {
    static let maxBodyBytes = 1 << 20

    /// One for every answer: making an encoder costs more than encoding a small answer, and the
    /// send paths answer thousands a second in a broadcast.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        // Encoding the sandbox's own plain structs cannot fail.
        raw(Array((try? encoder.encode(value)) ?? Data("{}".utf8)), status: status)
    }

    /// For answers whose exact bytes matter (Alipay signs the text of its response node).
    static func raw(_ bytes: [UInt8], status: HTTPResponse.Status = .ok,
                    contentType: String = "application/json;charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func body(_ request: Request) async throws -> [UInt8] {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBodyBytes)
        return Array(buffer.readableBytesView)
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) -> T? {
        try? JSONDecoder().decode(type, from: Data(bytes.isEmpty ? Array("{}".utf8) : bytes))
    }

    /// `application/x-www-form-urlencoded` (also a raw query string): `+` is a space, `%XY` a byte.
    static func form(_ text: String?) -> [(String, String)] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The first value of each name.
    static func dictionary(_ pairs: [(String, String)]) -> [String: String] {
        Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    /// The `limit` of a listing (default 100, so a store of 100,000 messages is not dumped
    /// whole); nil when it is not a positive number.
    static func limit(_ query: [String: String]) -> Int? {
        guard let text = query["limit"] else { return 100 }
        guard let limit = Int(text), limit > 0 else { return nil }
        return limit
    }

    static func randomString(_ count: Int, alphabet: String) -> String {
        let characters = Array(alphabet)
        var rng = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in characters[Int(rng.next(upperBound: UInt(characters.count)))] })
    }

    static let alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    static let digits = "0123456789"
}

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
            return (formDecode(parts[0]), parts.count > 1 ? formDecode(parts[1]) : "")
        }
    }

    /// One name or value of a form. Done on the bytes: the SMS gateway decodes some 15 of these a
    /// request, and Foundation's replacing and percent-decoding cost more than the rest of a send.
    /// A malformed escape or bytes that are not UTF-8 leave the text as it came.
    static func formDecode(_ text: Substring) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            index = utf8.index(after: index)
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard index != utf8.endIndex, utf8.index(after: index) != utf8.endIndex,
                      let high = hexValue(utf8[index]), let low = hexValue(utf8[utf8.index(after: index)]) else {
                    return String(text)
                }
                bytes.append(high << 4 | low)
                index = utf8.index(index, offsetBy: 2)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? String(text)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
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

    /// `count` characters drawn from an ASCII `alphabet` (made on bytes: every accepted message
    /// gets an ID this way).
    /// A listing route's answer: `body` gets the query and its `limit`; a bad limit is a 400.
    static func listing(_ request: Request, _ body: (_ query: [String: String], _ limit: Int) -> some Encodable) -> Response {
        let query = dictionary(form(request.uri.query))
        guard let limit = limit(query) else {
            return json(FakeWeChatMessages.Problem(error: "limit must be a positive number"), status: .badRequest)
        }
        return json(body(query, limit))
    }

    static func randomString(_ count: Int, alphabet: String) -> String {
        let characters = Array(alphabet.utf8)
        var rng = SystemRandomNumberGenerator()
        return String(decoding: (0..<count).map { _ in characters[Int(rng.next(upperBound: UInt(characters.count)))] },
                      as: UTF8.self)
    }

    static let alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    static let digits = "0123456789"
}

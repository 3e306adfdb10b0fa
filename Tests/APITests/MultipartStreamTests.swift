@testable import API
import Testing

@Suite("multipart/related split as it streams in")
struct MultipartStreamTests {
    static func split(_ body: [UInt8], boundary: String, chunk: Int) throws -> (parts: [(type: String?, bytes: [UInt8])], complete: Bool) {
        var stream = MultipartStream(boundary: boundary)
        var parts: [(type: String?, bytes: [UInt8])] = []
        var start = 0
        while start < body.count {
            let end = min(body.count, start + chunk)
            for event in try stream.feed(body[start..<end]) {
                switch event {
                case .partStart(let type, _): parts.append((type, []))
                case .partBytes(let bytes): parts[parts.count - 1].bytes += bytes
                case .partEnd: break
                }
            }
            start = end
        }
        return (parts, stream.isComplete)
    }

    @Test("parts come out whole however the body is cut, with bytes that look like a delimiter inside them")
    func chunking() throws {
        // Senders pick a boundary the content never holds (RFC 2046 §5.1.1); prefixes of it may occur.
        let tricky = Array("\r\n--boun\r\n-\r\n--bou".utf8) + (0..<3000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let second = Array(repeating: UInt8(13), count: 10) + Array("end".utf8)
        let body = Array("preamble to ignore\r\n--bound\r\nContent-Type: application/dicom\r\n\r\n".utf8) + tricky
            + Array("\r\n--bound  \r\nContent-Type: application/dicom; transfer-syntax=1.2.840.10008.1.2.1\r\n\r\n".utf8) + second
            + Array("\r\n--bound--\r\nepilogue".utf8)
        for chunk in [1, 2, 3, 7, 64, 1000, body.count] {
            let result = try Self.split(body, boundary: "bound", chunk: chunk)
            #expect(result.complete, "chunk \(chunk)")
            #expect(result.parts.count == 2, "chunk \(chunk)")
            #expect(result.parts.first?.bytes == tricky && result.parts.last?.bytes == second, "chunk \(chunk)")
            #expect(result.parts.first?.type == "application/dicom")
        }
    }

    @Test("a body that never closes is incomplete; a body without the boundary has no parts; headers that never end are refused")
    func malformed() throws {
        let open = try Self.split(Array("--b\r\nContent-Type: application/dicom\r\n\r\nabc".utf8), boundary: "b", chunk: 5)
        #expect(!open.complete)
        let other = try Self.split(Array("--x\r\n\r\nabc\r\n--x--".utf8), boundary: "b", chunk: 4)
        #expect(other.parts.isEmpty && !other.complete)
        var stream = MultipartStream(boundary: "b")
        #expect(throws: Error.self) { _ = try stream.feed(Array("--b\r\n".utf8) + Array(repeating: UInt8(65), count: 20_000)) }
    }
}

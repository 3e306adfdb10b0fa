import Foundation
import HuiminCore

/// multipart/related bodies (RFC 2387) as STOW-RS sends them and WADO-RS answers them.
enum MultipartRelated {
    struct Part {
        var contentType: String?
        var body: ArraySlice<UInt8>
    }

    /// The boundary parameter of a multipart Content-Type, quoted or not.
    static func boundary(contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: Foundation.CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// Splits a body into its parts. Everything before the first delimiter and after the closing
    /// one is preamble and epilogue, ignored as RFC 2046 says.
    static func parts(_ body: [UInt8], boundary: String) throws -> [Part] {
        let delimiter = Array(("--" + boundary).utf8)
        var positions: [Int] = []
        var searchFrom = 0
        while let found = find(delimiter, in: body, from: searchFrom) {
            // A delimiter starts a line: at the very start or after CRLF.
            if found == 0 || (found >= 2 && body[found - 2] == 13 && body[found - 1] == 10) { positions.append(found) }
            searchFrom = found + delimiter.count
        }
        guard positions.count >= 2 else {
            throw AppError.invalid("multipart_malformed", "The body is not multipart/related with the boundary its Content-Type names.")
        }
        var parts: [Part] = []
        for (start, next) in zip(positions, positions.dropFirst()) {
            var cursor = start + delimiter.count
            // The closing delimiter is followed by "--".
            if cursor + 1 < body.count, body[cursor] == 45, body[cursor + 1] == 45 { break }
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: cursor), headerEnd < next else {
                throw AppError.invalid("multipart_malformed", "A part has no blank line after its headers.")
            }
            var contentType: String?
            for line in String(decoding: body[cursor..<headerEnd], as: UTF8.self).split(separator: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-type" {
                    contentType = pair[1].trimmingCharacters(in: .whitespaces)
                }
            }
            cursor = headerEnd + 4
            let end = next - 2  // the CRLF before the next delimiter belongs to it
            guard end >= cursor else {
                throw AppError.invalid("multipart_malformed", "A part ends before its body starts.")
            }
            parts.append(Part(contentType: contentType, body: body[cursor..<end]))
        }
        return parts
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    /// A fresh boundary for an answer; random so it cannot occur in the parts.
    static func makeBoundary() -> String {
        "huimin-" + Hex.encode(randomBytes(16))
    }

    static func header(boundary: String, contentType: String) -> [UInt8] {
        Array("--\(boundary)\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
    }

    static func closing(boundary: String) -> [UInt8] {
        Array("--\(boundary)--\r\n".utf8)
    }
}

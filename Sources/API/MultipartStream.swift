import Foundation
import HuiminCore

/// Splits a multipart/related or multipart/form-data body (RFC 2046, 2387, 7578) as it arrives, so each part can stream into
/// the object store: a STOW-RS request carrying a 2 GB file is never held in memory.
struct MultipartStream {
    enum Event {
        /// `name` is the form field's, from Content-Disposition (multipart/form-data).
        case partStart(contentType: String?, name: String?)
        case partBytes(ArraySlice<UInt8>)
        case partEnd
    }

    private enum State { case preamble, afterDelimiter, headers, body, epilogue }

    /// `CRLF--boundary`: what ends a part's body.
    private let delimiter: [UInt8]
    private var state = State.preamble
    private var pending: [UInt8] = []

    /// Part headers are short; a "header" this long means the body is not what it claims.
    static let headerLimit = 16 * 1024

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    var isComplete: Bool { state == .epilogue }

    mutating func feed(_ chunk: some Collection<UInt8>) throws -> [Event] {
        pending.append(contentsOf: chunk)
        var events: [Event] = []
        var cursor = 0
        loop: while true {
            switch state {
            case .preamble:
                // The first delimiter may open the body without the CRLF before it.
                let opening = Array(delimiter.dropFirst(2))
                if pending.count - cursor >= opening.count, pending[cursor..<cursor + opening.count].elementsEqual(opening) {
                    cursor += opening.count
                    state = .afterDelimiter
                } else if let found = Self.find(delimiter, in: pending, from: cursor) {
                    cursor = found + delimiter.count
                    state = .afterDelimiter
                } else {
                    cursor = max(cursor, pending.count - delimiter.count)
                    break loop
                }
            case .afterDelimiter:
                guard pending.count - cursor >= 2 else { break loop }
                if pending[cursor] == 45, pending[cursor + 1] == 45 {
                    state = .epilogue
                    cursor = pending.count
                    break loop
                }
                // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
                guard let lineEnd = Self.find([13, 10], in: pending, from: cursor) else {
                    guard pending.count - cursor < 1024 else { throw Self.malformed("A delimiter line runs on.") }
                    break loop
                }
                cursor = lineEnd + 2
                state = .headers
            case .headers:
                guard let end = Self.find([13, 10, 13, 10], in: pending, from: cursor - 2 >= 0 ? cursor - 2 : cursor) else {
                    guard pending.count - cursor < Self.headerLimit else { throw Self.malformed("A part's headers never end.") }
                    break loop
                }
                let headerBytes = end >= cursor ? pending[cursor..<end] : []
                events.append(.partStart(contentType: Self.header("content-type", headerBytes), name: Self.fieldName(headerBytes)))
                cursor = end + 4
                state = .body
            case .body:
                if let found = Self.find(delimiter, in: pending, from: cursor) {
                    if found > cursor { events.append(.partBytes(pending[cursor..<found])) }
                    events.append(.partEnd)
                    cursor = found + delimiter.count
                    state = .afterDelimiter
                } else {
                    // Keep what could be the start of a delimiter split across chunks.
                    let safe = pending.count - (delimiter.count - 1)
                    if safe > cursor {
                        events.append(.partBytes(pending[cursor..<safe]))
                        cursor = safe
                    }
                    break loop
                }
            case .epilogue:
                cursor = pending.count
                break loop
            }
        }
        // Events hold slices of `pending`; copy them out before it is trimmed.
        let out = events.map { event -> Event in
            if case .partBytes(let slice) = event { return .partBytes(ArraySlice(Array(slice))) }
            return event
        }
        pending.removeFirst(min(cursor, pending.count))
        return out
    }

    private static func header(_ name: String, _ headers: ArraySlice<UInt8>) -> String? {
        for line in String(decoding: headers, as: UTF8.self).split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name {
                return pair[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// `form-data; name="file"; filename="his.csv"` → `file`.
    private static func fieldName(_ headers: ArraySlice<UInt8>) -> String? {
        guard let disposition = header("content-disposition", headers) else { return nil }
        for parameter in disposition.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "name" {
                return pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count, start >= 0 else { return nil }
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

    static func malformed(_ message: String) -> AppError { AppError.invalid("multipart_malformed", message) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HuiminCore

/// The two encodings bill files come in: UTF-8 (WeChat, our HIS format) and GBK/GB18030 (Alipay,
/// anything saved by Excel on a Chinese Windows). GB18030 is a superset of GBK, so it is what we
/// decode with. Parsers work on the bytes in their own encoding: every delimiter (`,` `\t` `"` `#`
/// CR LF) is ASCII and never appears inside a GBK or GB18030 multi-byte character, so only the
/// header and a few Chinese cell values are ever converted.
public enum TextEncoding: String, Sendable, Codable {
    case utf8 = "UTF-8"
    case gb18030 = "GB18030"

    /// UTF-8 when the bytes start with a UTF-8 BOM or are valid UTF-8; otherwise GB18030 when they
    /// are valid GB18030; otherwise `bill_encoding_invalid`.
    public static func detect(_ bytes: UnsafeBufferPointer<UInt8>) throws -> TextEncoding {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            guard isValidUTF8(bytes) else {
                throw BillError.encodingInvalid("The file starts with a UTF-8 byte-order mark but is not valid UTF-8.")
            }
            return .utf8
        }
        if isValidUTF8(bytes) { return .utf8 }
        if isValidGB18030(bytes) { return .gb18030 }
        throw BillError.encodingInvalid("The file is neither UTF-8 nor GBK/GB18030 text.")
    }

    /// Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF).
    public static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            // Fast path: eight ASCII bytes at a time.
            while i + 8 <= n {
                let word = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            guard i < n else { break }
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let need: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return false
            }
            guard i + need < n else { return false }
            let second = b[i + 1]
            guard second >= lo, second <= hi else { return false }
            var k = 2
            while k <= need {
                guard b[i + k] & 0xC0 == 0x80 else { return false }
                k += 1
            }
            i += need + 1
        }
        return true
    }

    /// Whether the bytes convert cleanly from GB18030 (streamed through iconv, output discarded).
    public static func isValidGB18030(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let cd = Converter(from: "GB18030", to: "UTF-8") else { return false }
        defer { cd.close() }
        var out = [UInt8](repeating: 0, count: 1 << 16)
        return out.withUnsafeMutableBufferPointer { outBuf in
            cd.convert(bytes, chunk: outBuf) { _ in }
        }
    }

    /// The text of `bytes` in this encoding (bad sequences become U+FFFD for UTF-8; for GB18030
    /// nil when the bytes do not convert).
    public func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        switch self {
        case .utf8:
            var b = bytes
            if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { b = UnsafeBufferPointer(rebasing: b[3...]) }
            return String(decoding: b, as: UTF8.self)
        case .gb18030:
            guard let cd = Converter(from: "GB18030", to: "UTF-8") else { return nil }
            defer { cd.close() }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count * 3 / 2)
            var out = [UInt8](repeating: 0, count: 1 << 14)
            let ok = out.withUnsafeMutableBufferPointer { outBuf in
                cd.convert(bytes, chunk: outBuf) { result.append(contentsOf: $0) }
            }
            return ok ? String(decoding: result, as: UTF8.self) : nil
        }
    }

    public func decode(_ bytes: [UInt8]) -> String? { bytes.withUnsafeBufferPointer { decode($0) } }

    /// `text` in this encoding.
    public func encode(_ text: String) -> [UInt8] {
        switch self {
        case .utf8: return Array(text.utf8)
        case .gb18030:
            guard let cd = Converter(from: "UTF-8", to: "GB18030") else { return [] }
            defer { cd.close() }
            let input = Array(text.utf8)
            var result: [UInt8] = []
            var out = [UInt8](repeating: 0, count: 1 << 14)
            _ = input.withUnsafeBufferPointer { inBuf in
                out.withUnsafeMutableBufferPointer { outBuf in
                    cd.convert(inBuf, chunk: outBuf) { result.append(contentsOf: $0) }
                }
            }
            return result
        }
    }
}

/// A thin wrapper over a Glibc iconv descriptor.
struct Converter {
    let cd: iconv_t

    init?(from: String, to: String) {
        let cd = iconv_open(to, from)
        guard let cd, cd != iconv_t(bitPattern: -1) else { return nil }
        self.cd = cd
    }

    func close() { iconv_close(cd) }

    /// Converts all of `input`, handing each filled piece of `chunk` to `sink`. False on an
    /// invalid or incomplete sequence.
    func convert(_ input: UnsafeBufferPointer<UInt8>, chunk: UnsafeMutableBufferPointer<UInt8>,
                 sink: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        guard let base = input.baseAddress, input.count > 0 else { return true }
        var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base)
            .assumingMemoryBound(to: CChar.self)
        var inLeft = input.count
        while inLeft > 0 {
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(chunk.baseAddress!)
                .assumingMemoryBound(to: CChar.self)
            var outLeft = chunk.count
            let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            let produced = chunk.count - outLeft
            if produced > 0 { sink(UnsafeBufferPointer(rebasing: chunk[0..<produced])) }
            if r == -1 {
                if errno == E2BIG { continue }
                return false
            }
        }
        // Flush any shift state.
        var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(chunk.baseAddress!)
            .assumingMemoryBound(to: CChar.self)
        var outLeft = chunk.count
        _ = iconv(cd, nil, nil, &outPtr, &outLeft)
        if chunk.count - outLeft > 0 { sink(UnsafeBufferPointer(rebasing: chunk[0..<(chunk.count - outLeft)])) }
        return true
    }
}

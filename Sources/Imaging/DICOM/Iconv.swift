#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts legacy encodings (GB18030, GBK, EUC-KR, ISO 8859-x) to Unicode through the C
/// library's iconv, which Linux ships with every converter DICOM needs.
enum Iconv {
    /// Decodes `bytes`; a byte sequence the encoding rejects becomes U+FFFD and decoding goes on
    /// after it, so a mislabelled value still shows what it can.
    static func decode(_ bytes: ArraySlice<UInt8>, from encoding: String) -> String {
        guard !bytes.isEmpty else { return "" }
        guard let converter = iconv_open("UTF-8", encoding), converter != UnsafeMutableRawPointer(bitPattern: -1) else {
            return TextDecoder.latin1(bytes)
        }
        defer { iconv_close(converter) }
        var input = Array(bytes)
        // Four UTF-8 bytes per input byte covers every encoding here (one byte never makes more
        // than one character).
        var output = [UInt8](repeating: 0, count: input.count * 4 + 4)
        var written = 0
        input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                guard let sourceBase = source.baseAddress, let targetBase = target.baseAddress else { return }
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(sourceBase).assumingMemoryBound(to: CChar.self)
                var inLeft = source.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(targetBase).assumingMemoryBound(to: CChar.self)
                var outLeft = target.count
                while inLeft > 0 {
                    if iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1 { break }
                    // Rejected or incomplete input: write U+FFFD and step over one byte.
                    guard outLeft >= 3 else { break }
                    for byte: UInt8 in [0xEF, 0xBF, 0xBD] {
                        outPointer?.pointee = CChar(bitPattern: byte)
                        outPointer = outPointer?.successor()
                    }
                    outLeft -= 3
                    inPointer = inPointer?.successor()
                    inLeft -= 1
                }
                written = target.count - outLeft
            }
        }
        return String(decoding: output[0..<written], as: UTF8.self)
    }
}

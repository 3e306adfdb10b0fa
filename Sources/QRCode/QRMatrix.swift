import CQRencode
import Foundation

/// A QR code as a square grid of modules, encoded by libqrencode at error-correction level M
/// (15 % recovery: enough for a scratched phone screen or a creased print, without growing the
/// code past what cheap hospital scanners read).
public struct QRMatrix: Sendable, Equatable {
    /// Modules per side, without any quiet zone.
    public let size: Int
    /// Row-major, `true` for a dark module.
    private let modules: [Bool]

    /// Encodes `text`. libqrencode picks the densest mode per segment, so the card payloads
    /// (upper-case base32 after an `HM1:` prefix) land in alphanumeric mode; other text still
    /// encodes, byte by byte, because the input is treated as case-sensitive 8-bit data.
    public init(text: String) throws(QREncodingError) {
        guard !text.isEmpty else { throw QREncodingError(reason: "there is nothing to encode") }
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            // ERANGE is libqrencode's "does not fit in version 40"; anything else is a library failure.
            throw QREncodingError(reason: errno == ERANGE ? "the text is too long for a QR code" : "the QR encoder failed")
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        // Bit 0 of each byte is the module colour; the other bits describe its role (finder, timing…).
        let data = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        size = width
        modules = data.map { $0 & 1 == 1 }
    }

    /// Whether the module at column `x`, row `y` is dark. Coordinates outside the code (the quiet
    /// zone) are light, which lets renderers walk the padded grid without special cases.
    public func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }
}

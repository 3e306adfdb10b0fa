import Foundation
import HuiminCore

/// The e-health card QR payload: `HM1:` + base32 of a compact binary record and its signature.
/// base32 keeps to the QR alphanumeric set, so the code fits a low QR version that cheap scanners read.
///
/// Layout (big-endian): version 1 | type (1 dynamic, 2 static) | issuer (len + UTF-8) | key ID
/// (len + UTF-8) | card ID (32 bytes) | issued-at (u32 s) | expires-at (u32 s, 0 for static) |
/// nonce (8 bytes; for a static code the serial's bytes, len-prefixed) | signature (len + bytes).
/// The signature covers every byte before it.
public struct CardCode: Sendable, Equatable {
    public enum Kind: UInt8, Sendable { case dynamic = 1, staticCode = 2 }

    public var kind: Kind
    public var issuer: String
    public var keyID: String
    public var cardID: [UInt8]
    public var issuedAt: UInt32
    public var expiresAt: UInt32
    /// Random nonce (dynamic) or the static code's serial (static).
    public var reference: [UInt8]

    public static let prefix = "HM1:"

    public init(kind: Kind, issuer: String, keyID: String, cardID: [UInt8], issuedAt: UInt32, expiresAt: UInt32, reference: [UInt8]) {
        self.kind = kind
        self.issuer = issuer
        self.keyID = keyID
        self.cardID = cardID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.reference = reference
    }

    /// The bytes the signature covers.
    public var signedBytes: [UInt8] {
        var out: [UInt8] = [1, kind.rawValue]
        Self.appendField(&out, Array(issuer.utf8))
        Self.appendField(&out, Array(keyID.utf8))
        out += cardID
        Self.appendU32(&out, issuedAt)
        Self.appendU32(&out, expiresAt)
        Self.appendField(&out, reference)
        return out
    }

    public func encoded(signature: [UInt8]) -> String {
        var out = signedBytes
        Self.appendField(&out, signature)
        return Self.prefix + Base32.encode(out)
    }

    /// Parses a payload; any structural problem is `qr_malformed`, never a crash.
    public static func decode(_ payload: String) throws(AppError) -> (code: CardCode, signed: [UInt8], signature: [UInt8]) {
        let malformed = AppError.invalid("qr_malformed", "This is not a Huimin e-health card code.")
        let text = payload.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix(prefix), let bytes = Base32.decode(String(text.dropFirst(prefix.count))) else { throw malformed }
        var reader = Reader(bytes: bytes)
        guard reader.byte() == 1, let kindByte = reader.byte(), let kind = Kind(rawValue: kindByte),
              let issuer = reader.field(), let keyID = reader.field(), let cardID = reader.take(32),
              let iat = reader.u32(), let exp = reader.u32(), let reference = reader.field() else { throw malformed }
        let signedEnd = reader.offset
        guard let signature = reader.field(), reader.offset == bytes.count, !signature.isEmpty else { throw malformed }
        let code = CardCode(kind: kind, issuer: String(decoding: issuer, as: UTF8.self), keyID: String(decoding: keyID, as: UTF8.self),
                            cardID: cardID, issuedAt: iat, expiresAt: exp, reference: reference)
        return (code, Array(bytes[0..<signedEnd]), signature)
    }

    private static func appendField(_ out: inout [UInt8], _ bytes: [UInt8]) {
        out.append(UInt8(min(bytes.count, 255)))
        out += bytes.prefix(255)
    }

    private static func appendU32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0
        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }
        mutating func take(_ n: Int) -> [UInt8]? {
            guard n >= 0, offset + n <= bytes.count else { return nil }
            defer { offset += n }
            return Array(bytes[offset..<offset + n])
        }
        mutating func field() -> [UInt8]? {
            guard let n = byte() else { return nil }
            return take(Int(n))
        }
        mutating func u32() -> UInt32? {
            guard let b = take(4) else { return nil }
            return UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
        }
    }
}

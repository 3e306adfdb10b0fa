import Foundation
import HuiminCore

/// Conversions between OpenSSL's SM2 forms (SPKI PEM, DER signatures) and gmssl's raw hex forms.
enum SM2Encoding {
    /// SubjectPublicKeyInfo header for an uncompressed point on the SM2 curve (OID 1.2.156.10197.1.301).
    private static let spkiPrefix = Hex.decode("3059301306072a8648ce3d020106082a811ccf5501822d03420004")!

    static func publicXY(fromPEM pem: String) -> String {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Hex.encode(Data(base64Encoded: body)!.suffix(64))
    }

    static func pem(fromPublicXY xy: String) -> String {
        let der = spkiPrefix + Hex.decode(xy)!
        return "-----BEGIN PUBLIC KEY-----\n" + Data(der).base64EncodedString(options: .lineLength64Characters)
            + "\n-----END PUBLIC KEY-----\n"
    }

    /// r||s (32 bytes each) to DER SEQUENCE { INTEGER r, INTEGER s }.
    static func der(fromRS rs: [UInt8]) -> [UInt8] {
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var value = Array(bytes.drop { $0 == 0 })
            if value.isEmpty || value[0] & 0x80 != 0 { value.insert(0, at: 0) }
            return [0x02, UInt8(value.count)] + value
        }
        let body = integer(rs[0..<32]) + integer(rs[32..<64])
        return [0x30, UInt8(body.count)] + body
    }
}

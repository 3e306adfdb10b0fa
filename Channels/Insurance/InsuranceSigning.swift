import Foundation
import HuiminCore

/// How requests to the centre and its answers are signed: SM2 with SM3 (GB/T 32918, signer ID
/// `1234567812345678` per GM/T 0009), as the national platform requires of production traffic.
///
///     X-HSA-Timestamp: unix seconds
///     X-HSA-Nonce:     random, unique per request
///     X-HSA-Signature: base64(DER SM2 signature over
///                      METHOD \n PATH \n TIMESTAMP \n NONCE \n hex(SM3(body)))
///
/// The envelope itself has `signtype` (we send `SM2`) and `cainfo`, but where the signature goes
/// and over which bytes is set by each province's gateway; signing the exact body bytes in
/// headers avoids re-serialising JSON to check it. The centre answers with the same three
/// headers over its answer's body, with the request's method and path, so an answer cannot be
/// replayed for another transaction; the client also checks `inf_refmsgid` echoes its `msgid`.
/// The receiver rejects timestamps more than 5 minutes from its clock.
public enum InsuranceSigning {
    public static let timestampHeader = "X-HSA-Timestamp"
    public static let nonceHeader = "X-HSA-Nonce"
    public static let signatureHeader = "X-HSA-Signature"
    public static let clockSkew: TimeInterval = 300

    public static func message(method: String, path: String, timestamp: String, nonce: String, body: [UInt8]) -> [UInt8] {
        Array([method.uppercased(), path, timestamp, nonce, Hex.encode(SM3.hash(body))].joined(separator: "\n").utf8)
    }

    public static func headers(key: SM2PrivateKey, method: String, path: String, body: [UInt8],
                               now: Date) throws -> [(String, String)] {
        let timestamp = String(Int(now.timeIntervalSince1970))
        let nonce = UUID().uuidString
        let signature = try key.sign(message(method: method, path: path, timestamp: timestamp, nonce: nonce, body: body))
        return [(timestampHeader, timestamp), (nonceHeader, nonce), (signatureHeader, Data(signature).base64EncodedString())]
    }

    /// `header` looks a header up by its name (any case). "Now" is the verifier's wall clock.
    public static func verify(key: SM2PublicKey, method: String, path: String, body: [UInt8], now: Date,
                              header: (String) -> String?) -> Bool {
        guard let timestamp = header(timestampHeader), let seconds = Double(timestamp),
              abs(now.timeIntervalSince1970 - seconds) <= clockSkew,
              let nonce = header(nonceHeader), !nonce.isEmpty,
              let signature = header(signatureHeader).flatMap({ Data(base64Encoded: $0) }) else { return false }
        return key.verify(signature: Array(signature),
                          message: message(method: method, path: path, timestamp: timestamp, nonce: nonce, body: body))
    }
}

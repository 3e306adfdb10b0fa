import Foundation
import HuiminCore

/// Job payloads are JSON sealed with the crypto profile: they carry phone numbers and codes, and
/// personal data is encrypted at rest. Stores outside this module that enqueue in their own
/// transaction must produce the same bytes: `crypto.seal(Array(JSONEncoder().encode(payload)))`.
enum PayloadSealing {
    static func seal<P: JobPayload>(_ payload: P, crypto: any CryptoProfile) throws -> Data {
        Data(try crypto.seal(Array(try JSONEncoder().encode(payload))))
    }

    static func open<P: JobPayload>(_ sealed: Data, as type: P.Type, crypto: any CryptoProfile) throws -> P {
        let plaintext: [UInt8]
        do {
            plaintext = try crypto.open(Array(sealed))
        } catch {
            // A rotated-away key or corrupted row will not open on the next try either.
            throw JobFailure.permanent("payload_unsealable")
        }
        return try JSONDecoder().decode(P.self, from: Data(plaintext))
    }
}

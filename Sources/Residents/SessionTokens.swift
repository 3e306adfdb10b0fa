import Foundation
import HuiminCore

/// Bearer tokens: `hm1.<session id>.<MAC>`. The MAC (SM3-HMAC or HMAC-SHA256, per profile) lets a
/// forged token be refused without a database read; the session row makes tokens expire and be revocable.
public struct SessionTokens: Sendable {
    let crypto: any CryptoProfile

    public init(crypto: any CryptoProfile) {
        self.crypto = crypto
    }

    public func token(sessionID: String, kind: String) -> String {
        "hm1.\(sessionID).\(Self.base64url(crypto.tokenMAC(Array("\(kind):\(sessionID)".utf8))))"
    }

    /// The session ID inside a well-formed, authentic token.
    public func sessionID(from token: String, kind: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "hm1" else { return nil }
        let id = String(parts[1])
        let expected = Self.base64url(crypto.tokenMAC(Array("\(kind):\(id)".utf8)))
        guard Digest.constantTimeEqual(Array(expected.utf8), Array(parts[2].utf8)) else { return nil }
        return id
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

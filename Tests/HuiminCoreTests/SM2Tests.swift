import Foundation
import HuiminCore
import Testing

@Suite struct SM2Tests {
    private let message = Array(#"{"card":"EHC1","exp":1790000060}"#.utf8)

    @Test func signatureVerifiesWithTheMatchingPublicKey() throws {
        let key = try SM2PrivateKey.generate()
        let signature = try key.sign(message, signerID: SM2.defaultSignerID)
        #expect(signature.first == 0x30, "SM2 signatures are DER sequences")
        #expect(key.publicKey.verify(signature: signature, message: message, signerID: SM2.defaultSignerID))
    }

    @Test func tamperedMessageFails() throws {
        let key = try SM2PrivateKey.generate()
        let signature = try key.sign(message)
        var altered = message
        altered[5] ^= 1
        #expect(!key.publicKey.verify(signature: signature, message: altered))
    }

    @Test func differentSignerIDFails() throws {
        let key = try SM2PrivateKey.generate()
        let signature = try key.sign(message, signerID: "1234567812345678")
        #expect(!key.publicKey.verify(signature: signature, message: message, signerID: "8765432187654321"))
    }

    @Test func otherKeysSignatureAndGarbageFail() throws {
        let key = try SM2PrivateKey.generate(), other = try SM2PrivateKey.generate()
        #expect(!key.publicKey.verify(signature: try other.sign(message), message: message))
        #expect(!key.publicKey.verify(signature: [0x30, 0x02, 0x01], message: message))
        #expect(!key.publicKey.verify(signature: [], message: message))
    }

    @Test func pemRoundTripKeepsTheKey() throws {
        let key = try SM2PrivateKey.generate()
        #expect(key.pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(key.publicKey.pem.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        let reloaded = try SM2PrivateKey(pem: key.pem)
        let published = try SM2PublicKey(pem: key.publicKey.pem)
        #expect(published.verify(signature: try reloaded.sign(message), message: message))
    }

    @Test func rsaKeyIsNotAcceptedAsSM2() throws {
        let rsa = try RSA2PrivateKey.generate()
        #expect(throws: AppError.self) { try SM2PrivateKey(pem: rsa.pem) }
        #expect(throws: AppError.self) { try SM2PublicKey(pem: rsa.publicKey.pem) }
        #expect(throws: AppError.self) { try SM2PublicKey(pem: "not a key") }
    }

    @Test(.enabled(if: ExternalTool.gmsslAvailable, ExternalTool.gmsslMissing))
    func gmsslVerifiesOurSignatures() async throws {
        // Several keys and messages, so a leading-zero or high-bit edge in X, r or s would show up.
        for _ in 0..<4 {
            let key = try SM2PrivateKey.generate()
            let text = randomTestBytes(40)
            let signature = try key.sign(text, signerID: SM2.defaultSignerID)
            let request: [String: Any] = ["op": "sm2_verify", "publicXY": SM2Encoding.publicXY(fromPEM: key.publicKey.pem),
                                          "message": Hex.encode(text), "signature": Hex.encode(signature)]
            #expect(try await ExternalTool.gmssl(request) as? Bool == true)
            var altered = request
            altered["message"] = Hex.encode(text + [0])
            #expect(try await ExternalTool.gmssl(altered) as? Bool == false)
        }
    }

    @Test(.enabled(if: ExternalTool.gmsslAvailable, ExternalTool.gmsslMissing))
    func weVerifyGmsslsSignatures() async throws {
        for _ in 0..<4 {
            // A private scalar safely below the curve order n (FFFFFFFE…).
            var scalar = randomTestBytes(32)
            scalar[0] = scalar[0] & 0x7F | 0x01
            let text = randomTestBytes(40)
            let answer = try #require(try await ExternalTool.gmssl(["op": "sm2_sign", "private": Hex.encode(scalar),
                                                              "message": Hex.encode(text)]) as? [String: String])
            let publicKey = try SM2PublicKey(pem: SM2Encoding.pem(fromPublicXY: try #require(answer["publicXY"])))
            let rs = try #require(answer["signature"].flatMap(Hex.decode))
            let signature = SM2Encoding.der(fromRS: rs)
            #expect(publicKey.verify(signature: signature, message: text, signerID: "1234567812345678"))
            #expect(!publicKey.verify(signature: signature, message: text, signerID: "ALICE123@YAHOO.COM"))
        }
    }
}

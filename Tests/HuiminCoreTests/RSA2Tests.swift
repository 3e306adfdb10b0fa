import Foundation
import HuiminCore
import Testing

@Suite struct RSA2Tests {
    private let message = Array("app_id=2021000000000000&biz_content={\"out_trade_no\":\"T1\"}&charset=utf-8".utf8)

    @Test func signatureVerifiesAndTamperingFails() throws {
        let key = try RSA2PrivateKey.generate()
        let signature = try key.sign(message)
        #expect(signature.count == 256)
        #expect(key.publicKey.verify(signature: signature, message: message))
        #expect(!key.publicKey.verify(signature: signature, message: message + [0x26]))
        let otherKey = try RSA2PrivateKey.generate().publicKey
        #expect(!otherKey.verify(signature: signature, message: message))
    }

    @Test func acceptsAlipayStyleBareBase64Keys() throws {
        let key = try RSA2PrivateKey.generate()
        let bare: (String) -> String = { pem in pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined() }
        let privateKey = try RSA2PrivateKey(pem: bare(key.pem))
        let publicKey = try RSA2PublicKey(pem: bare(key.publicKey.pem))
        #expect(publicKey.pem == key.publicKey.pem)
        #expect(publicKey.verify(signature: try privateKey.sign(message), message: message))
    }

    @Test func rejectsNonRSAAndUnreadableKeys() throws {
        #expect(throws: AppError.self) { try RSA2PrivateKey(pem: try SM2PrivateKey.generate().pem) }
        #expect(throws: AppError.self) { try RSA2PublicKey(pem: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA") }
    }

    @Test(.enabled(if: ExternalTool.opensslAvailable, ExternalTool.opensslMissing))
    func opensslCommandLineVerifiesOurSignature() async throws {
        let key = try RSA2PrivateKey.generate()
        let dir = try TemporaryDirectory()
        let publicPath = try dir.write("public.pem", Array(key.publicKey.pem.utf8))
        let messagePath = try dir.write("message.txt", message)
        let signaturePath = try dir.write("signature.bin", try key.sign(message))
        let verified = await ExternalTool.run(["openssl", "dgst", "-sha256", "-verify", publicPath,
                                             "-signature", signaturePath, messagePath])
        #expect(verified.status == 0)
        #expect(verified.stdout.contains("Verified OK"))
        let otherPath = try dir.write("other.txt", message + [0x20])
        let refused = await ExternalTool.run(["openssl", "dgst", "-sha256", "-verify", publicPath,
                                            "-signature", signaturePath, otherPath])
        #expect(refused.status != 0)
    }

    @Test(.enabled(if: ExternalTool.opensslAvailable, ExternalTool.opensslMissing))
    func weVerifyOpensslSignaturesWithPKCS1Keys() async throws {
        let dir = try TemporaryDirectory()
        let privatePath = dir.url.appendingPathComponent("private.pem").path
        let publicPath = dir.url.appendingPathComponent("public.pem").path
        #expect(await ExternalTool.run(["openssl", "genrsa", "-traditional", "-out", privatePath, "2048"]).status == 0)
        #expect(await ExternalTool.run(["openssl", "rsa", "-in", privatePath, "-RSAPublicKey_out", "-out", publicPath]).status == 0)
        let messagePath = try dir.write("message.txt", message)
        let signaturePath = dir.url.appendingPathComponent("signature.bin").path
        #expect(await ExternalTool.run(["openssl", "dgst", "-sha256", "-sign", privatePath, "-out", signaturePath,
                                      messagePath]).status == 0)
        let pkcs1Public = try String(contentsOfFile: publicPath, encoding: .utf8)
        #expect(pkcs1Public.hasPrefix("-----BEGIN RSA PUBLIC KEY-----"))
        let signature = Array(try Data(contentsOf: URL(fileURLWithPath: signaturePath)))
        #expect(try RSA2PublicKey(pem: pkcs1Public).verify(signature: signature, message: message))
        // The traditional PKCS#1 private key loads too, and signs identically (PKCS#1 v1.5 is deterministic).
        let privateKey = try RSA2PrivateKey(pem: String(contentsOfFile: privatePath, encoding: .utf8))
        #expect(try privateKey.sign(message) == signature)
    }
}

import Foundation
import HuiminCore
import Testing

@Suite struct CryptoProfileTests {
    private let message = Array("HC1:EHC-0001|1790000060|nonce".utf8)

    @Test(arguments: ["gm", "intl"])
    func signedCodeVerifiesOnlyUnchanged(profileName: String) throws {
        let dir = try TemporaryDirectory()
        let profile = try CryptoProfiles.load(name: profileName, keysDirectory: dir.url)
        #expect(profile.name == profileName)
        let signed = try profile.signCode(message)
        #expect(signed.keyID == profile.activeSigningKeyID)
        #expect(profile.publishedKeys.contains { $0.keyID == signed.keyID && $0.active })
        #expect(profile.verifyCode(message, signature: signed.signature, keyID: signed.keyID))
        #expect(!profile.verifyCode(message + [0], signature: signed.signature, keyID: signed.keyID))
        #expect(!profile.verifyCode(message, signature: signed.signature, keyID: "\(profileName)-sig-20200101-0000"))
    }

    @Test(arguments: ["gm", "intl"])
    func sealedFieldOpensAndHidesThePlaintext(profileName: String) throws {
        let dir = try TemporaryDirectory()
        let profile = try CryptoProfiles.load(name: profileName, keysDirectory: dir.url)
        let plaintext = Array("11010519491231002X".utf8)
        let sealed = try profile.seal(plaintext)
        #expect(try profile.open(sealed) == plaintext)
        #expect(sealed.firstRange(of: plaintext) == nil)
        #expect(try profile.seal(plaintext) != sealed, "a fresh IV or nonce per seal")
        #expect(try profile.open(profile.seal([])) == [])
    }

    @Test(arguments: ["gm", "intl"])
    func tamperingIsDetected(profileName: String) throws {
        let dir = try TemporaryDirectory()
        let profile = try CryptoProfiles.load(name: profileName, keysDirectory: dir.url)
        let sealed = try profile.seal(Array("13800138000".utf8))
        let headerLength = 2 + Int(sealed[1])
        for position in [0, headerLength, headerLength + 20, sealed.count - 1] {
            var altered = sealed
            altered[position] ^= 0x01
            let error = #expect(throws: AppError.self) { try profile.open(altered) }
            #expect(error?.code == "ciphertext_invalid", "byte \(position) altered")
        }
        for truncated in [Array(sealed.dropLast()), Array(sealed.prefix(headerLength + 4)), [1], []] {
            let error = #expect(throws: AppError.self) { try profile.open(truncated) }
            #expect(error?.code == "ciphertext_invalid")
        }
    }

    @Test(arguments: ["gm", "intl"])
    func unknownKeyIDIsReportedAsSuch(profileName: String) throws {
        let dir = try TemporaryDirectory()
        let profile = try CryptoProfiles.load(name: profileName, keysDirectory: dir.url)
        let sealed = try profile.seal(Array("secret".utf8))
        let foreignID = Array("\(profileName)-fld-20200101-0000".utf8)
        let forged = [sealed[0], UInt8(foreignID.count)] + foreignID + sealed[(2 + Int(sealed[1]))...]
        let error = #expect(throws: AppError.self) { try profile.open(forged) }
        #expect(error?.code == "key_unknown")
    }

    @Test(arguments: ["gm", "intl"])
    func rotationKeepsOldDataReadableAndUsesTheNewKey(profileName: String) throws {
        let dir = try TemporaryDirectory()
        let profile = try CryptoProfiles.load(name: profileName, keysDirectory: dir.url)
        let ring = try #require(Self.keyRing(of: profile))
        let before = try profile.seal(Array("before".utf8))
        let oldSignature = try profile.signCode(message)

        let newField = try ring.rotate(purpose: .field)
        let newSigning = try ring.rotate(purpose: .signing)

        let after = try profile.seal(Array("after".utf8))
        #expect(Self.keyID(of: after) == newField.keyID)
        #expect(Self.keyID(of: before) != newField.keyID)
        #expect(try profile.open(before) == Array("before".utf8))
        #expect(try profile.open(after) == Array("after".utf8))

        #expect(profile.activeSigningKeyID == newSigning.keyID)
        #expect(try profile.signCode(message).keyID == newSigning.keyID)
        #expect(profile.verifyCode(message, signature: oldSignature.signature, keyID: oldSignature.keyID))
        let published = profile.publishedKeys
        #expect(published.count == 2)
        #expect(published.filter(\.active).map(\.keyID) == [newSigning.keyID])

        // A restarted server reads the rotated ring from disk and still opens both.
        let reloaded = try CryptoProfiles.load(name: profileName, keysDirectory: dir.url)
        #expect(try reloaded.open(before) == Array("before".utf8))
        #expect(try reloaded.open(after) == Array("after".utf8))
        #expect(reloaded.verifyCode(message, signature: oldSignature.signature, keyID: oldSignature.keyID))
    }

    @Test(arguments: ["gm", "intl"])
    func blindIndexIsStableAndItsKeyRefusesRotation(profileName: String) throws {
        let dir = try TemporaryDirectory()
        let profile = try CryptoProfiles.load(name: profileName, keysDirectory: dir.url)
        let index = profile.blindIndex("13800138000")
        #expect(index.count == 64 && index.allSatisfy(\.isHexDigit))
        #expect(index != profile.blindIndex("13800138001"))
        #expect(try CryptoProfiles.load(name: profileName, keysDirectory: dir.url).blindIndex("13800138000") == index)
        #expect(try CryptoProfiles.load(name: profileName, keysDirectory: TemporaryDirectory().url).blindIndex("13800138000") != index)

        let ring = try #require(Self.keyRing(of: profile))
        let error = #expect(throws: AppError.self) { try ring.rotate(purpose: .index) }
        #expect(error?.code == "key_rotation_refused")
        #expect(profile.blindIndex("13800138000") == index)
    }

    @Test(arguments: ["gm", "intl"])
    func tokenMACChangesWithTheMessageAndTheKey(profileName: String) throws {
        let dir = try TemporaryDirectory()
        let profile = try CryptoProfiles.load(name: profileName, keysDirectory: dir.url)
        let mac = profile.tokenMAC(Array("ses_abc".utf8))
        #expect(mac.count == 32)
        #expect(profile.tokenMAC(Array("ses_abc".utf8)) == mac)
        #expect(profile.tokenMAC(Array("ses_abd".utf8)) != mac)
        let other = try CryptoProfiles.load(name: profileName, keysDirectory: try TemporaryDirectory().url)
        #expect(other.tokenMAC(Array("ses_abc".utf8)) != mac)
        // Tokens name no key, so rotating the token key in place is refused.
        let error = #expect(throws: AppError.self) { try Self.keyRing(of: profile)?.rotate(purpose: .token) }
        #expect(error?.code == "key_rotation_refused")
        #expect(profile.tokenMAC(Array("ses_abc".utf8)) == mac)
    }

    @Test func profilesUseTheirOwnAlgorithms() throws {
        let dir = try TemporaryDirectory()
        let gm = try CryptoProfiles.load(name: "gm", keysDirectory: dir.url)
        let intl = try CryptoProfiles.load(name: "intl", keysDirectory: dir.url)
        let gmKey = try #require(gm.publishedKeys.first)
        #expect(gmKey.algorithm == "SM2-SM3" && gmKey.signerID == "1234567812345678")
        let intlKey = try #require(intl.publishedKeys.first)
        #expect(intlKey.algorithm == "Ed25519" && intlKey.signerID == nil)
        // Field keys differ per profile, so one cannot open the other's data.
        let error = #expect(throws: AppError.self) { try intl.open(gm.seal(Array("x".utf8))) }
        #expect(error?.code == "key_unknown")
        // SM3-HMAC and HMAC-SHA256 of the same value differ even by construction.
        #expect(gm.blindIndex("x") != intl.blindIndex("x"))
    }

    @Test func publishedSM2KeyVerifiesCodes() throws {
        let dir = try TemporaryDirectory()
        let profile = try CryptoProfiles.load(name: "gm", keysDirectory: dir.url)
        let signed = try profile.signCode(message)
        let published = try #require(profile.publishedKeys.first { $0.keyID == signed.keyID })
        let terminalKey = try SM2PublicKey(pem: published.publicKeyPEM)
        #expect(terminalKey.verify(signature: signed.signature, message: message, signerID: try #require(published.signerID)))
    }

    @Test(.enabled(if: ExternalTool.opensslAvailable, ExternalTool.opensslMissing))
    func publishedEd25519KeyVerifiesCodesWithOpenSSL() async throws {
        let dir = try TemporaryDirectory()
        let profile = try CryptoProfiles.load(name: "intl", keysDirectory: dir.url)
        let signed = try profile.signCode(message)
        let published = try #require(profile.publishedKeys.first { $0.keyID == signed.keyID })
        let keyPath = try dir.write("ed25519.pem", Array(published.publicKeyPEM.utf8))
        let messagePath = try dir.write("message.bin", message)
        let signaturePath = try dir.write("signature.bin", signed.signature)
        let result = await ExternalTool.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", keyPath, "-rawin",
                                           "-in", messagePath, "-sigfile", signaturePath])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Signature Verified Successfully"))
    }

    @Test func unknownProfileNameIsRefused() throws {
        let dir = try TemporaryDirectory()
        let error = #expect(throws: AppError.self) { try CryptoProfiles.load(name: "rsa", keysDirectory: dir.url) }
        #expect(error?.code == "crypto_profile_unknown")
    }

    private static func keyRing(of profile: any CryptoProfile) -> KeyRing? {
        (profile as? GMCryptoProfile)?.keyRing ?? (profile as? IntlCryptoProfile)?.keyRing
    }

    private static func keyID(of sealed: [UInt8]) -> String {
        String(decoding: sealed[2..<(2 + Int(sealed[1]))], as: UTF8.self)
    }
}

import HuiminCore
import Testing

@Suite struct SM4CTRTests {
    private let standardKey = Hex.decode("0123456789abcdeffedcba9876543210")!

    @Test func firstKeystreamBlockIsTheStandardsSM4Example() throws {
        // GB/T 32907-2016 example 1: SM4(K, P) with P = K. In CTR the first keystream block is
        // SM4(K, IV), so encrypting zeros with IV = P must give the standard's ciphertext.
        let out = try SM4CTR.apply(to: [UInt8](repeating: 0, count: 16), key: standardKey, iv: standardKey)
        #expect(Hex.encode(out) == "681edf34d206965e86b3e94f536e4246")
    }

    @Test func applyingTwiceRestoresThePlaintext() throws {
        let key = randomTestBytes(16), iv = randomTestBytes(16), text = randomTestBytes(100)
        let encrypted = try SM4CTR.apply(to: text, key: key, iv: iv)
        #expect(encrypted != text)
        #expect(try SM4CTR.apply(to: encrypted, key: key, iv: iv) == text)
    }

    @Test func rejectsWrongKeyAndIVLengths() {
        #expect(throws: AppError.self) { try SM4CTR.apply(to: [1], key: randomTestBytes(32), iv: randomTestBytes(16)) }
        #expect(throws: AppError.self) { try SM4CTR.apply(to: [1], key: randomTestBytes(16), iv: randomTestBytes(12)) }
    }

    @Test(.enabled(if: ExternalTool.gmsslAvailable, ExternalTool.gmsslMissing))
    func agreesWithGmsslIncludingCounterCarry() async throws {
        let key = randomTestBytes(16), text = randomTestBytes(83)
        // The low bytes of the IV overflow within the message, so the counter carry is exercised.
        let iv = randomTestBytes(8) + [UInt8](repeating: 0xFF, count: 7) + [0xFD]
        let theirs = try await ExternalTool.gmssl(["op": "sm4_ctr", "key": Hex.encode(key), "iv": Hex.encode(iv),
                                             "data": Hex.encode(text)]) as? String
        #expect(theirs == Hex.encode(try SM4CTR.apply(to: text, key: key, iv: iv)))
    }
}

import HuiminCore
import Testing

@Suite struct SM3Tests {
    @Test func abcMatchesTheStandardsExample() {
        // GB/T 32905-2016 appendix A.1.
        #expect(Hex.encode(SM3.hash(Array("abc".utf8)))
            == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    }

    @Test func sixtyFourByteMessageMatchesTheStandardsExample() {
        // GB/T 32905-2016 appendix A.2: "abcd" repeated 16 times.
        #expect(Hex.encode(SM3.hash(Array(String(repeating: "abcd", count: 16).utf8)))
            == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")
    }

    @Test(.enabled(if: ExternalTool.gmsslAvailable, ExternalTool.gmsslMissing))
    func hashAgreesWithGmsslAcrossBlockBoundaries() async throws {
        let messages = [0, 1, 55, 56, 63, 64, 65, 1000].map { randomTestBytes($0) }
        let theirs = try #require(try await ExternalTool.gmssl(["op": "sm3", "messages": messages.map { Hex.encode($0) }]) as? [String])
        #expect(theirs == messages.map { Hex.encode(SM3.hash($0)) })
    }

    @Test(.enabled(if: ExternalTool.gmsslAvailable, ExternalTool.gmsslMissing), arguments: [16, 64, 100])
    func hmacAgreesWithGmssl(keyLength: Int) async throws {
        let key = randomTestBytes(keyLength), message = randomTestBytes(77)
        let theirs = try await ExternalTool.gmssl(["op": "hmac_sm3", "key": Hex.encode(key), "message": Hex.encode(message)]) as? String
        #expect(theirs == Hex.encode(SM3.hmac(key: key, message: message)))
    }

    @Test func hmacDependsOnTheKey() {
        let message = Array("13800138000".utf8)
        #expect(SM3.hmac(key: [1, 2, 3], message: message) != SM3.hmac(key: [1, 2, 4], message: message))
    }
}

func randomTestBytes(_ count: Int) -> [UInt8] {
    var rng = SystemRandomNumberGenerator()
    return (0..<count).map { _ in rng.next() }
}

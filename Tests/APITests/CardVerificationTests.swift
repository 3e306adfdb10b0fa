import Foundation
import TestSupport
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Residents
import Testing

@Suite struct CardVerificationTests {
    @Test func terminalVerifiesAFreshCodeAndGetsTheMaskedIdentity() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let terminal = try await Terminal.connect(h)
                let qr = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/card/qr", token: resident.token)
                #expect(qr.status == 200)
                #expect(qr["ttlSeconds"] as? Int == 60)
                let payload = try #require(qr["payload"] as? String)
                #expect(payload.hasPrefix("HM1:"))

                let verified = try await terminal.verify(client, h, payload: payload)
                #expect(verified.status == 200, "\(verified.body)")
                #expect(verified["name"] as? String == "张*")
                #expect(verified["idNumber"] as? String == "1101**********002X")
                #expect(verified["codeType"] as? String == "dynamic")
                #expect(verified["hospitalCode"] as? String == "H0001")
                let card = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/card", token: resident.token)
                #expect(verified["cardId"] as? String == card.object("card")["cardId"] as? String)

                // Usage (用卡记录) is written in batches.
                await h.services.usageLog.flush()
                #expect(try await CardStoreProbe.usageCount(h, cardID: verified["cardId"] as! String) == 1)
            }
        }
    }

    /// After a signing-key rotation, codes already on residents' screens still verify, new codes
    /// carry the new key ID, and both keys are published.
    @Test func codesSignedBeforeAKeyRotationStillVerify() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let terminal = try await Terminal.connect(h)
                let qrPath = "/api/v1/family-members/\(resident.selfMemberID)/card/qr"
                let before = try #require(try await client.call(.get, qrPath, token: resident.token)["payload"] as? String)
                let rotated = try h.services.crypto.keyRing.rotate(purpose: .signing)
                let after = try #require(try await client.call(.get, qrPath, token: resident.token)["payload"] as? String)
                #expect(try CardCode.decode(after).code.keyID == rotated.keyID)
                #expect(try CardCode.decode(before).code.keyID != rotated.keyID)
                #expect(try await terminal.verify(client, h, payload: before).status == 200)
                #expect(try await terminal.verify(client, h, payload: after).status == 200)
                let keys = try await client.call(.get, "/integration/v1/card-keys")
                #expect((keys["keys"] as? [any Sendable])?.count == 2)
            }
        }
    }

    /// Shutdown cancels the usage writer; what it buffered must still reach the database.
    @Test func usageBufferedAtShutdownIsWritten() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let terminal = try await Terminal.connect(h)
                let writer = Task { await h.services.usageLog.run() }
                let payload = try #require(try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/card/qr",
                                                                 token: resident.token)["payload"] as? String)
                let verified = try await terminal.verify(client, h, payload: payload)
                writer.cancel()
                await writer.value
                #expect(try await CardStoreProbe.usageCount(h, cardID: verified["cardId"] as! String) == 1)
            }
        }
    }

    @Test func expiredTamperedForeignAndMalformedCodesEachHaveTheirOwnError() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let terminal = try await Terminal.connect(h)
                let qrPath = "/api/v1/family-members/\(resident.selfMemberID)/card/qr"
                let payload = try #require(try await client.call(.get, qrPath, token: resident.token)["payload"] as? String)

                // Tampered: one character of the base32 text changed.
                var chars = Array(payload)
                let i = chars.count - 10
                chars[i] = chars[i] == "A" ? "B" : "A"
                let tampered = try await terminal.verify(client, h, payload: String(chars))
                #expect(tampered.status == 422)
                #expect(tampered.errorCode == "qr_signature_invalid")

                #expect(try await terminal.verify(client, h, payload: "HM1:NOTBASE32!").errorCode == "qr_malformed")
                #expect(try await terminal.verify(client, h, payload: "https://example.com").errorCode == "qr_malformed")

                h.clock.advance(by: 61)
                let expired = try await terminal.verify(client, h, payload: payload)
                #expect(expired.status == 422)
                #expect(expired.errorCode == "qr_expired")
            }
        }
    }

    @Test func codesOfAnotherIssuerAreForeign() async throws {
        let foreign: String = try await TestHarness.with(environment: ["HUIMIN_CARD_ISSUER": "OTHERCITY"]) { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                return try #require(try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/card/qr",
                                                          token: resident.token)["payload"] as? String)
            }
        }
        try await TestHarness.with { h in
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let result = try await terminal.verify(client, h, payload: foreign)
                #expect(result.errorCode == "qr_foreign_issuer")
            }
        }
    }

    @Test func printedStaticCodeNeedsTheHoldersSMSCodeAndCanBeRevoked() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let terminal = try await Terminal.connect(h)
                let path = "/api/v1/family-members/\(resident.selfMemberID)/card/static-code"
                let issued = try await client.call(.post, path, token: resident.token)
                #expect(issued.status == 201)
                let payload = try #require(issued["payload"] as? String)

                h.clock.advance(by: 61)
                let first = try await terminal.verify(client, h, payload: payload)
                #expect(first.status == 428)
                #expect(first.errorCode == "static_code_sms_required")
                let code = try #require(try await h.smsCode(for: Resident.phone))
                let wrong = try await terminal.verify(client, h, payload: payload, smsCode: code == "000000" ? "000001" : "000000")
                #expect(wrong.errorCode == "sms_code_invalid")
                let ok = try await terminal.verify(client, h, payload: payload, smsCode: code)
                #expect(ok.status == 200, "\(ok.body)")
                #expect(ok["codeType"] as? String == "static")
                // A used code does not open the door twice.
                #expect(try await terminal.verify(client, h, payload: payload, smsCode: code).status != 200)

                #expect(try await client.call(.delete, path, token: resident.token).status == 204)
                let revoked = try await terminal.verify(client, h, payload: payload, smsCode: code)
                #expect(revoked.errorCode == "qr_revoked")
            }
        }
    }

    @Test func integrationRequestsMustBeSignedFreshAndOnce() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let body = #"{"payload":"HM1:AAAA","terminalId":"T1"}"#
                let path = "/integration/v1/cards/verify"
                let now = Int(h.clock.now().timeIntervalSince1970)

                let unsigned = try await client.call(.post, path, json: body)
                #expect(unsigned.status == 401)
                #expect(unsigned.errorCode == "signature_missing")

                let badSecret = Terminal(apiKey: terminal.apiKey, secret: "wrong")
                #expect(try await client.call(.post, path, json: body,
                    headers: badSecret.headers(path: path, body: body, timestamp: now)).errorCode == "signature_invalid")
                let unknown = Terminal(apiKey: "hk_unknown", secret: terminal.secret)
                #expect(try await client.call(.post, path, json: body,
                    headers: unknown.headers(path: path, body: body, timestamp: now)).errorCode == "api_key_unknown")
                #expect(try await client.call(.post, path, json: body,
                    headers: terminal.headers(path: path, body: body, timestamp: now - 301)).errorCode == "request_expired")

                let revocable = try await Terminal.connect(h, code: "H0009")
                #expect(try await client.call(.post, path, json: body,
                    headers: revocable.headers(path: path, body: body, timestamp: now)).errorCode == "qr_malformed")
                try await h.services.hospitals.revokeKey(revocable.apiKey)
                #expect(try await client.call(.post, path, json: body,
                    headers: revocable.headers(path: path, body: body, timestamp: now)).errorCode == "api_key_unknown")

                let once = terminal.headers(path: path, body: body, timestamp: now, nonce: "n-1")
                #expect(try await client.call(.post, path, json: body, headers: once).errorCode == "qr_malformed")
                #expect(try await client.call(.post, path, json: body, headers: once).errorCode == "nonce_reused")
            }
        }
    }

    @Test func qrCodeRendersAsSVGPNGAndText() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let base = "/api/v1/family-members/\(resident.selfMemberID)/card/qr"
                let svg = try await client.call(.get, base + "?format=svg", token: resident.token)
                #expect(svg.headers[.contentType] == "image/svg+xml")
                #expect(String(decoding: svg.raw, as: UTF8.self).contains("<svg"))
                let png = try await client.call(.get, base + "?format=png", token: resident.token)
                #expect(png.headers[.contentType] == "image/png")
                #expect(Array(png.raw.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
                let text = try await client.call(.get, base + "?format=text", token: resident.token)
                #expect(String(decoding: text.raw, as: UTF8.self).hasPrefix("HM1:"))
                #expect(try await client.call(.get, base + "?format=gif", token: resident.token).errorCode == "format_invalid")
            }
        }
    }

    /// A terminal with only the published key and the OpenSSL command line verifies a code offline.
    @Test func publishedKeysVerifyACodeOffline() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let keys = try await client.call(.get, "/api/v1/card-keys")
                #expect(keys["issuer"] as? String == "HUIMIN")
                let list = try #require(keys["keys"] as? [any Sendable])
                let key = try #require(list.first as? [String: any Sendable])
                #expect(key["algorithm"] as? String == "SM2-SM3")
                #expect(key["signerID"] as? String == "1234567812345678")
                let pem = try #require(key["publicKeyPEM"] as? String)

                let payload = try #require(try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/card/qr",
                                                                 token: resident.token)["payload"] as? String)
                let decoded = try CardCode.decode(payload)
                #expect(decoded.code.keyID == key["keyID"] as? String)
                let dir = FileManager.default.temporaryDirectory.appendingPathComponent("offline-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: dir) }
                try pem.write(to: dir.appendingPathComponent("pub.pem"), atomically: true, encoding: .utf8)
                try Data(decoded.signed).write(to: dir.appendingPathComponent("signed.bin"))
                try Data(decoded.signature).write(to: dir.appendingPathComponent("sig.der"))
                let openssl: @Sendable (String) async -> String = { file in
                    await ChildProcess.run("/usr/bin/env", ["openssl", "dgst", "-sm3", "-verify", "pub.pem", "-sigopt",
                                                            "distid:1234567812345678", "-signature", "sig.der", file],
                                           directory: dir.path).output
                }
                #expect(await openssl("signed.bin").contains("Verified OK"))
                var altered = decoded.signed
                altered[altered.count - 1] ^= 1
                try Data(altered).write(to: dir.appendingPathComponent("altered.bin"))
                #expect(await openssl("altered.bin").contains("Verification failure"))
            }
        }
    }
}

import HuiminCore
import Testing

@Suite struct PasswordHashTests {
    @Test func storedFormIsSelfDescribingWithEnoughIterations() throws {
        let stored = PasswordHash.make("correct horse battery")
        let parts = stored.split(separator: "$")
        #expect(parts.count == 4)
        #expect(parts[0] == "pbkdf2-sha256")
        #expect(try #require(Int(parts[1])) >= 100_000)
        #expect(!stored.contains("correct horse"))
    }

    @Test func rightPasswordVerifiesWrongOneDoesNot() {
        let stored = PasswordHash.make("cashier-Pa55word")
        #expect(PasswordHash.verify("cashier-Pa55word", against: stored))
        #expect(!PasswordHash.verify("cashier-Pa55wore", against: stored))
        #expect(!PasswordHash.verify("", against: stored))
    }

    @Test func saltMakesEveryHashDifferent() {
        #expect(PasswordHash.make("same password") != PasswordHash.make("same password"))
    }

    @Test func malformedOrWeakStoredValuesNeverVerify() {
        let stored = PasswordHash.make("pw-0123456789")
        var parts = stored.split(separator: "$").map(String.init)
        parts[1] = "1000"
        #expect(!PasswordHash.verify("pw-0123456789", against: parts.joined(separator: "$")), "too few iterations")
        #expect(!PasswordHash.verify("pw-0123456789", against: "pw-0123456789"))
        #expect(!PasswordHash.verify("pw-0123456789", against: "sha1$310000$AAAA$AAAA"))
        #expect(!PasswordHash.verify("pw-0123456789", against: String(stored.dropLast(4))), "truncated hash")
        parts = stored.split(separator: "$").map(String.init)
        parts[2] = "AAAA"
        #expect(!PasswordHash.verify("pw-0123456789", against: parts.joined(separator: "$")), "salt too short")
    }

    @Test func decoyIsWellFormedAndMatchesNothingGuessable() {
        #expect(PasswordHash.decoy.hasPrefix("pbkdf2-sha256$"))
        #expect(!PasswordHash.verify("", against: PasswordHash.decoy))
        #expect(!PasswordHash.verify("password", against: PasswordHash.decoy))
    }
}

import Testing
import Workers

@Suite("Retry backoff")
struct RetryBackoffTests {
    @Test func theCeilingDoublesFromTwoSecondsUpToTenMinutes() {
        let backoff = RetryBackoff()
        #expect((1...10).map { backoff.ceiling(afterAttempt: $0) } == [2, 4, 8, 16, 32, 64, 128, 256, 512, 600])
        #expect(backoff.ceiling(afterAttempt: 500) == 600)
    }

    @Test func fullJitterPicksAnywhereUpToTheCeiling() {
        #expect(RetryBackoff(jitter: { 0.25 }).delay(afterAttempt: 3) == 2)
        #expect(RetryBackoff(jitter: { 0 }).delay(afterAttempt: 3) == 0)
        let random = RetryBackoff()
        let delays = (0..<200).map { _ in random.delay(afterAttempt: 4) }
        #expect(delays.allSatisfy { $0 >= 0 && $0 <= 16 })
        #expect(Set(delays).count > 100, "delays are spread, not fixed")
    }
}

import Foundation

/// Exponential backoff with full jitter: the n-th retry waits a uniformly random time between zero
/// and `min(cap, base * 2^(n-1))`, so workers that failed together do not retry together.
public struct RetryBackoff: Sendable {
    public var base: TimeInterval
    public var cap: TimeInterval
    /// A number in [0, 1]; tests pin it to make delays predictable.
    public var jitter: @Sendable () -> Double

    public init(base: TimeInterval = 2, cap: TimeInterval = 600,
                jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// The longest wait after `attempts` failed attempts.
    public func ceiling(afterAttempt attempts: Int) -> TimeInterval {
        let exponent = Double(max(0, attempts - 1))
        return min(cap, base * pow(2, min(exponent, 62)))
    }

    public func delay(afterAttempt attempts: Int) -> TimeInterval {
        ceiling(afterAttempt: attempts) * min(1, max(0, jitter()))
    }
}

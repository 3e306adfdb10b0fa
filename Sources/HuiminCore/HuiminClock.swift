import Foundation
import Synchronization

/// Where "now" comes from. Production reads the system clock; tests inject a `ManualClock`
/// and advance it instead of sleeping until a deadline passes.
public protocol HuiminClock: Sendable {
    func now() -> Date
}

public struct SystemClock: HuiminClock {
    public init() {}
    public func now() -> Date { Date() }
}

public final class ManualClock: HuiminClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}

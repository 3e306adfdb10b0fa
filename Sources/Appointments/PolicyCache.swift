import Foundation
import Synchronization

/// Decoded policies by their stored JSON. Every booking and every browse reads the policy layers
/// in its own snapshot (so a change applies at once, in every process); only the merge and decode,
/// which cost more than the read, are remembered.
final class PolicyCache: Sendable {
    private let entries = Mutex<[String: BookingPolicy]>([:])

    func effective(hospital: Data?, department: Data?) throws -> BookingPolicy {
        let key = (hospital.map { String(decoding: $0, as: UTF8.self) } ?? "") + "\u{1F}"
            + (department.map { String(decoding: $0, as: UTF8.self) } ?? "")
        if let hit = entries.withLock({ $0[key] }) { return hit }
        let policy = try BookingPolicy.effective(hospital: hospital, department: department)
        entries.withLock { cache in
            if cache.count > 4096 { cache.removeAll() }  // stale versions of edited policies
            cache[key] = policy
        }
        return policy
    }
}

import Synchronization

/// Parsed key material by key ID. A key ID's material never changes, so a parsed value is valid
/// for the life of the process; parsing (PEM, key derivation) then happens once per key.
final class KeyCache<Value: Sendable>: Sendable {
    private let values = Mutex<[String: Value]>([:])

    func value(_ entry: KeyEntry, parse: (String) throws -> Value) throws -> Value {
        if let cached = values.withLock({ $0[entry.keyID] }) { return cached }
        // Parse outside the lock; two threads racing both parse, and either result is the same key.
        let parsed = try parse(entry.material)
        values.withLock { $0[entry.keyID] = parsed }
        return parsed
    }
}

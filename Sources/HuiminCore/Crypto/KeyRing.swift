import Foundation
import Synchronization

/// What a key is for. Each purpose has exactly one active key at a time.
public enum KeyPurpose: String, Codable, Sendable, CaseIterable {
    case signing, field, index, token

    var abbreviation: String {
        switch self {
        case .signing: "sig"
        case .field: "fld"
        case .index: "idx"
        case .token: "tok"
        }
    }
}

public struct KeyEntry: Codable, Sendable, Equatable {
    /// `<profile>-<purpose>-<yyyyMMdd>-<4 hex>`, e.g. `gm-sig-20261124-ab12`.
    public let keyID: String
    public let purpose: KeyPurpose
    /// PEM for asymmetric keys, base64 for symmetric ones.
    public let material: String
    public let createdAt: Date
    /// Only the active key of a purpose produces new signatures, ciphertexts and MACs; the others
    /// stay to verify and open what they produced earlier.
    public var active: Bool
}

/// A profile's keys, persisted as JSON (`<dir>/<profile>-keys.json`, mode 0600) and generated on
/// first use. Rotation adds a new active key and keeps the old ones.
public final class KeyRing: Sendable {
    public let profile: String
    public let fileURL: URL
    private let file: KeyFile
    private let clock: any HuiminClock
    private let newMaterial: @Sendable (KeyPurpose) throws -> String
    private let entries: Mutex<[KeyEntry]>

    /// Loads the ring, creating any missing purpose's key with `newMaterial`.
    public init(directory: URL, profile: String, clock: any HuiminClock = SystemClock(),
                newMaterial: @escaping @Sendable (KeyPurpose) throws -> String) throws {
        self.profile = profile
        self.fileURL = directory.appendingPathComponent("\(profile)-keys.json")
        self.file = KeyFile(url: fileURL)
        self.clock = clock
        self.newMaterial = newMaterial
        self.entries = Mutex([])
        let loaded = try file.withLock {
            var stored = try loadFromDisk()
            let missing = KeyPurpose.allCases.filter { purpose in !stored.contains { $0.purpose == purpose && $0.active } }
            guard !missing.isEmpty else { return stored }
            for purpose in missing { stored.append(try makeEntry(purpose, existing: stored)) }
            try save(stored)
            return stored
        }
        entries.withLock { $0 = loaded }
    }

    public var all: [KeyEntry] { entries.withLock { $0 } }

    public func active(_ purpose: KeyPurpose) -> KeyEntry {
        // init guarantees an active key for every purpose and rotate keeps it so.
        entries.withLock { list in list.last { $0.purpose == purpose && $0.active }! }
    }

    public func entry(_ keyID: String, purpose: KeyPurpose) -> KeyEntry? {
        entries.withLock { list in list.first { $0.keyID == keyID && $0.purpose == purpose } }
    }

    /// Adds a new active key for `purpose`; earlier keys stay for verifying and opening.
    /// The blind-index key is refused: every stored index was computed with it, so lookups would
    /// silently stop matching until all rows were re-indexed.
    @discardableResult
    public func rotate(purpose: KeyPurpose) throws -> KeyEntry {
        guard purpose != .index else {
            throw AppError.conflict("key_rotation_refused",
                                    "The blind-index key cannot be rotated in place; stored indexes would stop matching.")
        }
        // Session tokens and SMS challenge MACs name no key, so a new token key would end every
        // session and void every pending code at once.
        guard purpose != .token else {
            throw AppError.conflict("key_rotation_refused",
                                    "The token key cannot be rotated in place; every session and pending SMS code would stop working.")
        }
        return try file.withLock {
            // Re-read so a rotation by another process (an admin command) is kept, not overwritten.
            var stored = try loadFromDisk()
            let fresh = try makeEntry(purpose, existing: stored)
            for i in stored.indices where stored[i].purpose == purpose { stored[i].active = false }
            stored.append(fresh)
            try save(stored)
            entries.withLock { $0 = stored }
            return fresh
        }
    }

    private struct Stored: Codable {
        let profile: String
        let keys: [KeyEntry]
    }

    private func loadFromDisk() throws -> [KeyEntry] {
        guard let data = try file.read() else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let stored = try? decoder.decode(Stored.self, from: data), stored.profile == profile else {
            throw AppError("key_ring_invalid", status: 500, "The \(profile) key ring file cannot be read.")
        }
        return stored.keys
    }

    private func save(_ keys: [KeyEntry]) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try file.replace(with: encoder.encode(Stored(profile: profile, keys: keys)))
    }

    private func makeEntry(_ purpose: KeyPurpose, existing: [KeyEntry]) throws -> KeyEntry {
        let stamp = BusinessCalendar.day(of: clock.now()).replacingOccurrences(of: "-", with: "")
        var keyID: String
        repeat {
            keyID = "\(profile)-\(purpose.abbreviation)-\(stamp)-\(Hex.encode(randomBytes(2)))"
        } while existing.contains { $0.keyID == keyID }
        // Whole seconds, as the ISO 8601 file keeps them, so a reloaded ring equals the one in memory.
        let createdAt = Date(timeIntervalSince1970: clock.now().timeIntervalSince1970.rounded(.down))
        return KeyEntry(keyID: keyID, purpose: purpose, material: try newMaterial(purpose),
                        createdAt: createdAt, active: true)
    }
}

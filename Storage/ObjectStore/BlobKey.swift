import HuiminCore

/// A blob's name: the lowercase hex SHA-256 of its bytes.
public struct BlobKey: Hashable, Sendable, Codable, CustomStringConvertible {
    public let hex: String

    /// Refuses anything but 64 lowercase hex digits, so a key can never name a path outside the store.
    public init(_ hex: String) throws {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw AppError("blob_key_invalid", status: 400, "A blob key is 64 lowercase hex digits.")
        }
        self.hex = hex
    }

    public var description: String { hex }
}

/// What the store answers after a write.
public struct StoredBlob: Sendable, Equatable {
    public let key: BlobKey
    public let size: Int64
    /// False when the same bytes were already stored: the write cost nothing but the hashing.
    public let isNew: Bool

    public init(key: BlobKey, size: Int64, isNew: Bool) {
        self.key = key
        self.size = size
        self.isNew = isNew
    }
}

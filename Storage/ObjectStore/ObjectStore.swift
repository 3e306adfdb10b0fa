import Foundation
import HuiminCore

/// Content-addressed blob storage. The filesystem backend is the one deployments use today; an
/// S3-compatible backend is the second implementation this protocol exists for.
public protocol ObjectStore: Sendable {
    /// Starts a streamed write: bytes are hashed as they arrive, so a large file is never held in memory.
    func makeWriter() throws -> any BlobWriter
    /// Stores bytes already in memory (small blobs: thumbnails, rendered images).
    func put(_ bytes: [UInt8]) throws -> StoredBlob
    func read(_ key: BlobKey) throws -> [UInt8]
    /// A byte range, for reading a file's header or one frame without the rest.
    func read(_ key: BlobKey, offset: Int64, length: Int) throws -> [UInt8]
    func size(_ key: BlobKey) throws -> Int64?
    /// When the blob was last written (or re-written with the same bytes); the sweep's grace clock.
    func modified(_ key: BlobKey) throws -> Date?
    func delete(_ key: BlobKey) throws
    /// Every stored key; the sweep and `huimin store verify` walk it.
    func keys() throws -> [BlobKey]
    /// Re-hashes the stored bytes: false when they no longer match their name (bit rot, tampering).
    func verify(_ key: BlobKey) throws -> Bool
}

/// Used by one task at a time; Sendable so that task may hand it to a blocking-work thread.
public protocol BlobWriter: AnyObject, Sendable {
    func append(_ bytes: UnsafeRawBufferPointer) throws
    /// Makes the blob durable under its hash and returns it. The writer cannot be used after.
    func finish() throws -> StoredBlob
    /// Drops what was written (the upload failed or was refused).
    func abandon()
}

extension BlobWriter {
    public func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }
}

enum ObjectStoreErrors {
    static func io(_ what: String) -> AppError {
        AppError("object_store_io", status: 500, "The object store could not \(what).")
    }

    static let missing = AppError("blob_not_found", status: 404, "No stored object has that key.")
}

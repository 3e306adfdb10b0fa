import Database
import Foundation
import HuiminCore
import ObjectStore

/// Removes blobs nothing references. A blob just written for an ingest whose reference has not
/// committed yet is unreferenced for a moment, so only files untouched for the grace period go
/// (a write of bytes already stored touches the file, see FileBlobWriter).
public struct BlobSweep: Sendable {
    let objects: any ObjectStore
    let index: ImagingStore
    let clock: any HuiminClock

    public struct Outcome: Sendable, Codable, Equatable {
        public var examined: Int
        public var removed: Int
        public var bytesFreed: Int64
    }

    public func run(grace: TimeInterval = 3600) async throws -> Outcome {
        var outcome = Outcome(examined: 0, removed: 0, bytesFreed: 0)
        let cutoff = clock.now().addingTimeInterval(-grace)
        for key in try objects.keys() {
            outcome.examined += 1
            guard try await !index.isReferenced(key.hex) else { continue }
            guard let modified = try objects.modified(key), modified < cutoff else { continue }
            let size = try objects.size(key) ?? 0
            try objects.delete(key)
            try await index.forgetBlob(key.hex)
            outcome.removed += 1
            outcome.bytesFreed += size
        }
        return outcome
    }

    /// `huimin store verify`: re-hashes every blob and names the ones whose bytes changed.
    public func verify() throws -> (checked: Int, corrupt: [String]) {
        var corrupt: [String] = []
        let keys = try objects.keys()
        for key in keys where try !objects.verify(key) {
            corrupt.append(key.hex)
        }
        return (keys.count, corrupt)
    }
}

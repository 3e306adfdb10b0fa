import Database
import Foundation
import HuiminCore
import Imaging
import ObjectStore

/// Takes DICOM files in: the bytes go to the object store as they arrive (hashed on the way),
/// then the header is parsed from the stored blob and indexed in one transaction with its render job.
public struct DicomIngest: Sendable {
    let objects: any ObjectStore
    let index: ImagingStore
    let crypto: any CryptoProfile
    let clock: any HuiminClock

    public init(objects: any ObjectStore, index: ImagingStore, crypto: any CryptoProfile, clock: any HuiminClock) {
        self.objects = objects
        self.index = index
        self.crypto = crypto
        self.clock = clock
    }

    public struct Received: Sendable, Codable, Equatable {
        public var studyUID: String
        public var seriesUID: String
        public var sopInstanceUID: String
        public var sopClassUID: String
        public var receipt: InstanceReceipt
        public var version: Int
        public var sha256: String
    }

    /// Stores and indexes one file whose bytes `write` streams into the writer it is given.
    public func receive(hospitalCode: String, actor: AuditActor,
                        write: (any BlobWriter) async throws -> Void) async throws -> Received {
        let writer = try objects.makeWriter()
        do {
            try await write(writer)
        } catch {
            writer.abandon()
            throw error
        }
        return try await finish(writer, hospitalCode: hospitalCode, actor: actor)
    }

    /// A writer for a file whose bytes arrive piece by piece (a STOW-RS part); `finish` takes it in.
    public func startFile() throws -> any BlobWriter {
        try objects.makeWriter()
    }

    /// Makes the written bytes durable, parses their header and indexes them with their render job.
    public func finish(_ writer: any BlobWriter, hospitalCode: String, actor: AuditActor) async throws -> Received {
        let today = clock.now()
        let (objects, crypto) = (self.objects, self.crypto)
        // fsync, the header read and the parse block: off the concurrency threads.
        let (blob, indexed) = try await BlockingWork.run { () throws -> (StoredBlob, IndexedInstance) in
            let blob: StoredBlob
            do {
                blob = try writer.finish()
            } catch {
                writer.abandon()
                throw error
            }
            guard blob.size > 0 else { throw ArchiveErrors.emptyUpload }
            let file: DICOMFile
            do {
                file = try HeaderReader(objects: objects).read(blob.key, size: blob.size)
            } catch let error as DICOMError {
                throw ArchiveErrors.unreadable(error)
            }
            return (blob, try InstanceIndexer(crypto: crypto).index(
                file, hospitalCode: hospitalCode, blob: StoredBlobInfo(sha256: blob.key.hex, size: blob.size), today: today))
        }
        let outcome = try await index.record(indexed, renderJob: { version in
            guard indexed.hasPixels else { return nil }
            let job = RenderJob(sopInstanceUID: indexed.sopInstanceUID, version: version)
            return QueuedJob(kind: RenderJob.kind, sealedPayload: Data(try crypto.seal(Array(try JSONEncoder().encode(job)))),
                             maxAttempts: 3, idempotencyKey: "\(RenderJob.kind):\(indexed.sopInstanceUID)#\(version)")
        }, actor: actor, now: clock.now())
        return Received(studyUID: indexed.study.studyUID, seriesUID: indexed.series.seriesUID,
                        sopInstanceUID: indexed.sopInstanceUID, sopClassUID: indexed.sopClassUID,
                        receipt: outcome.receipt, version: outcome.version, sha256: blob.key.hex)
    }

    public func receive(bytes: [UInt8], hospitalCode: String, actor: AuditActor) async throws -> Received {
        try await receive(hospitalCode: hospitalCode, actor: actor) { writer in try writer.append(bytes) }
    }
}

import Database
import Foundation
import HuiminCore
import ObjectStore

/// The imaging archive's pieces, wired once from the data directory.
public struct ImagingServices: Sendable {
    public let objects: any ObjectStore
    public let index: ImagingStore
    public let ingest: DicomIngest
    public let queries: DicomQueries
    public let retrieval: DicomRetrieval
    public let renditions: InstanceRenditions
    public let sweep: BlobSweep

    public init(objectsDirectory: URL, database: AppDatabase, crypto: any CryptoProfile, clock: any HuiminClock) throws {
        let objects = try FileObjectStore(root: objectsDirectory)
        let index = ImagingStore(database: database)
        self.objects = objects
        self.index = index
        ingest = DicomIngest(objects: objects, index: index, crypto: crypto, clock: clock)
        queries = DicomQueries(index: index, crypto: crypto)
        retrieval = DicomRetrieval(objects: objects, index: index, crypto: crypto)
        renditions = InstanceRenditions(objects: objects, index: index, clock: clock)
        sweep = BlobSweep(objects: objects, index: index, clock: clock)
    }
}

import Database
import Foundation
import HuiminCore
import Imaging
import ObjectStore

/// The ECG store's pieces, sharing the imaging archive's object store.
public struct ECGServices: Sendable {
    public let store: ECGStore
    public let devices: ECGDevices
    public let ingest: ECGIngest
    public let sheets: ECGSheets
    public let objects: any ObjectStore

    public init(objects: any ObjectStore, database: AppDatabase, crypto: any CryptoProfile, rules: CriticalRules,
                clock: any HuiminClock) {
        let store = ECGStore(database: database)
        self.store = store
        self.objects = objects
        devices = ECGDevices(store: store, crypto: crypto, clock: clock)
        let parsed = ParsedRecordings()
        ingest = ECGIngest(objects: objects, store: store, crypto: crypto, rules: rules, clock: clock, parsed: parsed)
        sheets = ECGSheets(objects: objects, store: store, clock: clock, parsed: parsed)
    }

    /// The samples of one lead, for a viewer that draws and measures on its own.
    public func lead(_ row: ECGRecordingRow, name: String) throws -> (samplingRate: Double, samples: [Int32]) {
        let recording = try ECGSheets.recording(row, objects: objects)
        guard let lead = recording.lead(LeadName.normalised(name)) else {
            throw AppError.notFound("ecg_lead_not_found", "This recording has no lead \(name.prefix(16)); it has \(row.leads).")
        }
        return (recording.samplingRate, lead.samples)
    }
}

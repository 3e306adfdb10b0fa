import Database
import Foundation
import HuiminCore
import Imaging
import ObjectStore

/// Draws a recording's 12-lead sheet at the three resolutions once, on arrival, and keeps the
/// JPEGs in the object store; viewers and residents get the cached ones.
public struct ECGSheets: Sendable {
    let objects: any ObjectStore
    let store: ECGStore
    let clock: any HuiminClock

    public init(objects: any ObjectStore, store: ECGStore, clock: any HuiminClock) {
        self.objects = objects
        self.store = store
        self.clock = clock
    }

    public func render(_ job: ECGRenderJob) async throws {
        guard let row = try await store.recording(job.recordingID) else { return }
        let objects = self.objects
        do {
            // Parsing, drawing three sheets and their fsyncs: off the concurrency threads.
            let sheets = try await BlockingWork.run { () throws -> ECGStore.Sheets in
                let recording = try Self.recording(row, objects: objects)
                let header = ECGSheetHeader(patient: Self.patientLine(row), recording: recording, heartRate: row.heartRate)
                func put(_ resolution: ECGSheet.Resolution) throws -> ImagingStore.Rendition {
                    let blob = try objects.put(try ECGSheet.jpeg(recording, header: header, resolution: resolution))
                    return ImagingStore.Rendition(sha256: blob.key.hex, size: blob.size)
                }
                return ECGStore.Sheets(thumbnail: try put(.thumbnail), screen: try put(.screen), print: try put(.print))
            }
            try await store.finishRender(id: row.id, sheets: sheets, reason: nil, now: clock.now())
        } catch let error as RenderError {
            try await store.finishRender(id: row.id, sheets: nil, reason: error.description, now: clock.now())
        }
    }

    static func recording(_ row: ECGRecordingRow, objects: any ObjectStore) throws -> ECGRecording {
        do {
            return try ECGReader.read(try objects.read(try BlobKey(row.originalSha256)))
        } catch let error as ECGError {
            // It parsed when it arrived: a changed blob is the server's problem.
            throw AppError("ecg_unreadable", status: 500, "The stored ECG no longer reads: \(error.code).")
        }
    }

    /// The sheet's font is ASCII, and a sheet travels (printed, shared): the patient appears by a
    /// masked patient ID, which may be an ID-card number, never by name.
    static func patientLine(_ row: ECGRecordingRow) -> String {
        let id = row.patientId
        guard !id.isEmpty else { return "Patient -" }
        let masked = id.count > 8 ? Masking.idNumber(id) : String(id.prefix(id.count / 2)) + String(repeating: "*", count: id.count - id.count / 2)
        return "Patient " + masked
    }
}

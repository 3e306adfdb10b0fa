import Database
import Foundation
import HuiminCore
import Imaging
import ObjectStore

/// Draws a recording's 12-lead sheet once and keeps the JPEGs in the object store; viewers and
/// residents get the cached ones. Thumbnail and screen are drawn on arrival; the print sheet
/// (300 dpi, four times the work of both) when someone first prints it.
public struct ECGSheets: Sendable {
    let objects: any ObjectStore
    let store: ECGStore
    let clock: any HuiminClock
    let parsed: ParsedRecordings

    public init(objects: any ObjectStore, store: ECGStore, clock: any HuiminClock, parsed: ParsedRecordings) {
        self.objects = objects
        self.store = store
        self.clock = clock
        self.parsed = parsed
    }

    public func render(_ job: ECGRenderJob) async throws {
        let held = parsed.take(job.recordingID)
        guard let row = try await store.recording(job.recordingID) else { return }
        let objects = self.objects
        do {
            // Parsing (unless ingest left the recording parsed), drawing two sheets and their
            // fsyncs: off the concurrency threads.
            let sheets = try await BlockingWork.run { () throws -> ECGStore.Sheets in
                let recording = try held ?? Self.recording(row, objects: objects)
                return ECGStore.Sheets(thumbnail: try Self.draw(recording, row, .thumbnail, objects),
                                       screen: try Self.draw(recording, row, .screen, objects))
            }
            try await store.finishRender(id: row.id, sheets: sheets, reason: nil, now: clock.now())
        } catch let error as RenderError {
            try await store.finishRender(id: row.id, sheets: nil, reason: error.description, now: clock.now())
        }
    }

    /// The print sheet: the kept one, or drawn now and kept.
    public func printSheet(_ row: ECGRecordingRow) async throws -> [UInt8] {
        if let sha = row.printSha256 { return try objects.read(try BlobKey(sha)) }
        let objects = self.objects
        let (sheet, bytes) = try await BlockingWork.run { () throws -> (ImagingStore.Rendition, [UInt8]) in
            let sheet = try Self.draw(try Self.recording(row, objects: objects), row, .print, objects)
            return (sheet, try objects.read(try BlobKey(sheet.sha256)))
        }
        try await store.setPrintSheet(id: row.id, sheet: sheet, now: clock.now())
        return bytes
    }

    private static func draw(_ recording: ECGRecording, _ row: ECGRecordingRow, _ resolution: ECGSheet.Resolution,
                             _ objects: any ObjectStore) throws -> ImagingStore.Rendition {
        let header = ECGSheetHeader(patient: patientLine(row), recording: recording, heartRate: row.heartRate)
        let blob = try objects.put(try ECGSheet.jpeg(recording, header: header, resolution: resolution))
        return ImagingStore.Rendition(sha256: blob.key.hex, size: blob.size)
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

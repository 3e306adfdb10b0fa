import Database
import Foundation
import HuiminCore
import Imaging
import ObjectStore

/// Takes an ECG in from a registered cart: parsed (DICOM waveform, HL7 aECG or Huimin's JSON),
/// analysed (R peaks, heart rate, pauses), judged against the critical-value rules, stored by
/// hash, and kept with its render job and, when critical, urgent alerts to the clinic and the
/// ECG centre, all in one transaction.
public struct ECGIngest: Sendable {
    let objects: any ObjectStore
    let store: ECGStore
    let crypto: any CryptoProfile
    let rules: CriticalRules
    let clock: any HuiminClock
    let parsed: ParsedRecordings

    public init(objects: any ObjectStore, store: ECGStore, crypto: any CryptoProfile, rules: CriticalRules, clock: any HuiminClock,
                parsed: ParsedRecordings) {
        self.objects = objects
        self.store = store
        self.crypto = crypto
        self.rules = rules
        self.clock = clock
        self.parsed = parsed
    }

    public struct Received: Codable, Sendable, Equatable {
        public var id: String
        public var duplicate: Bool
        public var heartRate: Double?
        public var critical: Bool
        public var findings: [CriticalFinding]
    }

    public func receive(_ bytes: [UInt8], device: ECGDeviceRow) async throws -> Received {
        guard !bytes.isEmpty else { throw AppError.invalid("ecg_empty", "The upload holds no ECG.") }
        let (objects, rules) = (self.objects, self.rules)
        // Parsing, R-peak detection and the fsync of the stored file: off the concurrency threads.
        let (recording, rhythm, findings, blob) = try await BlockingWork.run {
            () throws -> (ECGRecording, RhythmAnalysis?, [CriticalFinding], StoredBlob) in
            let recording: ECGRecording
            do {
                recording = try ECGReader.read(bytes)
            } catch let error as ECGError {
                throw AppError.invalid(error.code, error.message)
            }
            let rhythm = RPeakDetector.analyse(recording)
            return (recording, rhythm, rules.evaluate(recording, rhythm: rhythm), try objects.put(bytes))
        }
        let now = clock.now()
        let id = TypedID.ordered("ecg", at: now)
        let patientID = recording.patient.id ?? ""
        let idNumberIndex = (try? IDCardNumber(patientID, today: now)).map { crypto.blindIndex("id:" + $0.value) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var measurements = recording.measurements
        if measurements.heartRate == nil { measurements.heartRate = rhythm?.heartRate }
        let new = NewECGRecording(
            id: id, hospitalCode: device.hospitalCode, deviceCode: device.deviceCode, format: recording.source.rawValue,
            originalSHA256: blob.key.hex, originalSize: blob.size, patientID: patientID,
            patientNameSealed: try recording.patient.name.map { Data(try crypto.seal(Array($0.utf8))) },
            idNumberIndex: idNumberIndex, acquiredAt: recording.acquisitionTime, samplingRate: recording.samplingRate,
            duration: recording.duration, leads: recording.leads.map(\.name),
            measurementsJSON: String(decoding: try encoder.encode(measurements), as: UTF8.self),
            interpretationJSON: String(decoding: try encoder.encode(recording.interpretation), as: UTF8.self),
            heartRate: rhythm?.heartRate, longestRR: rhythm?.longestRR,
            findingsJSON: String(decoding: try encoder.encode(findings), as: UTF8.self), critical: !findings.isEmpty)
        let job = QueuedJob(kind: ECGRenderJob.kind,
                            sealedPayload: Data(try crypto.seal(Array(try JSONEncoder().encode(ECGRenderJob(recordingID: id))))),
                            maxAttempts: 3, idempotencyKey: "\(ECGRenderJob.kind):\(id)")
        // The alert names no one: the dispatcher looks the patient's name up when it sends.
        var payload = ["alertId": id, "category": "心电危急值", "detail": findings.map(\.text).joined(separator: "；"),
                       "raisedAt": ISO8601.string(now), "hospitalCode": device.hospitalCode]
        if recording.patient.name == nil { payload["patientName"] = "未具名患者" }
        let person = try await store.person(hospitalCode: device.hospitalCode, patientID: patientID, idNumberIndex: idNumberIndex)
        // Held before the commit: a runner may take the job the moment it is committed.
        parsed.hold(recording, id: id)
        let stored: (id: String, duplicate: Bool)
        do {
            stored = try await store.record(new, renderJob: job, alertPayload: payload, personID: person, now: now)
        } catch {
            _ = parsed.take(id)
            throw error
        }
        if stored.duplicate { _ = parsed.take(id) }
        if stored.duplicate, let first = try await store.recording(stored.id) {
            return Received(id: first.id, duplicate: true, heartRate: first.heartRate, critical: first.critical,
                            findings: (try? JSONDecoder().decode([CriticalFinding].self, from: Data(first.findings.utf8))) ?? [])
        }
        return Received(id: id, duplicate: false, heartRate: rhythm?.heartRate, critical: !findings.isEmpty, findings: findings)
    }

    /// The cart's own PDF or JPG report for a recording it sent.
    public func attach(_ bytes: [UInt8], type: String, recordingID: String, device: ECGDeviceRow) async throws {
        let isPDF = bytes.starts(with: Array("%PDF".utf8))
        let isJPEG = bytes.starts(with: [0xFF, 0xD8, 0xFF])
        guard isPDF || isJPEG else {
            throw AppError.invalid("ecg_attachment_invalid", "An attachment is the cart's report as a PDF or a JPEG.")
        }
        let blob = try objects.put(bytes)
        try await store.attach(recordingID: recordingID, deviceCode: device.deviceCode, sha256: blob.key.hex, size: blob.size,
                               type: isPDF ? "application/pdf" : "image/jpeg", now: clock.now())
    }
}

import Database
import ECGArchive
import Foundation
import HuiminCore
import Hummingbird
import Imaging
import ObjectStore
import Residents

/// ECG carts upload through `/integration/v1/ecg` with their own signed key; the ECG centre
/// reports through the same API with its hospital key; staff read the queue, the sheets and the
/// samples; residents see their own and their family members' ECGs.
struct ECGRoutes {
    let services: HuiminServices

    static let uploadLimit = 32 * 1024 * 1024

    struct ReportBody: Decodable { let doctorCode: String; let diagnosis: String }
    struct RecordingEnvelope: Encodable, Sendable { let recording: ECGView }
    struct RecordingsEnvelope: Encodable, Sendable { let recordings: [ECGView] }
    struct LeadBody: Encodable, Sendable { let lead: String; let samplingRate: Double; let unit: String; let samples: [Int32] }

    func registerIntegration(on router: RouterGroup<some RequestContext>) {
        router.post("ecg") { request, _ in
            let (device, body) = try await cart(request)
            let received = try await services.ecg.ingest.receive(body, device: device)
            return JSONResponse(received, status: received.duplicate ? .ok : .created)
        }
        router.post("ecg/:recording/attachment") { request, context in
            let (device, body) = try await cart(request)
            try await services.ecg.ingest.attach(body, type: request.headers[.contentType] ?? "", recordingID: try context.parameters.require("recording"),
                                                 device: device)
            return Response(status: .noContent)
        }
        router.post("ecg/:recording/report") { request, context in
            let (hospital, body) = try await services.hospital(request)
            if let key = request.headers[.huiminKey], try await services.ecg.store.device(apiKeyID: key) != nil {
                throw AppError.forbidden("ecg_device_cannot_report", "A cart uploads ECGs; the ECG centre's system reports them.")
            }
            let report = try JSONBody.decode(ReportBody.self, from: body)
            let diagnosis = report.diagnosis.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !diagnosis.isEmpty, diagnosis.count <= 4000 else {
                throw AppError.invalid("ecg_diagnosis_invalid", "A diagnosis is 1–4000 characters.")
            }
            let row = try await services.ecg.store.report(id: try context.parameters.require("recording"), diagnosis: diagnosis,
                                                          doctorCode: report.doctorCode, hospitalCode: hospital, now: services.clock.now())
            return JSONResponse(RecordingEnvelope(recording: try ECGView(row, crypto: services.crypto)))
        }
    }

    func registerStaff(on router: RouterGroup<some RequestContext>) {
        router.get("ecg/queue") { request, _ in
            _ = try await reader(request)
            let limit = min(max(Int(request.uri.queryParameters.get("limit") ?? "") ?? 50, 1), 500)
            return JSONResponse(RecordingsEnvelope(recordings: try await services.ecg.store.queue(limit: limit).map {
                try ECGView($0, crypto: services.crypto)
            }))
        }
        router.get("ecg/recordings/:recording") { request, context in
            let row = try await staffRecording(request, context)
            return JSONResponse(RecordingEnvelope(recording: try ECGView(row, crypto: services.crypto)))
        }
        router.get("ecg/recordings/:recording/sheet") { request, context in
            try await sheet(try await staffRecording(request, context), request)
        }
        router.get("ecg/recordings/:recording/attachment") { request, context in
            try attachment(try await staffRecording(request, context))
        }
        router.get("ecg/recordings/:recording/leads/:lead") { request, context in
            let row = try await staffRecording(request, context)
            let lead = try context.parameters.require("lead")
            let samples = try services.ecg.lead(row, name: lead)
            return JSONResponse(LeadBody(lead: LeadName.normalised(lead), samplingRate: samples.samplingRate, unit: "uV",
                                         samples: samples.samples))
        }
    }

    func registerResident(on router: RouterGroup<some RequestContext>) {
        router.get("family-members/:member/ecgs") { request, context in
            let person = try await memberPerson(request, context)
            return JSONResponse(RecordingsEnvelope(recordings: try await services.ecg.store.recordings(personID: person).map {
                try ECGView($0, crypto: services.crypto)
            }))
        }
        router.get("family-members/:member/ecgs/:recording") { request, context in
            JSONResponse(RecordingEnvelope(recording: try ECGView(try await residentRecording(request, context), crypto: services.crypto)))
        }
        router.get("family-members/:member/ecgs/:recording/sheet") { request, context in
            try await sheet(try await residentRecording(request, context), request)
        }
        router.get("family-members/:member/ecgs/:recording/attachment") { request, context in
            try attachment(try await residentRecording(request, context))
        }
    }

    // MARK: - Helpers

    /// A signed call from a registered, enabled cart; its body is the file.
    private func cart(_ request: Request) async throws -> (ECGDeviceRow, [UInt8]) {
        let (_, body) = try await services.hospital(request, bodyLimit: Self.uploadLimit)
        let device = try await services.ecg.devices.uploader(apiKeyID: request.headers[.huiminKey] ?? "")
        return (device, body)
    }

    private func reader(_ request: Request) async throws -> StaffService.Staff {
        try await DicomWebRoutes.imagingStaff(services, request)
    }

    /// Staff reading a recording is audited against it.
    private func staffRecording(_ request: Request, _ context: some RequestContext) async throws -> ECGRecordingRow {
        let staff = try await reader(request)
        let id = try context.parameters.require("recording")
        guard let row = try await services.ecg.store.recording(id) else {
            throw AppError.notFound("ecg_not_found", "No recording has that ID.")
        }
        try await services.ecg.store.audit(actor: .staff(staff.id), action: "ecg.read", recordingID: id, now: services.clock.now())
        return row
    }

    private func memberPerson(_ request: Request, _ context: some RequestContext) async throws -> String {
        let (account, _) = try await services.resident(request)
        return try await services.family.member(accountID: account.id, memberID: try context.member()).person.id
    }

    /// Only a recording of this member: anything else is "not found", so IDs reveal nothing.
    private func residentRecording(_ request: Request, _ context: some RequestContext) async throws -> ECGRecordingRow {
        let person = try await memberPerson(request, context)
        let id = try context.parameters.require("recording")
        guard let row = try await services.ecg.store.recordings(personID: person).first(where: { $0.id == id }) else {
            throw AppError.notFound("ecg_not_found", "No recording has that ID.")
        }
        return row
    }

    /// The cart's own report (PDF or JPEG), when it sent one.
    private func attachment(_ row: ECGRecordingRow) throws -> Response {
        guard let sha = row.attachmentSha256, let type = row.attachmentType else {
            throw AppError.notFound("ecg_attachment_not_found", "The cart sent no report with this ECG.")
        }
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=3600"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try services.ecg.objects.read(try BlobKey(sha)))))
    }

    private func sheet(_ row: ECGRecordingRow, _ request: Request) async throws -> Response {
        let resolution = request.uri.queryParameters.get("resolution") ?? "screen"
        guard ["thumbnail", "screen", "print"].contains(resolution) else {
            throw AppError.invalid("resolution_invalid", "resolution is thumbnail, screen or print.")
        }
        guard row.renderState == "rendered" else {
            throw AppError.conflict("ecg_sheet_not_ready", row.renderState == "failed"
                ? "This ECG's sheet could not be drawn: \(row.renderReason ?? "unknown")." : "The sheet is being drawn; try again shortly.")
        }
        let bytes: [UInt8]
        switch resolution {
        case "print": bytes = try await services.ecg.sheets.printSheet(row)
        case "thumbnail": bytes = try services.ecg.objects.read(try BlobKey(row.thumbnailSha256 ?? ""))
        default: bytes = try services.ecg.objects.read(try BlobKey(row.screenSha256 ?? ""))
        }
        return Response(status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=3600"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

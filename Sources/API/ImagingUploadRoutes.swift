import Database
import Foundation
import HuiminCore
import Hummingbird
import ImageArchive
import Reconciliation
import Residents

/// `/api/v1/staff/imaging`: uploads outside DICOMweb (one file streamed as `application/dicom`,
/// or a zip of files) and the archive's storage use.
struct ImagingUploadRoutes {
    let services: HuiminServices

    /// A single file is streamed into the store, so only a sanity cap applies.
    static let fileLimit: Int64 = 8 << 30
    /// A zip is read whole to list its entries.
    static let zipLimit = 1 << 30

    struct Failure: Encodable, Sendable {
        let entry: String
        let code: String
        let message: String
    }

    struct Summary: Encodable, Sendable {
        let received: [DicomIngest.Received]
        let failed: [Failure]
    }

    func register(on router: RouterGroup<some RequestContext>) {
        router.post("imaging/uploads") { request, _ in
            let staff = try await DicomWebRoutes.imagingStaff(services, request)
            let hospital = try await DicomWebRoutes.sendingHospital(services, request)
            let type = (request.headers[.contentType] ?? "").lowercased()
            if type.hasPrefix("application/zip") {
                let bytes = Array(buffer: try await request.body.collect(upTo: Self.zipLimit))
                return JSONResponse(try await unzip(bytes, hospital: hospital, actor: .staff(staff.id)))
            }
            guard type.hasPrefix("application/dicom") || type.hasPrefix("application/octet-stream") else {
                throw AppError("media_type_unsupported", status: 415, "Upload one file as application/dicom, or a zip as application/zip.")
            }
            let body = request.body
            let received = try await services.imaging.ingest.receive(hospitalCode: hospital, actor: .staff(staff.id)) { writer in
                var total: Int64 = 0
                for try await buffer in body {
                    total += Int64(buffer.readableBytes)
                    guard total <= Self.fileLimit else { throw ArchiveLimits.tooLarge }
                    try buffer.withUnsafeReadableBytes { try writer.append($0) }
                }
            }
            return JSONResponse(Summary(received: [received], failed: []), status: received.receipt == .duplicate ? .ok : .created)
        }
        router.get("imaging/usage") { request, _ in
            _ = try await DicomWebRoutes.imagingStaff(services, request)
            return JSONResponse(["hospitals": try await services.imaging.index.usageByHospital()])
        }
    }

    private func unzip(_ bytes: [UInt8], hospital: String, actor: AuditActor) async throws -> Summary {
        let entries: [ZipArchive.Entry]
        do {
            entries = try ZipArchive.entries(bytes)
        } catch {
            throw AppError.invalid("zip_invalid", "The upload is not a readable zip archive.")
        }
        var received: [DicomIngest.Received] = []
        var failed: [Failure] = []
        for entry in entries where !entry.name.hasSuffix("/") {
            do {
                let file = try ZipArchive.extract(entry, from: bytes)
                received.append(try await services.imaging.ingest.receive(bytes: file, hospitalCode: hospital, actor: actor))
            } catch let error as AppError where error.status < 500 {
                failed.append(Failure(entry: entry.name, code: error.code, message: error.message))
            } catch {
                failed.append(Failure(entry: entry.name, code: "zip_entry_unreadable", message: "The entry could not be extracted."))
            }
        }
        guard !received.isEmpty || !failed.isEmpty else { throw AppError.invalid("dicom_empty", "The zip holds no files.") }
        return Summary(received: received, failed: failed)
    }
}

enum ArchiveLimits {
    static let tooLarge = AppError("dicom_too_large", status: 413, "The upload is larger than the archive accepts.")
}

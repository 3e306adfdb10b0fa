import Database
import Foundation
import HuiminCore
import Hummingbird
import ImageArchive
import Imaging
import ObjectStore
import HTTPTypes
import Residents

/// DICOMweb (PS3.18) at `/dicomweb`: STOW-RS, QIDO-RS, WADO-RS and WADO-URI, for PACS that push
/// studies and for viewers (OHIF, dicomweb-client) that search and read them. Callers are staff
/// (administrators and operators) with a bearer token; every read names its study in the audit log.
struct DicomWebRoutes {
    let services: HuiminServices

    /// Parts stream into the object store as they arrive, so this only caps one request's total.
    static let stowLimit = 16 << 30

    func register(on router: RouterGroup<some RequestContext>) {
        let dicomweb = router.group("dicomweb")
        dicomweb.post("studies") { request, _ in try await stow(request, studyUID: nil) }
        dicomweb.post("studies/:study") { request, context in
            try await stow(request, studyUID: try context.parameters.require("study"))
        }

        dicomweb.get("studies") { request, _ in
            let staff = try await reader(request)
            let body = try await services.imaging.queries.studies(query(request), baseURL: baseURL(request))
            try await audit(staff, "dicomweb.search", subject: "studies", detail: request.uri.query ?? "")
            return dicomJSON(body)
        }
        dicomweb.get("series") { request, _ in
            _ = try await reader(request)
            return dicomJSON(try await services.imaging.queries.series(query(request), studyUID: nil, baseURL: baseURL(request)))
        }
        dicomweb.get("instances") { request, _ in
            _ = try await reader(request)
            return dicomJSON(try await services.imaging.queries.instances(query(request), studyUID: nil, seriesUID: nil,
                                                                           baseURL: baseURL(request)))
        }
        dicomweb.get("studies/:study/series") { request, context in
            let study = try context.parameters.require("study")
            try await audit(try await reader(request), "dicomweb.read", subject: study)
            return dicomJSON(try await services.imaging.queries.series(query(request), studyUID: study, baseURL: baseURL(request)))
        }
        dicomweb.get("studies/:study/instances") { request, context in
            let study = try context.parameters.require("study")
            try await audit(try await reader(request), "dicomweb.read", subject: study)
            return dicomJSON(try await services.imaging.queries.instances(query(request), studyUID: study, seriesUID: nil,
                                                                           baseURL: baseURL(request)))
        }
        dicomweb.get("studies/:study/series/:series/instances") { request, context in
            let study = try context.parameters.require("study")
            try await audit(try await reader(request), "dicomweb.read", subject: study)
            return dicomJSON(try await services.imaging.queries.instances(
                query(request), studyUID: study, seriesUID: try context.parameters.require("series"), baseURL: baseURL(request)))
        }

        // WADO-RS: whole files, at three levels.
        dicomweb.get("studies/:study") { request, context in
            try await files(request, context.parameters.require("study"), nil, nil)
        }
        dicomweb.get("studies/:study/series/:series") { request, context in
            try await files(request, context.parameters.require("study"), context.parameters.require("series"), nil)
        }
        dicomweb.get("studies/:study/series/:series/instances/:instance") { request, context in
            try await files(request, context.parameters.require("study"), context.parameters.require("series"),
                            context.parameters.require("instance"))
        }

        // Metadata as DICOM JSON.
        dicomweb.get("studies/:study/metadata") { request, context in
            try await metadata(request, context.parameters.require("study"), nil, nil)
        }
        dicomweb.get("studies/:study/series/:series/metadata") { request, context in
            try await metadata(request, context.parameters.require("study"), context.parameters.require("series"), nil)
        }
        dicomweb.get("studies/:study/series/:series/instances/:instance/metadata") { request, context in
            try await metadata(request, context.parameters.require("study"), context.parameters.require("series"),
                               context.parameters.require("instance"))
        }

        dicomweb.get("studies/:study/series/:series/instances/:instance/frames/:frames") { request, context in
            let row = try await instance(request, context)
            let numbers = try Self.frameNumbers(try context.parameters.require("frames"))
            let frames = try await blocking { try $0.frames(row, numbers: numbers) }
            let partType = row.transferSyntaxUid.hasPrefix("1.2.840.10008.1.2.4") || row.transferSyntaxUid == "1.2.840.10008.1.2.5"
                ? "application/octet-stream; transfer-syntax=\(row.transferSyntaxUid)" : "application/octet-stream"
            return multipart(frames.map { (partType, $0) }, type: "application/octet-stream")
        }
        dicomweb.get("studies/:study/series/:series/instances/:instance/rendered") { request, context in
            try await rendered(request, try await instance(request, context), frame: nil)
        }
        dicomweb.get("studies/:study/series/:series/instances/:instance/frames/:frames/rendered") { request, context in
            guard let frame = Int(try context.parameters.require("frames")) else {
                throw AppError.invalid("frame_invalid", "A frame number is a whole number from 1.")
            }
            return try await rendered(request, try await instance(request, context), frame: frame)
        }
        dicomweb.get("studies/:study/series/:series/instances/:instance/thumbnail") { request, context in
            let row = try await instance(request, context)
            return jpeg(try await blocking { try $0.thumbnail(row) })
        }
        dicomweb.get("studies/:study/series/:series/thumbnail") { request, context in
            let study = try context.parameters.require("study")
            try await audit(try await reader(request), "dicomweb.read", subject: study)
            let rows = try await services.imaging.retrieval.instances(studyUID: study, seriesUID: try context.parameters.require("series"))
            let middle = rows[rows.count / 2]
            return jpeg(try await blocking { try $0.thumbnail(middle) })
        }
        dicomweb.get("studies/:study/thumbnail") { request, context in
            let study = try context.parameters.require("study")
            try await audit(try await reader(request), "dicomweb.read", subject: study)
            let rows = try await services.imaging.retrieval.instances(studyUID: study)
            let middle = rows[rows.count / 2]
            return jpeg(try await blocking { try $0.thumbnail(middle) })
        }

        // WADO-URI (PS3.18 §9): the older single-request form many viewers and HIS links still use.
        dicomweb.get("wado") { request, _ in
            let staff = try await reader(request)
            let parameters = request.uri.queryParameters
            guard parameters.get("requestType") == "WADO", let study = parameters.get("studyUID"),
                  let object = parameters.get("objectUID") else {
                throw AppError.invalid("wado_parameters_invalid", "WADO-URI needs requestType=WADO, studyUID, seriesUID and objectUID.")
            }
            let row = try await services.imaging.retrieval.instances(studyUID: study, seriesUID: parameters.get("seriesUID"),
                                                                      sopInstanceUID: object)[0]
            try await audit(staff, "dicomweb.read", subject: study)
            if (parameters.get("contentType") ?? "image/jpeg").contains("application/dicom") {
                return Response(status: .ok, headers: [.contentType: "application/dicom"],
                                body: .init(byteBuffer: ByteBuffer(bytes: try await blocking { try $0.file(row) })))
            }
            let size = try parameters.get("columns").map { try Self.int($0, "columns") } ?? Renderer.previewSize
            let window = try Self.window(center: parameters.get("windowCenter"), width: parameters.get("windowWidth"), preset: nil)
            let frame = try parameters.get("frameNumber").map { try Self.int($0, "frameNumber") }
            return jpeg(try await blocking { try $0.rendered(row, frame: frame, size: size, window: window, quality: 85).jpeg })
        }
    }

    // MARK: - STOW-RS

    private func stow(_ request: Request, studyUID: String?) async throws -> Response {
        let staff = try await reader(request)
        let hospital = try await Self.sendingHospital(services, request)
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("multipart/related"), let boundary = MultipartRelated.boundary(contentType: contentType) else {
            throw AppError("media_type_unsupported", status: 415,
                           "STOW-RS takes multipart/related; type=\"application/dicom\" with a boundary.")
        }
        var stored: [[String: Any]] = []
        var failed: [[String: Any]] = []
        let base = baseURL(request)
        let ingest = services.imaging.ingest
        var stream = MultipartStream(boundary: boundary)
        // The part being received: its writer, or nil when its type is refused and its bytes skipped.
        var current: (any BlobWriter)?
        var skipping = false
        var total = 0
        defer { current?.abandon() }
        for try await buffer in request.body {
            total += buffer.readableBytes
            guard total <= Self.stowLimit else { throw AppError("dicom_too_large", status: 413, "The upload is larger than the archive accepts.") }
            for event in try stream.feed(buffer.readableBytesView) {
                switch event {
                case .partStart(let contentType, _):
                    skipping = !(contentType.map { $0.lowercased().hasPrefix("application/dicom") } ?? true)
                    current = skipping ? nil : try ingest.startFile()
                case .partBytes(let bytes):
                    try bytes.withUnsafeBytes { try current?.append($0) }
                case .partEnd:
                    if skipping {
                        // 0x0122: the SOP class (here, the media type) is not supported.
                        failed.append(Self.failure(sopClass: nil, sopInstance: nil, reason: 0x0122))
                    } else if let writer = current {
                        current = nil
                        do {
                            let received = try await ingest.finish(writer, hospitalCode: hospital, actor: .staff(staff.id))
                            if let studyUID, received.studyUID != studyUID {
                                failed.append(Self.failure(sopClass: received.sopClassUID, sopInstance: received.sopInstanceUID,
                                                           reason: 0xA900))
                            } else {
                                stored.append(Self.reference(received, base: base))
                            }
                        } catch let error as AppError where error.status < 500 {
                            // 0xC000: cannot understand; 0xA900: does not match the SOP class (missing identifiers).
                            failed.append(Self.failure(sopClass: nil, sopInstance: nil,
                                                       reason: error.code == "dicom_missing_uid" ? 0xA900 : 0xC000))
                        }
                    }
                }
            }
        }
        guard stream.isComplete else {
            throw AppError.invalid("multipart_malformed", "The body is not multipart/related with the boundary its Content-Type names.")
        }
        var answer: [String: Any] = [:]
        if !stored.isEmpty { answer[Tag(0x0008, 0x1199).hex] = ["vr": "SQ", "Value": stored] }
        if !failed.isEmpty { answer[Tag(0x0008, 0x1198).hex] = ["vr": "SQ", "Value": failed] }
        if let studyUID { answer[Tag(0x0008, 0x1190).hex] = ["vr": "UR", "Value": ["\(base)/studies/\(studyUID)"]] }
        let status: HTTPResponse.Status = failed.isEmpty ? .ok : (stored.isEmpty ? .conflict : .accepted)
        return Response(status: status, headers: [.contentType: "application/dicom+json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys]))))
    }

    private static func reference(_ received: DicomIngest.Received, base: String) -> [String: Any] {
        [
            Tag(0x0008, 0x1150).hex: ["vr": "UI", "Value": [received.sopClassUID]],
            Tag(0x0008, 0x1155).hex: ["vr": "UI", "Value": [received.sopInstanceUID]],
            Tag(0x0008, 0x1190).hex: ["vr": "UR", "Value": [
                "\(base)/studies/\(received.studyUID)/series/\(received.seriesUID)/instances/\(received.sopInstanceUID)"]],
        ]
    }

    private static func failure(sopClass: String?, sopInstance: String?, reason: Int) -> [String: Any] {
        var item: [String: Any] = [Tag(0x0008, 0x1197).hex: ["vr": "US", "Value": [reason]]]
        if let sopClass { item[Tag(0x0008, 0x1150).hex] = ["vr": "UI", "Value": [sopClass]] }
        if let sopInstance { item[Tag(0x0008, 0x1155).hex] = ["vr": "UI", "Value": [sopInstance]] }
        return item
    }

    // MARK: - WADO-RS

    private func files(_ request: Request, _ study: String, _ series: String?, _ instance: String?) async throws -> Response {
        let staff = try await reader(request)
        let rows = try await services.imaging.retrieval.instances(studyUID: study, seriesUID: series, sopInstanceUID: instance)
        try await audit(staff, "dicomweb.retrieve", subject: study, detail: "\(rows.count) instance(s)")
        let retrieval = services.imaging.retrieval
        let boundary = MultipartRelated.makeBoundary()
        return Response(
            status: .ok,
            headers: [.contentType: "multipart/related; type=\"application/dicom\"; boundary=\(boundary)"],
            body: ResponseBody { writer in
                // A megabyte in memory at a time, however large the study.
                for row in rows {
                    let type = "application/dicom; transfer-syntax=\(row.transferSyntaxUid)"
                    try await writer.write(ByteBuffer(bytes: MultipartRelated.header(boundary: boundary, contentType: type)))
                    try await retrieval.streamFile(row) { piece in try await writer.write(ByteBuffer(bytes: piece)) }
                    try await writer.write(ByteBuffer(string: "\r\n"))
                }
                try await writer.write(ByteBuffer(bytes: MultipartRelated.closing(boundary: boundary)))
                try await writer.finish(nil)
            })
    }

    private func metadata(_ request: Request, _ study: String, _ series: String?, _ instance: String?) async throws -> Response {
        let staff = try await reader(request)
        let rows = try await services.imaging.retrieval.instances(studyUID: study, seriesUID: series, sopInstanceUID: instance)
        try await audit(staff, "dicomweb.read", subject: study)
        return dicomJSON(try services.imaging.retrieval.metadata(rows))
    }

    private func instance(_ request: Request, _ context: some RequestContext) async throws -> InstanceRow {
        let staff = try await reader(request)
        let study = try context.parameters.require("study")
        let row = try await services.imaging.retrieval.instances(
            studyUID: study, seriesUID: try context.parameters.require("series"),
            sopInstanceUID: try context.parameters.require("instance"))[0]
        try await audit(staff, "dicomweb.read", subject: study)
        return row
    }

    private func rendered(_ request: Request, _ row: InstanceRow, frame: Int?) async throws -> Response {
        let parameters = request.uri.queryParameters
        var size = Renderer.previewSize
        if let viewport = parameters.get("viewport") {
            // viewport=vw,vh (PS3.18 §8.3.5.1.3): the rendering fits the larger side.
            let sides = viewport.split(separator: ",").compactMap { Int($0) }
            guard !sides.isEmpty else { throw AppError.invalid("viewport_invalid", "viewport is vw,vh in pixels.") }
            size = sides.max()!
        }
        if let text = parameters.get("size") { size = try Self.int(text, "size") }
        guard Renderer.sizes.contains(size) else {
            throw AppError.invalid("size_invalid", "size is between \(Renderer.sizes.lowerBound) and \(Renderer.sizes.upperBound).")
        }
        var center = parameters.get("windowCenter")
        var width = parameters.get("windowWidth")
        if let window = parameters.get("window") {
            // window=center,width[,function]
            let values = window.split(separator: ",").map(String.init)
            guard values.count >= 2 else { throw AppError.invalid("window_invalid", "window is center,width.") }
            center = values[0]
            width = values[1]
        }
        let windowValue = try Self.window(center: center, width: width, preset: parameters.get("preset"))
        let quality = try parameters.get("quality").map { try Self.int($0, "quality") } ?? 85
        guard (1...100).contains(quality) else { throw AppError.invalid("quality_invalid", "quality is 1 to 100.") }
        let fitted = size
        return jpeg(try await blocking { try $0.rendered(row, frame: frame, size: fitted, window: windowValue, quality: quality).jpeg })
    }

    static func window(center: String?, width: String?, preset: String?) throws -> Window? {
        if let preset {
            guard let known = CTWindowPreset(rawValue: preset.uppercased()) else {
                throw AppError.invalid("preset_unknown", "Presets: \(CTWindowPreset.allCases.map { $0.rawValue.lowercased() }.joined(separator: ", ")).")
            }
            return Window(known)
        }
        guard center != nil || width != nil else { return nil }
        guard let center = center.flatMap(Double.init), let width = width.flatMap(Double.init), width >= 1 else {
            throw AppError.invalid("window_invalid", "A window is a center and a width of at least 1.")
        }
        return Window(center: center, width: width)
    }

    static func frameNumbers(_ text: String) throws -> [Int] {
        let numbers = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !numbers.isEmpty, numbers.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw AppError.invalid("frame_invalid", "Frames are numbered from 1, separated by commas.")
        }
        return numbers.compactMap { $0 }
    }

    static func int(_ text: String, _ name: String) throws -> Int {
        guard let value = Int(text) else { throw AppError.invalid("parameter_invalid", "\(name) is a whole number.") }
        return value
    }

    // MARK: - Helpers

    /// Reading blobs and decoding pixels block: they run on BlockingWork's threads.
    private func blocking<T: Sendable>(_ body: @escaping @Sendable (DicomRetrieval) throws -> T) async throws -> T {
        let retrieval = services.imaging.retrieval
        return try await BlockingWork.run { try body(retrieval) }
    }

    private func reader(_ request: Request) async throws -> StaffService.Staff {
        try await Self.imagingStaff(services, request)
    }

    static func imagingStaff(_ services: HuiminServices, _ request: Request) async throws -> StaffService.Staff {
        let staff = try await services.staffUser(request)
        guard staff.role == "admin" || staff.role == "operator" else {
            throw AppError.forbidden("role_forbidden", "Imaging is open to administrators and operators.")
        }
        return staff
    }

    /// Files are stored for the hospital that sent them (its storage use, its patients' IDs).
    static func sendingHospital(_ services: HuiminServices, _ request: Request) async throws -> String {
        guard let hospital = request.headers[.huiminHospital], try await services.imaging.index.hospitalExists(code: hospital) else {
            throw AppError.invalid("hospital_required", "Name the sending hospital's code in X-Huimin-Hospital.")
        }
        return hospital
    }

    private func audit(_ staff: StaffService.Staff, _ action: String, subject: String, detail: String = "") async throws {
        try await services.imaging.index.audit(actor: .staff(staff.id), action: action, studyUID: subject, detail: detail,
                                               now: services.clock.now())
    }

    private func query(_ request: Request) -> [(String, String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    private func baseURL(_ request: Request) -> String {
        "http://\(request.head.authority ?? "localhost")/dicomweb"
    }

    private func dicomJSON(_ body: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/dicom+json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private func jpeg(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func multipart(_ parts: [(String, [UInt8])], type: String) -> Response {
        let boundary = MultipartRelated.makeBoundary()
        var body: [UInt8] = []
        for (contentType, bytes) in parts {
            body += MultipartRelated.header(boundary: boundary, contentType: contentType)
            body += bytes
            body += Array("\r\n".utf8)
        }
        body += MultipartRelated.closing(boundary: boundary)
        return Response(status: .ok, headers: [.contentType: "multipart/related; type=\"\(type)\"; boundary=\(boundary)"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension HTTPField.Name {
    static let huiminHospital = Self("X-Huimin-Hospital")!
}

import Foundation
import HuiminCore

/// A hospital's report checked and put in order: what is stored, before anything is sealed.
struct ReportDraft: Sendable {
    enum Kind: String, Sendable, CaseIterable { case lab, exam, ecg }

    static let maxPDFBytes = 10 << 20
    static let maxItems = 500
    static let maxText = 20_000

    var reportNo: String
    var kind: Kind
    var title: String
    var patientID: String?
    var idNumber: IDCardNumber?
    var patientName: String?
    var reportedAt: Date
    var content: ReportContent
    var studyUID: String?
    var ecgID: String?
    var pdf: [UInt8]?
    var reason: String?

    init(reportNo: String, _ input: ReportInput, today: Date) throws {
        guard (1...64).contains(reportNo.count), reportNo.allSatisfy({ !$0.isWhitespace && $0 != "/" }) else {
            throw AppError.invalid("report_no_invalid", "A report number is 1–64 characters without spaces or '/'.")
        }
        self.reportNo = reportNo
        kind = try Self.kind(input.kind)
        guard let title = try Self.text(input.title, "title", max: 100) else {
            throw AppError.invalid("report_title_missing", "Name the report (title), e.g. 血常规.")
        }
        self.title = title
        patientID = try Self.text(input.patientId, "patientId", max: 64)
        idNumber = try Self.text(input.idNumber, "idNumber", max: 64).map { try IDCardNumber($0, today: today) }
        guard patientID != nil || idNumber != nil else {
            throw AppError.invalid("report_patient_missing", "Name the patient: patientId (the hospital's) or idNumber, or both.")
        }
        patientName = try Self.text(input.patientName, "patientName", max: 64)
        guard let reportedAt = ISO8601.date(input.reportedAt) ?? (try? Date(input.reportedAt, strategy: .iso8601)) else {
            throw AppError.invalid("reported_at_invalid", "reportedAt is an ISO 8601 instant, e.g. 2026-11-30T06:40:00Z.")
        }
        self.reportedAt = reportedAt
        content = ReportContent(department: try Self.text(input.department, "department", max: 64),
                                specimen: try Self.text(input.specimen, "specimen", max: 64),
                                items: try (input.items ?? []).map(Self.item),
                                modality: try Self.text(input.modality, "modality", max: 16),
                                bodyPart: try Self.text(input.bodyPart, "bodyPart", max: 64),
                                findings: try Self.text(input.findings, "findings", max: Self.maxText),
                                impression: try Self.text(input.impression, "impression", max: Self.maxText),
                                keyImages: input.keyImages.flatMap { $0.isEmpty ? nil : $0 })
        studyUID = try Self.text(input.studyUid, "studyUid", max: 64)
        ecgID = try Self.text(input.ecgId, "ecgId", max: 64)
        reason = try Self.text(input.reason, "reason", max: 500)
        pdf = try input.pdf.map(Self.pdf)
        try checkKind()
    }

    /// Everything a version is made of, in clear, as one text: two publishes are the same exactly
    /// when these are. The reason is left out: a reason alone does not make a new version.
    func fingerprint(content: Data, pdf: String?) throws -> String {
        let parts = [kind.rawValue, title, patientID, idNumber?.value, patientName, ISO8601.string(reportedAt),
                     String(decoding: content, as: UTF8.self), studyUID, ecgID, pdf]
        return String(decoding: try JSONEncoder().encode(parts), as: UTF8.self)
    }

    var abnormalCount: Int { content.items.filter { $0.flag.severity != .normal }.count }
    var criticalCount: Int { content.items.filter { $0.flag.severity == .critical }.count }

    /// Each kind carries its own parts and no other's, so a mislabelled report is refused rather
    /// than shown half empty.
    private func checkKind() throws {
        let codes = content.items.map(\.code)
        guard Set(codes).count == codes.count else {
            throw AppError.invalid("report_item_invalid", "Each lab item code appears once in a report.")
        }
        if let uid = studyUID, !Self.isUID(uid) {
            throw AppError.invalid("study_uid_invalid", "studyUid is a DICOM UID: digits and dots, at most 64 characters.")
        }
        if let keyImages = content.keyImages {
            guard studyUID != nil, keyImages.count <= Self.maxKeyImages, keyImages.allSatisfy(Self.isUID) else {
                throw AppError.invalid("key_images_invalid",
                                       "keyImages lists at most \(Self.maxKeyImages) SOP instance UIDs of the report's studyUid.")
            }
        }
        let hasText = content.findings != nil || content.impression != nil
        switch kind {
        case .lab:
            guard !codes.isEmpty else { throw AppError.invalid("report_items_missing", "A lab report lists its items.") }
            guard codes.count <= Self.maxItems else {
                throw AppError.invalid("report_item_invalid", "A lab report lists at most \(Self.maxItems) items.")
            }
            guard studyUID == nil, ecgID == nil, content.modality == nil, content.bodyPart == nil else {
                throw AppError.invalid("report_kind_mismatch", "A lab report carries items, not a study, ECG, modality or body part.")
            }
        case .exam, .ecg:
            guard codes.isEmpty else { throw AppError.invalid("report_kind_mismatch", "Only lab reports carry items.") }
            guard hasText else {
                throw AppError.invalid("report_text_missing", "An exam or ECG report gives its findings or impression.")
            }
            guard kind == .exam || studyUID == nil else {
                throw AppError.invalid("report_kind_mismatch", "An ECG report links an ecgId, not a study.")
            }
            guard kind == .ecg || ecgID == nil else {
                throw AppError.invalid("report_kind_mismatch", "An exam report links a studyUid, not an ECG.")
            }
        }
    }

    static let maxKeyImages = 50

    static func isUID(_ uid: String) -> Bool {
        !uid.isEmpty && uid.count <= 64 && uid.allSatisfy { $0 == "." || ("0"..."9").contains($0) }
    }

    static func kind(_ text: String) throws -> Kind {
        guard let kind = Kind(rawValue: text) else {
            throw AppError.invalid("report_kind_invalid", "kind is one of lab, exam or ecg.")
        }
        return kind
    }

    private static func item(_ input: LabItemInput) throws -> LabItem {
        guard let code = try text(input.code, "items.code", max: 32), let name = try text(input.name, "items.name", max: 64),
              let value = try text(input.value.text, "items.value", max: 200) else {
            throw AppError.invalid("report_item_invalid", "Each lab item has a code, a name and a value.")
        }
        let numeric = Double(value).flatMap { $0.isFinite ? $0 : nil }
        let flag: LabFlag
        if let sent = try text(input.flag, "items.flag", max: 8) {
            guard let known = LabFlag(rawValue: sent) else {
                throw AppError.invalid("report_item_invalid", "A lab item's flag is one of \(LabFlag.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            flag = known
        } else {
            flag = LabFlag.derived(value: numeric, low: input.referenceLow, high: input.referenceHigh)
        }
        return LabItem(code: code, name: name, value: value, numeric: numeric, unit: try text(input.unit, "items.unit", max: 32),
                       referenceLow: input.referenceLow, referenceHigh: input.referenceHigh,
                       referenceRange: try text(input.referenceRange, "items.referenceRange", max: 100), flag: flag)
    }

    /// Trimmed; empty is absent.
    private static func text(_ value: String?, _ field: String, max: Int) throws -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        guard trimmed.count <= max else {
            throw AppError.invalid("report_field_too_long", "\(field) is longer than \(max) characters.")
        }
        return trimmed
    }

    private static func pdf(_ base64: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters), data.starts(with: Array("%PDF-".utf8)) else {
            throw AppError.invalid("report_pdf_invalid", "pdf is a PDF file, base64-encoded.")
        }
        guard data.count <= maxPDFBytes else {
            throw AppError("report_pdf_too_large", status: 413, "A report PDF is at most \(maxPDFBytes >> 20) MB.")
        }
        return Array(data)
    }
}

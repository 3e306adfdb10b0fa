import Database
import Foundation
import HuiminCore
import ObjectStore
import Residents

/// Reports as hospitals publish them: checked, the PDF into the object store, personal data and
/// content sealed, and a keyed digest of what was sent so that a repeat changes nothing.
public struct ReportService: Sendable {
    let store: ReportStore
    let objects: any ObjectStore
    let personal: PersonalData
    let clock: any HuiminClock

    public init(store: ReportStore, objects: any ObjectStore, personal: PersonalData, clock: any HuiminClock) {
        self.store = store
        self.objects = objects
        self.personal = personal
        self.clock = clock
    }

    /// What the hospital hears back.
    public struct Receipt: Encodable, Sendable {
        public var id: String
        public var reportNo: String
        public var kind: String
        public var state: String
        public var version: Int
        /// published, corrected, reinstated or unchanged.
        public var outcome: String?

        init(_ report: ReportRow, outcome: ReportStore.Outcome?) {
            id = report.id
            reportNo = report.reportNo
            kind = report.kind
            state = report.state
            version = report.version
            self.outcome = outcome?.rawValue
        }
    }

    public func publish(hospitalCode: String, reportNo: String, _ input: ReportInput) async throws -> (receipt: Receipt, created: Bool) {
        let now = clock.now()
        let draft = try ReportDraft(reportNo: reportNo, input, today: now)
        // Written before the transaction that references it; the sweep's grace period covers the gap.
        let pdf = try draft.pdf.map { try objects.put($0) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let content = try encoder.encode(draft.content)
        let fingerprint = try draft.fingerprint(content: content, pdf: pdf?.key.hex)
        let report = ReportRow(
            id: TypedID.make("rpt"), hospitalCode: hospitalCode, reportNo: draft.reportNo, kind: draft.kind.rawValue,
            title: draft.title, patientId: draft.patientID, idNumberIndex: draft.idNumber.map(personal.idNumberIndex),
            idNumberSealed: try draft.idNumber.map { try personal.seal($0.value) },
            patientNameSealed: try draft.patientName.map(personal.seal), reportedAt: draft.reportedAt,
            abnormalCount: draft.abnormalCount, criticalCount: draft.criticalCount, studyUid: draft.studyUID, ecgId: draft.ecgID,
            pdfSha256: pdf?.key.hex, pdfSize: pdf?.size, now: now)
        let submission = ReportSubmission(
            report: report, contentSealed: Data(try personal.crypto.seal(Array(content))),
            contentKey: personal.crypto.blindIndex("report:" + fingerprint),
            itemCodes: draft.content.items.map(\.code), reason: draft.reason)
        let (outcome, stored) = try await store.publish(submission, now: now)
        return (Receipt(stored, outcome: outcome), outcome == .published)
    }

    public func withdraw(hospitalCode: String, reportNo: String, reason: String?) async throws -> Receipt {
        let reason = reason.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : String($0.prefix(500)) }
        return Receipt(try await store.withdraw(hospitalCode: hospitalCode, reportNo: reportNo, reason: reason, now: clock.now()),
                       outcome: nil)
    }
}

import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// Hospitals publishing reports as their LIS, PACS and ECG systems would, and a resident reading them.
enum ReportFixture {
    /// The sandbox HIS's record of `Resident.idNumber` at H0001.
    static let patientID = "P00000001"

    /// A 血常规 with a high WBC, a critical potassium and a normal haemoglobin whose flag the LIS
    /// left for Huimin to work out.
    static func lab(patient: String? = patientID, idNumber: String? = nil, wbc: String = "11.2", reportedAt: String = "2026-11-30T06:40:00Z",
                    title: String = "血常规", extra: String = "") -> String {
        let patientFields = [patient.map { #","patientId":"\#($0)""# }, idNumber.map { #","idNumber":"\#($0)""# }]
            .compactMap { $0 }.joined()
        return """
            {"kind":"lab","title":"\(title)"\(patientFields),"patientName":"张三","reportedAt":"\(reportedAt)",
             "department":"检验科","specimen":"血液"\(extra),"items":[
              {"code":"WBC","name":"白细胞计数","value":"\(wbc)","unit":"10^9/L","referenceLow":3.5,"referenceHigh":9.5,"referenceRange":"3.5-9.5","flag":"H"},
              {"code":"K","name":"钾","value":6.9,"unit":"mmol/L","referenceLow":3.5,"referenceHigh":5.3,"flag":"HH"},
              {"code":"HGB","name":"血红蛋白","value":"135","unit":"g/L","referenceLow":130,"referenceHigh":175},
              {"code":"HBsAg","name":"乙肝表面抗原","value":"阳性","referenceRange":"阴性","flag":"A"}]}
            """
    }

    static func exam(patient: String = patientID, studyUID: String = "1.2.826.0.1.3680043.2.1", pdf: [UInt8]? = nil) -> String {
        let pdfField = pdf.map { #","pdf":"\#(Data($0).base64EncodedString())""# } ?? ""
        return """
            {"kind":"exam","title":"胸部CT平扫","patientId":"\(patient)","reportedAt":"2026-11-29T02:00:00Z","modality":"CT",
             "bodyPart":"胸部","findings":"双肺纹理清晰，未见明显实质性病变。","impression":"胸部CT平扫未见明显异常。",
             "studyUid":"\(studyUID)"\(pdfField)}
            """
    }

    static let pdf = Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)

    static func publish(_ client: any TestClientProtocol, _ h: TestHarness, _ terminal: Terminal, _ reportNo: String,
                        _ body: String) async throws -> APIResult {
        try await terminal.call(client, h, .put, "/integration/v1/reports/\(reportNo)", json: body)
    }

    /// A registered resident whose own member holds H0001's card for `patientID`, and H0001's terminal.
    static func cardHolder(_ h: TestHarness, _ client: any TestClientProtocol) async throws -> (Resident, Terminal) {
        let terminal = try await Terminal.connect(h)
        let resident = try await Resident.register(h, client)
        try await bind(client, resident, member: resident.selfMemberID)
        return (resident, terminal)
    }

    static func bind(_ client: any TestClientProtocol, _ resident: Resident, member: String) async throws {
        let bound = try await client.call(.post, "/api/v1/family-members/\(member)/patient-cards", token: resident.token,
                                          json: #"{"hospitalCode":"H0001","patientId":"\#(patientID)"}"#)
        #expect(bound.status == 201, "\(bound.body)")
    }

    static func timeline(_ client: any TestClientProtocol, _ resident: Resident, member: String? = nil,
                         query: String = "") async throws -> [[String: any Sendable]] {
        let listed = try await client.call(.get, "/api/v1/family-members/\(member ?? resident.selfMemberID)/reports\(query)",
                                           token: resident.token)
        #expect(listed.status == 200, "\(listed.body)")
        return listed["reports"] as? [[String: any Sendable]] ?? []
    }

    static func open(_ client: any TestClientProtocol, _ resident: Resident, _ reportID: String,
                     member: String? = nil) async throws -> APIResult {
        try await client.call(.get, "/api/v1/family-members/\(member ?? resident.selfMemberID)/reports/\(reportID)", token: resident.token)
    }
}

import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// Lab, exam and ECG reports (检验/检查/心电报告): published, corrected and withdrawn by hospitals,
/// read by residents for their family, looked up by staff with an audit entry.
@Suite struct ReportTests {
    typealias R = ReportFixture

    @Test func aHospitalPublishesCorrectsAndWithdrawsAReport() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, terminal) = try await R.cardHolder(h, client)
                let published = try await R.publish(client, h, terminal, "LAB-001", R.lab())
                #expect(published.status == 201, "\(published.body)")
                #expect(published.object("report")["outcome"] as? String == "published")
                let reportID = try #require(published.object("report")["id"] as? String)
                #expect(reportID.hasPrefix("rpt_"))

                let again = try await R.publish(client, h, terminal, "LAB-001", R.lab())
                #expect(again.status == 200)
                #expect(again.object("report")["outcome"] as? String == "unchanged")
                #expect(again.object("report")["version"] as? Int == 1)

                let listed = try await R.timeline(client, resident)
                #expect(listed.map { $0["id"] as? String } == [reportID])
                #expect(listed.first?["abnormalCount"] as? Int == 3)
                #expect(listed.first?["criticalCount"] as? Int == 1)
                #expect(listed.first?["items"] == nil, "the timeline carries summaries only")

                let opened = try await R.open(client, resident, reportID)
                #expect(opened.status == 200, "\(opened.body)")
                let report = opened.object("report")
                #expect(report["memberId"] as? String == resident.selfMemberID)
                #expect(report["hospitalName"] as? String == "第一人民医院")
                #expect(report["patient"] == nil, "residents get no copy of what the hospital called them")
                let items = try #require(report["items"] as? [[String: any Sendable]])
                let byCode = Dictionary(uniqueKeysWithValues: items.map { ($0["code"] as? String ?? "", $0) })
                #expect(byCode["WBC"]?["abnormal"] as? Int == 1)
                #expect(byCode["WBC"]?["direction"] as? String == "high")
                #expect(byCode["WBC"]?["severity"] as? String == "abnormal")
                #expect(byCode["K"]?["severity"] as? String == "critical")
                #expect(byCode["K"]?["value"] as? String == "6.9", "a number sent as a JSON number keeps its digits")
                #expect(byCode["HGB"]?["flag"] as? String == "N", "worked out from the range when the LIS sends no flag")
                #expect(byCode["HGB"]?["abnormal"] as? Int == 0)
                #expect(byCode["HBsAg"]?["flag"] as? String == "A")
                #expect(byCode["HBsAg"]?["numeric"] == nil)

                let corrected = try await R.publish(client, h, terminal, "LAB-001",
                                                    R.lab(wbc: "8.1", extra: #","reason":"标本复测""#))
                #expect(corrected.status == 200)
                #expect(corrected.object("report")["outcome"] as? String == "corrected")
                #expect(corrected.object("report")["version"] as? Int == 2)
                let second = try await R.open(client, resident, reportID).object("report")
                let wbc = (second["items"] as? [[String: any Sendable]])?.first { $0["code"] as? String == "WBC" }
                #expect(wbc?["value"] as? String == "8.1")
                #expect(wbc?["flag"] as? String == "H", "the LIS's flag stands as sent")
                let history = second["history"] as? [[String: any Sendable]] ?? []
                #expect(history.map { $0["action"] as? String } == ["published", "corrected"])
                #expect(history.last?["reason"] as? String == "标本复测")
                #expect(history.last?["actor"] == nil)

                let withdrawn = try await terminal.call(client, h, .delete, "/integration/v1/reports/LAB-001", json: #"{"reason":"开错患者"}"#)
                #expect(withdrawn.status == 200, "\(withdrawn.body)")
                #expect(withdrawn.object("report")["state"] as? String == "withdrawn")
                #expect(try await R.timeline(client, resident).isEmpty)
                #expect(try await R.open(client, resident, reportID).errorCode == "report_not_found")
                let twice = try await terminal.call(client, h, .delete, "/integration/v1/reports/LAB-001")
                #expect(twice.object("report")["version"] as? Int == 3, "withdrawing twice changes nothing")
                #expect(try await terminal.call(client, h, .delete, "/integration/v1/reports/NOPE").errorCode == "report_not_found")

                let staff = try await CatalogKit.staff(h, client, role: "operator")
                let looked = try await client.call(.get, "/api/v1/staff/reports/\(reportID)?reason=%E6%8A%95%E8%AF%89", token: staff)
                #expect(looked.status == 200, "\(looked.body)")
                #expect(looked.object("report")["state"] as? String == "withdrawn")
                let staffHistory = looked.object("report")["history"] as? [[String: any Sendable]] ?? []
                #expect(staffHistory.map { $0["action"] as? String } == ["published", "corrected", "withdrawn"])
                #expect(staffHistory.map { $0["actor"] as? String } == ["H0001", "H0001", "H0001"])
                let patient = looked.object("report")["patient"] as? [String: any Sendable] ?? [:]
                #expect(patient["patientId"] as? String == R.patientID)
                #expect(patient["name"] as? String == "张三", "staff reads are audited, and see the name the hospital sent")
                let first = try await client.call(.get, "/api/v1/staff/reports/\(reportID)?reason=x&version=1", token: staff)
                let firstWBC = (first.object("report")["items"] as? [[String: any Sendable]])?.first { $0["code"] as? String == "WBC" }
                #expect(firstWBC?["value"] as? String == "11.2", "the first version is kept")

                let reinstated = try await R.publish(client, h, terminal, "LAB-001", R.lab(wbc: "8.1"))
                #expect(reinstated.object("report")["outcome"] as? String == "reinstated")
                #expect(try await R.timeline(client, resident).count == 1)
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM report_version WHERE report_id = ?", [reportID]) == 4)
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM audit_log WHERE subject_id = ? AND actor_kind = 'hospital'",
                                                   [reportID]) == 4)
                #expect(h.logs.all.allSatisfy { !$0.contains("张三") })
            }
        }
    }

    @Test func reportsLinkByIDNumberAndByACardBoundLater() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let resident = try await Resident.register(h, client)
                let byCard = try await R.publish(client, h, terminal, "LAB-CARD", R.lab())
                let byNumber = try await R.publish(client, h, terminal, "LAB-ID",
                                                   R.lab(patient: nil, idNumber: Resident.idNumber, reportedAt: "2026-11-28T01:00:00Z"))
                #expect(byNumber.status == 201, "\(byNumber.body)")
                let numberID = try #require(byNumber.object("report")["id"] as? String)
                #expect(try await R.timeline(client, resident).map { $0["id"] as? String } == [numberID],
                        "the ID-card number links at once; the hospital's patient ID waits for a card")

                try await R.bind(client, resident, member: resident.selfMemberID)
                let cardID = try #require(byCard.object("report")["id"] as? String)
                #expect(try await R.timeline(client, resident).map { $0["id"] as? String } == [cardID, numberID], "newest first")

                // A report naming another person's ID number under this patient ID is not theirs.
                let other = TestIDNumber.make(birth: "19800101", male: true)
                let mismatched = try await R.publish(client, h, terminal, "LAB-OTHER", R.lab(idNumber: other, reportedAt: "2026-12-01T00:00:00Z"))
                #expect(mismatched.status == 201)
                #expect(try await R.timeline(client, resident).count == 2)

                let sealed = try h.services.database.pool.read { db in
                    try Row.fetchOne(db, sql: "SELECT * FROM report WHERE report_no = 'LAB-ID'")
                }
                let row = try #require(sealed)
                #expect(!(String(data: row["patient_name_sealed"] as Data? ?? Data(), encoding: .utf8) ?? "").contains("张三"))
                #expect(row["id_number_index"] as String? != nil)
                let content = try await h.services.database.pool.read { db in
                    try Data.fetchOne(db, sql: "SELECT content_sealed FROM report_version WHERE report_id = ?", arguments: [numberID])
                }
                #expect(!String(decoding: content ?? Data(), as: UTF8.self).contains("白细胞"), "content is sealed at rest")
            }
        }
    }

    @Test func familyMembersSeeTheirReportsAndNobodyElseDoes() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let parent = try await Resident.register(h, client)
                let childNumber = TestIDNumber.make(birth: "20150601", male: false)
                let child = try await parent.addMember(client, name: "张小红", idNumber: childNumber)
                let childReport = try await R.publish(client, h, terminal, "LAB-CHILD", R.lab(patient: nil, idNumber: childNumber))
                let childReportID = try #require(childReport.object("report")["id"] as? String)
                let own = try await R.publish(client, h, terminal, "LAB-OWN", R.lab(patient: nil, idNumber: Resident.idNumber))
                let ownID = try #require(own.object("report")["id"] as? String)

                #expect(try await R.timeline(client, parent, member: child).map { $0["id"] as? String } == [childReportID])
                #expect(try await R.timeline(client, parent).map { $0["id"] as? String } == [ownID])
                #expect(try await R.open(client, parent, childReportID, member: child).status == 200)
                #expect(try await R.open(client, parent, childReportID).errorCode == "report_not_found",
                        "a report is opened through the member it belongs to")

                let stranger = try await Resident.register(h, client, phone: "13900139000",
                                                           idNumber: TestIDNumber.make(birth: "19900101", male: true), name: "李四",
                                                           openid: "stranger")
                let theirs = try await R.open(client, stranger, childReportID, member: child)
                #expect(theirs.status == 404)
                #expect(theirs.errorCode == "family_member_not_found")
                let guessed = try await R.open(client, stranger, childReportID)
                #expect(guessed.status == 404)
                #expect(guessed.errorCode == "report_not_found", "another family's report looks like no report at all")
                #expect(try await client.call(.get, "/api/v1/family-members/\(child)/reports").status == 401)

                let cashier = try await CatalogKit.staff(h, client, role: "cashier")
                #expect(try await client.call(.get, "/api/v1/staff/residents/\(child)/reports?reason=x", token: cashier).errorCode
                        == "role_forbidden")
                let admin = try await CatalogKit.staff(h, client, role: "admin")
                #expect(try await client.call(.get, "/api/v1/staff/residents/\(child)/reports", token: admin).errorCode == "reason_missing")
                let looked = try await client.call(.get, "/api/v1/staff/residents/\(child)/reports?reason=%E5%92%A8%E8%AF%A2", token: admin)
                #expect((looked["reports"] as? [[String: any Sendable]])?.map { $0["id"] as? String } == [childReportID])
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM audit_log WHERE action = 'report.list' AND actor_kind = 'staff'") == 1)
                _ = try await client.call(.get, "/api/v1/staff/reports/\(childReportID)?reason=x", token: admin)
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM audit_log WHERE action = 'report.read' AND subject_id = ?",
                                                   [childReportID]) == 1)
                #expect(try await client.call(.get, "/api/v1/staff/reports/rpt_nothing?reason=x", token: admin).errorCode == "report_not_found")
            }
        }
    }

    @Test func aLabItemTrendsAcrossReportsAndHospitals() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, first) = try await R.cardHolder(h, client)
                let second = try await Terminal.connect(h, code: "H0002")
                for (terminal, number, wbc, day) in [(first, "A1", "11.2", "2026-10-01"), (second, "B1", "9.0", "2026-11-01"),
                                                     (first, "A2", "6.1", "2026-12-01"), (first, "A3", "20", "2026-12-02")] {
                    let body = terminal.apiKey == second.apiKey ? R.lab(patient: nil, idNumber: Resident.idNumber, wbc: wbc, reportedAt: "\(day)T01:00:00Z")
                        : R.lab(wbc: wbc, reportedAt: "\(day)T01:00:00Z")
                    #expect(try await R.publish(client, h, terminal, number, body).status == 201)
                }
                _ = try await first.call(client, h, .delete, "/integration/v1/reports/A3")
                let path = "/api/v1/family-members/\(resident.selfMemberID)/lab-trend?code=WBC"
                let trend = try await client.call(.get, path, token: resident.token).object("trend")
                let points = trend["points"] as? [[String: any Sendable]] ?? []
                #expect(points.map { $0["hospitalCode"] as? String } == ["H0001", "H0002", "H0001"], "oldest first; withdrawn left out")
                let items = points.map { $0["item"] as? [String: any Sendable] ?? [:] }
                #expect(items.map { $0["value"] as? String } == ["11.2", "9.0", "6.1"])
                #expect(items.map { $0["referenceRange"] as? String } == ["3.5-9.5", "3.5-9.5", "3.5-9.5"])
                #expect(trend["name"] as? String == "白细胞计数")
                let ranged = try await client.call(.get, path + "&from=2026-11-01&to=2026-11-30", token: resident.token).object("trend")
                #expect((ranged["points"] as? [Any])?.count == 1)
                let missing = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/lab-trend", token: resident.token)
                #expect(missing.errorCode == "item_code_missing")

                let fromH2 = try await R.timeline(client, resident, query: "?hospital=H0002")
                #expect(fromH2.map { $0["reportNo"] as? String } == ["B1"])
                #expect(try await R.timeline(client, resident, query: "?kind=exam").isEmpty)
                #expect(try await R.timeline(client, resident, query: "?from=2026-11-15").map { $0["reportNo"] as? String } == ["A2"])
                let paged = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/reports?limit=2", token: resident.token)
                let cursor = try #require(paged["nextCursor"] as? String)
                #expect(try await R.timeline(client, resident, query: "?limit=2&cursor=\(cursor)").map { $0["reportNo"] as? String } == ["A1"])
                #expect(try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/reports?kind=xray",
                                              token: resident.token).errorCode == "report_kind_invalid")
            }
        }
    }

    @Test func anExamReportCarriesItsPDFAndItsStudy() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, terminal) = try await R.cardHolder(h, client)
                let published = try await R.publish(client, h, terminal, "CT-001", R.exam(pdf: R.pdf))
                #expect(published.status == 201, "\(published.body)")
                let reportID = try #require(published.object("report")["id"] as? String)
                var report = try await R.open(client, resident, reportID).object("report")
                #expect(report["studyUid"] as? String == "1.2.826.0.1.3680043.2.1")
                #expect(report["studyAvailable"] as? Int == 0)
                #expect(report["impression"] as? String == "胸部CT平扫未见明显异常。")
                #expect(report["items"] == nil)
                let pdf = try #require(report["pdf"] as? [String: any Sendable])
                #expect(pdf["size"] as? Int == R.pdf.count)
                let url = try #require(pdf["url"] as? String)

                let downloaded = try await client.call(.get, url, token: resident.token)
                #expect(downloaded.status == 200)
                #expect(downloaded.headers[.contentType] == "application/pdf")
                #expect(downloaded.raw == R.pdf)
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM blob_ref WHERE owner_kind = 'report_pdf' AND owner_id = ?",
                                                   ["\(reportID)#1"]) == 1)

                try await h.services.database.pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO dicom_study (study_uid, hospital_code, patient_id, created_at, updated_at)
                        VALUES ('1.2.826.0.1.3680043.2.1', 'H0001', ?, '2026-11-29 02:00:00.000', '2026-11-29 02:00:00.000')
                        """, arguments: [R.patientID])
                }
                report = try await R.open(client, resident, reportID).object("report")
                #expect(report["studyAvailable"] as? Int == 1)
                #expect(report["filmUrl"] as? String == "/api/v1/family-members/\(resident.selfMemberID)/studies/1.2.826.0.1.3680043.2.1")

                let ecg = try await R.publish(client, h, terminal, "ECG-001", """
                    {"kind":"ecg","title":"常规心电图","patientId":"\(R.patientID)","reportedAt":"2026-11-29T03:00:00Z",
                     "impression":"窦性心律，正常心电图","ecgId":"ecg_01demo"}
                    """)
                let ecgID = try #require(ecg.object("report")["id"] as? String)
                let ecgReport = try await R.open(client, resident, ecgID).object("report")
                #expect(ecgReport["ecgId"] as? String == "ecg_01demo")
                #expect(ecgReport["ecgAvailable"] as? Int == 0 && ecgReport["ecgUrl"] == nil, "no such ECG in the archive")
                #expect(ecgReport["pdf"] == nil)
                #expect(try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/reports/\(ecgID)/pdf",
                                              token: resident.token).errorCode == "report_pdf_missing")
            }
        }
    }

    @Test func publishingNotifiesTheFamiliesThatHoldThePatient() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let nobody = try await R.publish(client, h, terminal, "LAB-NOBODY", R.lab(patient: "P09999999"))
                let nobodyID = try #require(nobody.object("report")["id"] as? String)
                #expect(try await h.services.outbox.entries(subjectID: nobodyID).isEmpty, "nobody linked yet, nobody told")

                let resident = try await Resident.register(h, client)
                try await R.bind(client, resident, member: resident.selfMemberID)
                let published = try await R.publish(client, h, terminal, "LAB-002", R.lab())
                let reportID = try #require(published.object("report")["id"] as? String)
                _ = try await R.publish(client, h, terminal, "LAB-002", R.lab())
                var entries = try await h.services.outbox.entries(subjectID: reportID)
                #expect(entries.map(\.event) == ["report.ready"], "a repeat sends nothing")
                #expect(entries.first?.payload == ["hospitalCode": "H0001", "reportId": reportID, "reportName": "血常规",
                                                   "publishedAt": "2026-11-30T06:40:00.000Z"])
                let row = try h.services.database.pool.read { db in
                    try Row.fetchOne(db, sql: "SELECT account_id, person_id FROM outbox WHERE subject_id = ?", arguments: [reportID])
                }
                #expect(row?["account_id"] as String? != nil)
                #expect(row?["person_id"] as String? != nil)

                _ = try await R.publish(client, h, terminal, "LAB-002", R.lab(wbc: "7.0"))
                entries = try await h.services.outbox.entries(subjectID: reportID)
                #expect(entries.map { $0.payload["reportName"] } == ["血常规", "血常规（更正）"])

                // Withdrawn before the dispatcher got to it: the notice does not go out.
                _ = try await terminal.call(client, h, .delete, "/integration/v1/reports/LAB-002")
                #expect(try await h.services.outbox.entries(subjectID: reportID).isEmpty)
            }
        }
    }

    @Test func aHospitalsReportIsCheckedBeforeItIsStored() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                func code(_ number: String, _ body: String) async throws -> String? {
                    try await R.publish(client, h, terminal, number, body).errorCode
                }
                #expect(try await code("X1", R.lab().replacingOccurrences(of: #""kind":"lab""#, with: #""kind":"xray""#)) == "report_kind_invalid")
                #expect(try await code("X1", R.lab(patient: nil)) == "report_patient_missing")
                #expect(try await code("X1", R.lab(idNumber: "110105194912310021")) == "id_number_checksum")
                #expect(try await code("X1", R.lab(reportedAt: "yesterday")) == "reported_at_invalid")
                #expect(try await code("X1", #"{"kind":"lab","title":"血常规","patientId":"P1","reportedAt":"2026-11-30T06:40:00Z","items":[]}"#)
                        == "report_items_missing")
                #expect(try await code("X1", R.lab(extra: #","studyUid":"1.2.3""#)) == "report_kind_mismatch")
                #expect(try await code("X1", R.exam(studyUID: "1.2.abc")) == "study_uid_invalid")
                #expect(try await code("X1", R.exam().replacingOccurrences(of: #""findings":"双肺纹理清晰，未见明显实质性病变。","impression":"胸部CT平扫未见明显异常。","#,
                                                                        with: "")) == "report_text_missing")
                #expect(try await code("X1", R.exam(pdf: Array("not a pdf".utf8))) == "report_pdf_invalid")
                #expect(try await code("X1", R.lab().replacingOccurrences(of: #""flag":"HH""#, with: #""flag":"X""#)) == "report_item_invalid")
                #expect(try await code("X1", R.lab().replacingOccurrences(of: "\"code\":\"K\"", with: "\"code\":\"WBC\"")) == "report_item_invalid")

                #expect(try await R.publish(client, h, terminal, "X2", R.lab()).status == 201)
                let changed = try await R.publish(client, h, terminal, "X2", R.exam())
                #expect(changed.status == 409)
                #expect(changed.errorCode == "report_kind_changed")
                let unsigned = try await client.call(.put, "/integration/v1/reports/X3", json: R.lab())
                #expect(unsigned.status == 401)
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM report") == 1)
            }
        }
    }
}

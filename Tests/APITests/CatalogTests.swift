import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// The catalog as a hospital keeps it (bulk upsert, idempotent, two-level departments, checked
/// references) and as residents browse and search it.
@Suite struct CatalogTests {
    typealias K = CatalogKit

    @Test func theSameCatalogTwiceChangesNothingAndIDsStayPut() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let first = try await terminal.call(client, h, .put, "/integration/v1/catalog", json: try K.demoCatalog())
                #expect(first.status == 200, "\(first.body)")
                #expect(first["created"] as? Int == K.demoEntries)
                #expect(first["updated"] as? Int == 0)
                let departmentID = try await K.id(h, "department", code: "EK-XEN")
                let doctorID = try await K.id(h, "doctor", code: "D001")
                let audits = try await K.count(h, "SELECT COUNT(*) FROM audit_log WHERE action = 'catalog.upsert'")
                #expect(audits == 1)

                let again = try await terminal.call(client, h, .put, "/integration/v1/catalog", json: try K.demoCatalog())
                #expect(again["created"] as? Int == 0)
                #expect(again["updated"] as? Int == 0)
                #expect(again["unchanged"] as? Int == K.demoEntries)
                #expect(try await K.count(h, "SELECT COUNT(*) FROM audit_log WHERE action = 'catalog.upsert'") == 1, "nothing written")

                // One doctor's new title: one update, the same IDs.
                var catalog = try #require(try JSONSerialization.jsonObject(with: Data(try K.demoCatalog().utf8)) as? [String: Any])
                catalog["doctors"] = (catalog["doctors"] as? [[String: Any]] ?? []).map { doctor in
                    var doctor = doctor
                    if doctor["code"] as? String == "D003" { doctor["title"] = "副主任医师" }
                    return doctor
                }
                let changed = String(decoding: try JSONSerialization.data(withJSONObject: catalog), as: UTF8.self)
                let third = try await terminal.call(client, h, .put, "/integration/v1/catalog", json: changed)
                #expect(third["updated"] as? Int == 1)
                #expect(third["unchanged"] as? Int == K.demoEntries - 1)
                #expect(try await K.id(h, "department", code: "EK-XEN") == departmentID)
                #expect(try await K.id(h, "doctor", code: "D001") == doctorID)
                let audit = try await h.services.database.pool.read { db in
                    try String.fetchAll(db, sql: """
                        SELECT actor_kind || ' ' || detail FROM audit_log WHERE action = 'catalog.upsert' ORDER BY seq DESC LIMIT 1
                        """)
                }
                #expect(audit == ["hospital created=0 updated=1 unchanged=\(K.demoEntries - 1)"])
            }
        }
    }

    @Test func everyRejectedCatalogNamesTheProblemAndWritesNothing() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                // Each body starts with a valid department, so a half-applied upsert would show.
                let valid = #"{"code":"NK","name":"内科"}"#
                let cases: [(body: String, code: String, mentions: String)] = [
                    (#"{"departments":[\#(valid),{"code":"NK","name":"内科二"}]}"#, "catalog_invalid", "NK"),
                    (#"{"departments":[\#(valid),{"code":"","name":"无码"}]}"#, "catalog_invalid", "code"),
                    (#"{"departments":[\#(valid),{"code":"EK","name":"  "}]}"#, "catalog_invalid", "EK"),
                    (#"{"departments":[\#(valid),{"code":"FCK","name":"妇产科","sex":"women"}]}"#, "catalog_invalid", "FCK"),
                    (#"{"departments":[\#(valid),{"code":"EK","name":"儿科","minAge":14,"maxAge":2}]}"#, "catalog_invalid", "EK"),
                    (#"{"departments":[\#(valid)],"doctors":[{"code":"D1","name":"王医生","photoUrl":"ftp://x/y.jpg"}]}"#, "catalog_invalid", "D1"),
                    (#"{"departments":[\#(valid)],"resources":[{"code":"R1","kind":"surgery","departmentCode":"NK","name":"手术"}]}"#,
                     "catalog_invalid", "R1"),
                    (#"{"departments":[\#(valid),{"code":"NK-X","name":"消化内科","parentCode":"NOPE"}]}"#, "department_unknown", "NOPE"),
                    (#"{"departments":[\#(valid),{"code":"NK-X","name":"消化内科","campusCode":"WEST"}]}"#, "campus_unknown", "WEST"),
                    (#"{"departments":[\#(valid),{"code":"NK-X","name":"消化内科","parentCode":"NK-X"}]}"#, "department_too_deep", "NK-X"),
                    (#"{"departments":[\#(valid),{"code":"A","name":"甲","parentCode":"NK"},{"code":"B","name":"乙","parentCode":"A"}]}"#,
                     "department_too_deep", "B"),
                    (#"{"departments":[\#(valid)],"resources":[{"code":"R1","kind":"outpatient","departmentCode":"NK","doctorCode":"D9","name":"门诊"}]}"#,
                     "doctor_unknown", "D9"),
                    (#"{"departments":[\#(valid)],"resources":[{"code":"R1","kind":"lab","departmentCode":"JYK","name":"采血"}]}"#,
                     "department_unknown", "JYK"),
                    (#"{"departments":[{"code":"NK"}]}"#, "invalid_json", "name"),
                ]
                for (body, code, mentions) in cases {
                    let result = try await terminal.call(client, h, .put, "/integration/v1/catalog", json: body)
                    #expect(result.status == 400, "\(body)")
                    #expect(result.errorCode == code, "\(body): \(result.body)")
                    let message = (result.body["error"] as? [String: any Sendable])?["message"] as? String ?? ""
                    #expect(message.contains(mentions), "\(code) message should name \(mentions): \(message)")
                }
                #expect(try await K.count(h, "SELECT COUNT(*) FROM department") == 0)
                #expect(try await K.count(h, "SELECT COUNT(*) FROM audit_log WHERE action = 'catalog.upsert'") == 0)
            }
        }
    }

    @Test func departmentsHaveTwoLevelsAcrossUpserts() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let first = try await terminal.call(client, h, .put, "/integration/v1/catalog",
                                                    json: #"{"departments":[{"code":"NK","name":"内科"},{"code":"NK-X","name":"消化内科","parentCode":"NK"}]}"#)
                #expect(first["created"] as? Int == 2)
                // The parent may be one stored earlier...
                let second = try await terminal.call(client, h, .put, "/integration/v1/catalog",
                                                     json: #"{"departments":[{"code":"NK-H","name":"呼吸内科","parentCode":"NK"}]}"#)
                #expect(second["created"] as? Int == 1, "\(second.body)")
                // ...but never a stored sub-department,
                let third = try await terminal.call(client, h, .put, "/integration/v1/catalog",
                                                    json: #"{"departments":[{"code":"NK-X-1","name":"胃肠组","parentCode":"NK-X"}]}"#)
                #expect(third.errorCode == "department_too_deep")
                // and a department with stored children cannot move under another.
                let fourth = try await terminal.call(client, h, .put, "/integration/v1/catalog",
                                                     json: #"{"departments":[{"code":"WK","name":"外科"},{"code":"NK","name":"内科","parentCode":"WK"}]}"#)
                #expect(fourth.errorCode == "department_too_deep")
                #expect(try await K.count(h, "SELECT COUNT(*) FROM department WHERE code = 'WK'") == 0, "nothing half-written")
                // Moving the children out first makes it legal, in one body.
                let fifth = try await terminal.call(client, h, .put, "/integration/v1/catalog", json: """
                    {"departments":[{"code":"WK","name":"外科"},{"code":"NK","name":"内科","parentCode":"WK"},
                                    {"code":"NK-X","name":"消化内科","parentCode":"WK"},{"code":"NK-H","name":"呼吸内科","parentCode":"WK"}]}
                    """)
                #expect(fifth.status == 200, "\(fifth.body)")
                #expect(fifth["created"] as? Int == 1)
                #expect(fifth["updated"] as? Int == 3)
            }
        }
    }

    @Test func staffKeepACatalogOnlyWithTheRightRoleAndAKnownHospital() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                _ = try await Terminal.connect(h)
                let body = #"{"campuses":[{"code":"MAIN","name":"本部"}]}"#
                let cashier = try await K.staff(h, client, role: "cashier")
                let operatorToken = try await K.staff(h, client, role: "operator")
                let anonymous = try await client.call(.put, "/api/v1/staff/hospitals/H0001/catalog", json: body)
                #expect(anonymous.errorCode == "token_missing")
                let denied = try await client.call(.put, "/api/v1/staff/hospitals/H0001/catalog", token: cashier, json: body)
                #expect(denied.status == 403)
                #expect(denied.errorCode == "role_forbidden")
                let unknown = try await client.call(.put, "/api/v1/staff/hospitals/H9999/catalog", token: operatorToken, json: body)
                #expect(unknown.status == 404)
                #expect(unknown.errorCode == "hospital_unknown")
                let done = try await client.call(.put, "/api/v1/staff/hospitals/H0001/catalog", token: operatorToken, json: body)
                #expect(done.status == 200, "\(done.body)")
                #expect(done["created"] as? Int == 1)
                let actor = try await h.services.database.pool.read { db in
                    try String.fetchOne(db, sql: "SELECT actor_kind FROM audit_log WHERE action = 'catalog.upsert'")
                }
                #expect(actor == "staff")
            }
        }
    }

    @Test func residentsBrowseHospitalsAndTwoLevelDepartments() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                _ = try await K.demoHospital(h, client)
                let token = try await Resident.login(h, client)
                #expect(try await client.call(.get, "/api/v1/hospitals").errorCode == "token_missing")

                let hospitals = K.list(try await client.call(.get, "/api/v1/hospitals", token: token)["hospitals"])
                #expect(hospitals.map { $0["code"] as? String } == ["H0001"])
                #expect(K.list(hospitals.first?["campuses"]).compactMap { $0["name"] as? String } == ["东院区", "本部院区"], "in code order")

                let listed = try await client.call(.get, "/api/v1/hospitals/H0001/departments", token: token)
                let departments = K.list(listed["departments"])
                #expect(departments.compactMap { $0["name"] as? String }.sorted()
                        == ["健康体检中心", "儿科", "内科", "医学影像科", "外科", "妇产科", "检验科"].sorted())
                let paediatrics = try #require(departments.first { $0["code"] as? String == "EK" })
                #expect(paediatrics["maxAge"] as? Int == 14)
                #expect(K.list(paediatrics["children"]).compactMap { $0["name"] as? String } == ["小儿内科"])
                #expect((paediatrics["campus"] as? [String: any Sendable])?["name"] as? String == "东院区")
                let obstetrics = try #require(departments.first { $0["code"] as? String == "FCK" })
                #expect(obstetrics["sex"] as? String == "female")
                #expect(K.list(obstetrics["children"]).count == 2)
                let medicine = try #require(departments.first { $0["code"] as? String == "NK" })
                #expect(Set(K.list(medicine["children"]).compactMap { $0["name"] as? String }) == ["消化内科", "心血管内科", "呼吸内科"])
                #expect(K.list(medicine["children"]).allSatisfy { $0["children"] == nil }, "sub-departments have no children key")

                let missing = try await client.call(.get, "/api/v1/hospitals/H9999/departments", token: token)
                #expect(missing.status == 404)
                #expect(missing.errorCode == "hospital_not_found")
            }
        }
    }

    @Test func searchFindsDepartmentsAndDoctorsByName() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let terminal = try await K.demoHospital(h, client)
                _ = try await terminal.call(client, h, .put, "/integration/v1/catalog",
                                            json: #"{"doctors":[{"code":"D100","name":"Anna Lee","title":"主治医师"}]}"#)
                let token = try await Resident.login(h, client)

                let medicine = try await client.call(.get, "/api/v1/search?q=%E5%86%85%E7%A7%91", token: token) // 内科
                #expect(medicine.status == 200, "\(medicine.body)")
                #expect(Set(K.list(medicine["departments"]).compactMap { $0["name"] as? String })
                        == ["内科", "消化内科", "心血管内科", "呼吸内科", "小儿内科"])
                #expect(K.list(medicine["departments"]).allSatisfy { $0["hospitalCode"] as? String == "H0001" })
                #expect(K.list(medicine["doctors"]).isEmpty)

                let doctor = try await client.call(.get, "/api/v1/search?q=%E7%8E%8B%E5%BB%BA%E5%9B%BD&hospital=H0001", token: token) // 王建国
                let found = K.list(doctor["doctors"])
                #expect(found.count == 1)
                #expect(found.first?["title"] as? String == "主任医师")
                #expect(found.first?["hospitalCode"] as? String == "H0001")
                let resourceID = try await K.id(h, "resource", code: "R-D001")
                #expect((found.first?["resources"] as? [any Sendable])?.compactMap { $0 as? String } == [resourceID])

                let latin = try await client.call(.get, "/api/v1/search?q=aNNa", token: token)
                #expect(K.list(latin["doctors"]).compactMap { $0["name"] as? String } == ["Anna Lee"], "case-insensitive")
                let wildcard = try await client.call(.get, "/api/v1/search?q=%25", token: token) // a literal %
                #expect(K.list(wildcard["departments"]).isEmpty && K.list(wildcard["doctors"]).isEmpty)

                #expect(try await client.call(.get, "/api/v1/search", token: token).errorCode == "query_missing")
                #expect(try await client.call(.get, "/api/v1/search?q=%20%20", token: token).errorCode == "query_missing")
                #expect(try await client.call(.get, "/api/v1/search?q=\(String(repeating: "a", count: 51))", token: token).errorCode
                        == "query_too_long")
                #expect(try await client.call(.get, "/api/v1/search?q=a&hospital=H9999", token: token).errorCode == "hospital_not_found")
            }
        }
    }

    @Test func searchAnswersAtMostFiftyOfEach() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let doctors = (1...60).map { #"{"code":"D\#($0)","name":"李医生\#($0)"}"# }.joined(separator: ",")
                _ = try await terminal.call(client, h, .put, "/integration/v1/catalog", json: #"{"doctors":[\#(doctors)]}"#)
                let token = try await Resident.login(h, client)
                let found = try await client.call(.get, "/api/v1/search?q=%E6%9D%8E", token: token) // 李
                #expect(K.list(found["doctors"]).count == 50)
            }
        }
    }
}

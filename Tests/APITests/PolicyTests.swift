import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// Booking policies as hospitals set them: partial bodies merged over what is stored, department
/// overrides laid over the hospital's key by key, bad values refused, and the effect residents
/// see (release horizon, on-site share).
@Suite struct PolicyTests {
    typealias K = CatalogKit
    typealias F = AppointmentFixture

    @Test func aDepartmentOverridesOneNestedFieldAndKeepsTheRest() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let terminal = try await K.demoHospital(h, client)
                let hospital = try await terminal.call(client, h, .put, "/integration/v1/policy",
                                                       json: #"{"horizonDays":14,"sameDay":{"morningCutoff":"10:30"}}"#)
                #expect(hospital.status == 200, "\(hospital.body)")
                #expect(hospital["horizonDays"] as? Int == 14)
                #expect(hospital.object("sameDay")["morningCutoff"] as? String == "10:30")
                #expect(hospital.object("sameDay")["allowed"] as? Int == 1, "untouched nested fields keep their defaults")
                #expect(hospital["lockMinutes"] as? Int == 15)

                let paediatrics = try await terminal.call(client, h, .put, "/integration/v1/departments/EK/policy",
                                                          json: #"{"sameDay":{"allowed":false}}"#)
                #expect(paediatrics.status == 200, "\(paediatrics.body)")
                #expect(paediatrics.object("sameDay")["allowed"] as? Int == 0)
                #expect(paediatrics.object("sameDay")["morningCutoff"] as? String == "10:30", "from the hospital's layer")
                #expect(paediatrics["horizonDays"] as? Int == 14, "from the hospital's layer")

                // A later partial body is merged over the stored one, not in place of it.
                let later = try await terminal.call(client, h, .put, "/integration/v1/policy", json: #"{"lockMinutes":10}"#)
                #expect(later["lockMinutes"] as? Int == 10)
                #expect(later["horizonDays"] as? Int == 14)
                let read = try await terminal.call(client, h, .get, "/integration/v1/departments/EK/policy")
                #expect(read["lockMinutes"] as? Int == 10, "the department sees the hospital's change")
                #expect(read.object("sameDay")["allowed"] as? Int == 0)
                let hospitalRead = try await terminal.call(client, h, .get, "/integration/v1/policy")
                #expect(hospitalRead.object("sameDay")["allowed"] as? Int == 1, "the override stays the department's")
                #expect(try await K.count(h, "SELECT COUNT(*) FROM audit_log WHERE action = 'policy.save' AND actor_kind = 'hospital'") == 3)
            }
        }
    }

    @Test func policiesThatCannotBeMeantAreRefused() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let terminal = try await K.demoHospital(h, client)
                let cases: [(path: String, body: String, code: String, status: Int)] = [
                    ("/integration/v1/policy", #"{"horizonDays":0}"#, "policy_invalid", 400),
                    ("/integration/v1/policy", #"{"releaseTime":"7am"}"#, "policy_invalid", 400),
                    ("/integration/v1/policy", #"{"horizonDay":14}"#, "policy_invalid", 400),
                    ("/integration/v1/policy", #"{"sameDay":{"alowed":false}}"#, "policy_invalid", 400),
                    ("/integration/v1/policy", #"{"lockMinutes":"fifteen"}"#, "policy_invalid", 400),
                    ("/integration/v1/policy", #"[1,2]"#, "policy_invalid", 400),
                    ("/integration/v1/departments/EK/policy", #"{"onSiteSharePercent":120}"#, "policy_invalid", 400),
                    ("/integration/v1/departments/NOPE/policy", #"{"horizonDays":7}"#, "department_not_found", 404),
                ]
                for (path, body, code, status) in cases {
                    let result = try await terminal.call(client, h, .put, path, json: body)
                    #expect(result.status == status, "\(body)")
                    #expect(result.errorCode == code, "\(body): \(result.body)")
                }
                let message = try await terminal.call(client, h, .put, "/integration/v1/policy", json: #"{"horizonDay":14}"#)
                #expect(((message.body["error"] as? [String: any Sendable])?["message"] as? String)?.contains("horizonDay") == true)
                #expect(try await K.count(h, "SELECT COUNT(*) FROM booking_policy") == 0)
                #expect(try await terminal.call(client, h, .get, "/integration/v1/policy")["horizonDays"] as? Int == 7)
            }
        }
    }

    @Test func staffSetPoliciesWithTheRightRoleForAKnownHospital() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                _ = try await K.demoHospital(h, client)
                let admin = try await K.staff(h, client, role: "admin")
                let cashier = try await K.staff(h, client, role: "cashier")
                let set = try await client.call(.put, "/api/v1/staff/hospitals/H0001/policy", token: admin, json: #"{"horizonDays":28}"#)
                #expect(set.status == 200, "\(set.body)")
                #expect(set["horizonDays"] as? Int == 28)
                let department = try await client.call(.put, "/api/v1/staff/hospitals/H0001/departments/FCK/policy", token: admin,
                                                       json: #"{"onSiteSharePercent":30}"#)
                #expect(department["onSiteSharePercent"] as? Int == 30)
                #expect(department["horizonDays"] as? Int == 28)
                let read = try await client.call(.get, "/api/v1/staff/hospitals/H0001/departments/FCK/policy", token: admin)
                #expect(read["onSiteSharePercent"] as? Int == 30)
                #expect(try await client.call(.get, "/api/v1/staff/hospitals/H0001/policy", token: admin)["onSiteSharePercent"] as? Int == 20)

                #expect(try await client.call(.put, "/api/v1/staff/hospitals/H0001/policy", token: cashier, json: "{}").errorCode == "role_forbidden")
                #expect(try await client.call(.get, "/api/v1/staff/hospitals/H0001/policy").errorCode == "token_missing")
                let unknown = try await client.call(.put, "/api/v1/staff/hospitals/H9999/policy", token: admin, json: #"{"horizonDays":7}"#)
                #expect(unknown.status == 404)
                #expect(unknown.errorCode == "hospital_unknown")
                #expect(try await client.call(.get, "/api/v1/staff/hospitals/H0001/departments/NOPE/policy", token: admin).errorCode
                        == "department_not_found")
                #expect(try await K.count(h, "SELECT COUNT(*) FROM audit_log WHERE action = 'policy.save' AND actor_kind = 'staff'") == 2)
            }
        }
    }

    @Test func theDepartmentsPolicyDecidesReleaseAndTheOnSiteShare() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.at(day: "2026-11-30", "10:00"))
            try await h.test { client in
                let terminal = try await K.demoHospital(h, client)
                _ = try await terminal.call(client, h, .put, "/integration/v1/departments/NK-XHN/policy",
                                            json: #"{"horizonDays":14,"onSiteSharePercent":50}"#)
                _ = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([
                    K.Session(resource: "R-D001", day: "2026-12-08", segments: [.init(start: "08:00", end: "08:30", capacity: 9, reserved: nil)]),
                    K.Session(resource: "R-D002", day: "2026-12-08", segments: [.init(start: "08:00", end: "08:30", capacity: 9, reserved: nil)]),
                ]))
                let token = try await Resident.login(h, client)
                let digestive = try await K.id(h, "department", code: "NK-XHN")
                let clinic = K.list(K.list(try await client.call(.get, "/api/v1/departments/\(digestive)/resources?from=2026-12-08&to=2026-12-08",
                                                                 token: token)["resources"]).first?["days"]).first
                #expect(clinic?["remaining"] as? Int == 5, "half of 9 kept on site, rounded down")
                #expect(clinic?["bookable"] as? Int == 1, "8 days ahead is inside this department's 14-day horizon")

                // The cardiology department next door keeps the hospital's defaults.
                let cardiology = try await K.id(h, "department", code: "NK-XXG")
                let other = K.list(K.list(try await client.call(.get, "/api/v1/departments/\(cardiology)/resources?from=2026-12-08&to=2026-12-08",
                                                                token: token)["resources"]).first?["days"]).first
                #expect(other?["remaining"] as? Int == 8, "20% of 9, rounded down, kept on site")
                #expect(other?["closedReason"] as? String == "day_not_released")
            }
        }
    }
}

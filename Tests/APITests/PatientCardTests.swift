import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct PatientCardTests {
    /// 就诊卡: the resident finds their record in the hospital's HIS, binds it, and the hospital's
    /// terminal then sees its own card number when the e-health card is scanned.
    @Test func lookUpBindAndSeeTheCardNumberAtTheTerminal() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let terminal = try await Terminal.connect(h, code: "H0001")
                let base = "/api/v1/family-members/\(resident.selfMemberID)/patient-cards"

                let lookup = try await client.call(.get, base + "/lookup?hospital=H0001", token: resident.token)
                #expect(lookup.status == 200, "\(lookup.body)")
                let record = try #require((lookup["records"] as? [any Sendable])?.first as? [String: any Sendable])
                #expect(record["cardNumber"] as? String == "0001000001")

                let bound = try await client.call(.post, base, token: resident.token,
                                                  json: #"{"hospitalCode":"H0001","patientId":"P00000001"}"#)
                #expect(bound.status == 201)
                let wrong = try await client.call(.post, base, token: resident.token,
                                                  json: #"{"hospitalCode":"H0001","patientId":"P00000003"}"#)
                #expect(wrong.errorCode == "patient_record_not_found")
                #expect(try await client.call(.get, base + "/lookup?hospital=NOPE", token: resident.token).errorCode == "hospital_not_found")

                let payload = try #require(try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/card/qr",
                                                                 token: resident.token)["payload"] as? String)
                let verified = try await terminal.verify(client, h, payload: payload)
                #expect(verified["patientCardNumber"] as? String == "0001000001")

                #expect(try await client.call(.delete, base + "/H0001", token: resident.token).status == 204)
                #expect(try await client.call(.delete, base + "/H0001", token: resident.token).errorCode == "patient_card_not_found")
                let cards = try await client.call(.get, base, token: resident.token)
                #expect((cards["cards"] as? [any Sendable])?.isEmpty == true)
            }
        }
    }

    /// 建档: no record at the hospital yet, so the resident opens one and it is bound at once.
    @Test func createARecordWhenTheHospitalHasNone() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client, idNumber: "110105201506010032", name: "王小明")
                _ = try await Terminal.connect(h, code: "H0002")
                let base = "/api/v1/family-members/\(resident.selfMemberID)/patient-cards"
                let none = try await client.call(.get, base + "/lookup?hospital=H0002", token: resident.token)
                #expect((none["records"] as? [any Sendable])?.isEmpty == true)
                let created = try await client.call(.post, base, token: resident.token, json: #"{"hospitalCode":"H0002","create":true}"#)
                #expect(created.status == 201, "\(created.body)")
                #expect((created.object("card")["cardNumber"] as? String)?.isEmpty == false)
                let again = try await client.call(.post, base, token: resident.token, json: #"{"hospitalCode":"H0002","create":true}"#)
                #expect(again.errorCode == "patient_record_exists")
            }
        }
    }
}

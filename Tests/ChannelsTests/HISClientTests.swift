import Foundation
import HIS
import HuiminCore
import Testing
import Transport

@Suite("HIS patient lookup and creation against the sandbox")
struct HISClientTests {
    @Test("the seeded patient is found by ID number, with card number and decoded sex")
    func findSeeded() async throws {
        try await SandboxHarness.run { sandbox in
            let his = HISClient(settings: sandbox.channels, transport: sandbox.transport)
            let found = try await his.findPatients(hospitalCode: "H0001", idNumber: "11010519491231002X")
            #expect(found.count == 1)
            #expect(found.first?.patientID == "P00000001")
            #expect(found.first?.cardNumber == "0001000001")
            #expect(found.first?.sex == "female")
            #expect(found.first?.birthDate == "1949-12-31")
            // Records are per hospital, and legacy duplicates come back as they are.
            #expect(try await his.findPatients(hospitalCode: "H0002", idNumber: "11010519491231002X").first?.cardNumber
                == "0002000001")
            #expect(try await his.findPatients(hospitalCode: "H0001", idNumber: "450103199211084566").count == 2)
            #expect(try await his.findPatients(hospitalCode: "H0001", idNumber: "110101199003070011").isEmpty)
        }
    }

    @Test("建档 creates a record that a query then finds; a second creation is patient_record_exists")
    func createThenFind() async throws {
        try await SandboxHarness.run { sandbox in
            let his = HISClient(settings: sandbox.channels, transport: sandbox.transport)
            let created = try await his.createPatient(hospitalCode: "H0001", name: "测试戊", idNumber: "110101199003070011",
                                                      sex: "male", birthDate: "1990-03-07", phone: "13800000009")
            #expect(!created.patientID.isEmpty && !created.cardNumber.isEmpty)

            let found = try await his.findPatients(hospitalCode: "H0001", idNumber: "110101199003070011")
            #expect(found.map(\.patientID) == [created.patientID])
            #expect(found.first?.sex == "male")
            #expect(found.first?.name == "测试戊")

            let table = try await sandbox.get("/sandbox/his/patients?hospital=H0001")
            let ids = (table["patients"] as? [[String: Any]])?.compactMap { $0["patient_id"] as? String }
            #expect(ids?.contains(created.patientID) == true)

            let again = await appError {
                try await his.createPatient(hospitalCode: "H0001", name: "测试戊", idNumber: "110101199003070011",
                                            sex: "male", birthDate: "1990-03-07", phone: "")
            }
            #expect(again?.code == "patient_record_exists")
            #expect(again?.status == 409)
        }
    }

    @Test("an ID number with a wrong check digit is rejected by the HIS")
    func invalidInput() async throws {
        try await SandboxHarness.run { sandbox in
            let his = HISClient(settings: sandbox.channels, transport: sandbox.transport)
            let error = await appError {
                try await his.createPatient(hospitalCode: "H0001", name: "测试己", idNumber: "110101199003070012",
                                            sex: "male", birthDate: "1990-03-07", phone: "")
            }
            #expect(error?.code == "his_input_rejected")
        }
    }

    @Test("requests signed with the wrong secret, or with a stale timestamp, are refused")
    func signatureChecked() async throws {
        try await SandboxHarness.run { sandbox in
            var misconfigured = sandbox.channels
            misconfigured.hisSecret = "other"
            let wrongSecret = HISClient(settings: misconfigured, transport: sandbox.transport)
            #expect(await appError {
                try await wrongSecret.findPatients(hospitalCode: "H0001", idNumber: "11010519491231002X")
            }?.code == "channel_error")

            let staleClock = ManualClock(Date().addingTimeInterval(-600))
            let stale = HISClient(settings: sandbox.channels, transport: sandbox.transport, clock: staleClock)
            #expect(await appError {
                try await stale.findPatients(hospitalCode: "H0001", idNumber: "11010519491231002X")
            }?.code == "channel_error")
        }
    }

    @Test("a HIS timeout fault fails the adapter with channel_timeout within its 1 s timeout")
    func timeoutFault() async throws {
        try await SandboxHarness.run(timeout: 3) { sandbox in
            let his = HISClient(settings: sandbox.channels, transport: sandbox.transport)
            try await sandbox.fault("his", kind: "timeout")
            let started = ContinuousClock.now
            let error = await appError { try await his.findPatients(hospitalCode: "H0001", idNumber: "11010519491231002X") }
            #expect(error?.code == "channel_timeout")
            #expect(ContinuousClock.now - started < .seconds(20))
            // The fault was for one call only. (A roomier timeout here: on a loaded CI machine an
            // ordinary call can take longer than the 1 s that makes the fault quick to test.)
            let patient = HISClient(settings: sandbox.channels, transport: HTTPTransport(timeout: 10))
            #expect(try await patient.findPatients(hospitalCode: "H0001", idNumber: "11010519491231002X").count == 1)
        }
    }

    @Test("a patient printed into a log line shows no name or phone")
    func maskedDescription() {
        let patient = HISPatient(patientID: "P1", cardNumber: "C1", name: "测试庚", sex: "male", birthDate: "1990-01-01",
                                 phone: "13812345678")
        #expect(!"\(patient)".contains("测试庚"))
        #expect(!"\(patient)".contains("13812345678"))
    }
}

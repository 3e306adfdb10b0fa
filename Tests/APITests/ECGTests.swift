import Crypto
import Foundation
import HTTPTypes
import HuiminCore
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// ECGs from registered carts: ingest in three formats, sheets, analysis, critical alerts to the
/// clinic and the ECG centre, the reading queue, the centre's report, and what residents see.
@Suite("ECG store")
struct ECGTests {
    static let fixtures = OpenAPIDocumentTests.root.appendingPathComponent("assets/ecg/fixtures")

    static func sheet(_ client: some TestClientProtocol, id: String, resolution: String, token: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/staff/ecg/recordings/\(id)/sheet?resolution=\(resolution)", method: .get,
                                 headers: [.authorization: "Bearer \(token)"]) { $0 }
    }

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
    }

    /// A fixture with its patient replaced (the fixtures name made-up patients).
    static func json(_ name: String, patient: String) throws -> String {
        var object = try JSONSerialization.jsonObject(with: Data(try fixture(name).utf8)) as! [String: Any]
        object["patient"] = ["id": patient]
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// An administrator registers a cart for H0001; the cart signs with the key it was issued.
    static func cart(_ h: TestHarness, _ client: any TestClientProtocol, admin: String, code: String = "CART-1") async throws -> Terminal {
        let issued = try await client.call(.post, "/api/v1/staff/ecg-devices", token: admin,
                                           json: #"{"deviceCode":"\#(code)","hospitalCode":"H0001","model":"MAC 1600"}"#)
        #expect(issued.status == 201, "\(issued.body)")
        return Terminal(apiKey: try #require(issued.body["apiKey"] as? String), secret: try #require(issued.body["apiSecret"] as? String))
    }

    static func contacts(_ client: any TestClientProtocol, admin: String) async throws {
        for (role, phone) in [("clinic", "13900000001"), ("ecg_centre", "13900000002")] {
            let added = try await client.call(.post, "/api/v1/staff/alert-contacts", token: admin,
                                              json: #"{"hospitalCode":"H0001","role":"\#(role)","label":"值班","phone":"\#(phone)"}"#)
            #expect(added.status == 201 && added.body["phone"] as? String == Masking.phone(phone), "\(added.body)")
        }
    }

    @Test("a critical ECG alerts the clinic and the centre by SMS, jumps the queue, and gets its sheets; a normal one does neither")
    func criticalAlerts() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                _ = try await Terminal.connect(h)
                try await MessageDispatchTests.loadTemplates(h)
                let admin = try await CatalogKit.staff(h, client, role: "admin")
                let cart = try await Self.cart(h, client, admin: admin)
                try await Self.contacts(client, admin: admin)

                let normal = try await cart.call(client, h, .post, "/integration/v1/ecg", json: try Self.fixture("sinus-75.json"))
                #expect(normal.status == 201, "\(normal.body)")
                #expect(normal.body["critical"] as? Int == 0)
                let rate = try #require(normal.body["heartRate"] as? Int)
                #expect(abs(rate - 75) <= 2)
                h.clock.advance(by: 60)
                let fast = try await cart.call(client, h, .post, "/integration/v1/ecg", json: try Self.fixture("tachy-160.json"))
                #expect(fast.status == 201 && fast.body["critical"] as? Int == 1, "\(fast.body)")
                let findings = (fast.body["findings"] as? [any Sendable] ?? []).compactMap { ($0 as? [String: any Sendable])?["code"] as? String }
                #expect(findings == ["heart_rate_high"])
                let again = try await cart.call(client, h, .post, "/integration/v1/ecg", json: try Self.fixture("tachy-160.json"))
                #expect(again.status == 200 && again.body["id"] as? String == fast.body["id"] as? String && again.body["duplicate"] as? Int == 1)

                // Two alerts, one per contact, urgent, sent by SMS (the contacts have no account).
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM outbox WHERE event = 'staff.urgent_alert' AND urgent = 1") == 2)
                try await MessageDispatchTests.drain(h)
                for phone in ["13900000001", "13900000002"] {
                    let sms = try await h.sandboxJSON("GET", "/sandbox/sms/messages?phone=\(phone)")["messages"] as? [[String: Any]] ?? []
                    #expect(sms.count == 1, "\(phone): \(sms)")
                    let params = sms.first?["params"] as? [String: String] ?? [:]
                    #expect(params["kind"] == "心电危急值" && params["detail"]?.contains("150") == true, "\(params)")
                }

                let operatorToken = try await CatalogKit.staff(h, client, role: "operator")
                let queue = try await client.call(.get, "/api/v1/staff/ecg/queue", token: operatorToken)
                let ids = (queue.body["recordings"] as? [any Sendable] ?? []).compactMap { ($0 as? [String: any Sendable])?["id"] as? String }
                #expect(ids == [fast.body["id"] as? String, normal.body["id"] as? String].compactMap { $0 }, "critical first")

                let id = try #require(fast.body["id"] as? String)
                var reads = 1  // the lead's samples, below
                for (resolution, width) in [("thumbnail", 400), ("screen", 1600), ("print", 3508)] {
                    // The app's own job runner may be drawing the sheets: ask again until it is done.
                    var sheet = try await Self.sheet(client, id: id, resolution: resolution, token: operatorToken)
                    reads += 1
                    for _ in 0..<100 where sheet.status == .conflict {
                        while await h.services.jobRunners[0].runOnce() {}
                        try await Task.sleep(for: .milliseconds(50))
                        sheet = try await Self.sheet(client, id: id, resolution: resolution, token: operatorToken)
                        reads += 1
                    }
                    #expect(sheet.status == .ok && sheet.headers[.contentType] == "image/jpeg", "\(String(buffer: sheet.body))")
                    #expect(Self.jpegWidth(Array(buffer: sheet.body)) == width, "\(resolution)")
                }
                let lead = try await client.call(.get, "/api/v1/staff/ecg/recordings/\(id)/leads/ii", token: operatorToken)
                #expect(lead.body["lead"] as? String == "II" && lead.body["samplingRate"] as? Int == 250)
                #expect((lead.body["samples"] as? [any Sendable])?.count == 2500)
                let audited = try await CatalogKit.count(h, "SELECT COUNT(*) FROM audit_log WHERE subject_id = ? AND action = 'ecg.read'", [id])
                #expect(audited == reads, "every staff read is audited, the refused early ones too")
            }
        }
    }

    @Test("only registered, enabled carts upload; bad files are refused with their codes and leave nothing behind")
    func cartsAndRefusals() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let hospital = try await Terminal.connect(h)
                let admin = try await CatalogKit.staff(h, client, role: "admin")
                let cart = try await Self.cart(h, client, admin: admin)
                let body = try Self.fixture("sinus-60.json")
                let notACart = try await hospital.call(client, h, .post, "/integration/v1/ecg", json: body)
                #expect(notACart.status == 403 && notACart.errorCode == "ecg_device_unknown")
                let duplicate = try await client.call(.post, "/api/v1/staff/ecg-devices", token: admin,
                                                      json: #"{"deviceCode":"CART-1","hospitalCode":"H0001"}"#)
                #expect(duplicate.errorCode == "ecg_device_exists")

                var truncated = try Self.fixture("sinus-60.json")
                truncated.removeLast(100)
                let broken = try await cart.call(client, h, .post, "/integration/v1/ecg", json: truncated)
                #expect(broken.status == 400 && broken.errorCode?.hasPrefix("ecg_") == true, "\(broken.body)")
                let xml = try await cart.call(client, h, .post, "/integration/v1/ecg", json: "<AnnotatedECG><broken")
                #expect(xml.status == 400 && xml.errorCode?.hasPrefix("ecg_") == true)
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM ecg_recording") == 0)

                let disabled = try await client.call(.post, "/api/v1/staff/ecg-devices/CART-1/disable", token: admin)
                #expect(disabled.body["enabled"] as? Int == 0)
                #expect(try await cart.call(client, h, .post, "/integration/v1/ecg", json: body).errorCode == "ecg_device_disabled")
                _ = try await client.call(.post, "/api/v1/staff/ecg-devices/CART-1/enable", token: admin)
                #expect(try await cart.call(client, h, .post, "/integration/v1/ecg", json: body).status == 201)
                let cashier = try await CatalogKit.staff(h, client, role: "cashier")
                #expect(try await client.call(.get, "/api/v1/staff/ecg-devices", token: cashier).status == 403)
            }
        }
    }

    @Test("the DICOM waveform sample and an HL7 aECG ingest; the centre reports with a registered doctor; the resident sees it")
    func formatsReportAndResident() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let hospital = try await CatalogKit.demoHospital(h, client)
                let admin = try await CatalogKit.staff(h, client, role: "admin")
                let cart = try await Self.cart(h, client, admin: admin)
                let resident = try await Resident.register(h, client)

                // The aECG fixture, filed under the resident's ID-card number, links to them.
                let aecg = try Self.fixture("sinus-75.aecg.xml").replacingOccurrences(
                    of: #"extension="P-aecg""#, with: #"extension="\#(Resident.idNumber)""#)
                let fromXML = try await cart.call(client, h, .post, "/integration/v1/ecg", json: aecg)
                #expect(fromXML.status == 201, "\(fromXML.body)")
                let fromDICOM = try await Self.upload(client, h, cart, try DICOMSamples.testFile("waveform_ecg.dcm"))
                #expect(fromDICOM.status == 201, "\(fromDICOM.body)")
                let dicomRate = try #require(fromDICOM.body["heartRate"] as? Int)
                #expect(abs(dicomRate - 61) <= 2)
                let id = try #require(fromXML.body["id"] as? String)

                let list = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/ecgs", token: resident.token)
                let shown = (list.body["recordings"] as? [any Sendable] ?? []).compactMap { $0 as? [String: any Sendable] }
                #expect(shown.map { $0["id"] as? String } == [id], "\(list.body)")
                #expect((shown.first?["patientId"] as? String)?.contains("*") == true, "masked")

                let unsigned = try await hospital.call(client, h, .post, "/integration/v1/ecg/\(id)/report",
                                                       json: #"{"doctorCode":"NOBODY","diagnosis":"窦性心律"}"#)
                #expect(unsigned.errorCode == "doctor_not_registered")
                let byCart = try await cart.call(client, h, .post, "/integration/v1/ecg/\(id)/report",
                                                 json: #"{"doctorCode":"D001","diagnosis":"窦性心律"}"#)
                #expect(byCart.errorCode == "ecg_device_cannot_report")
                let reported = try await hospital.call(client, h, .post, "/integration/v1/ecg/\(id)/report",
                                                       json: #"{"doctorCode":"D001","diagnosis":"窦性心律，正常心电图"}"#)
                #expect(reported.status == 200, "\(reported.body)")
                #expect(try await hospital.call(client, h, .post, "/integration/v1/ecg/\(id)/report",
                                                json: #"{"doctorCode":"D001","diagnosis":"again"}"#).errorCode == "ecg_already_reported")
                // The cart's PDF rides along; the resident downloads it; a text file is refused.
                #expect(try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/ecgs/\(id)/attachment",
                                              token: resident.token).errorCode == "ecg_attachment_not_found")
                let pdf = Array("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n".utf8)
                #expect(try await cart.call(client, h, .post, "/integration/v1/ecg/\(id)/attachment", json: "plain text").errorCode
                        == "ecg_attachment_invalid")
                #expect(try await cart.call(client, h, .post, "/integration/v1/ecg/\(id)/attachment",
                                            json: String(decoding: pdf, as: UTF8.self)).status == 204)
                let attached = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/ecgs/\(id)/attachment",
                                                     token: resident.token)
                #expect(attached.status == 200 && attached.raw == pdf && attached.headers[.contentType] == "application/pdf")
                let seen = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/ecgs/\(id)", token: resident.token)
                let report = (seen.body["recording"] as? [String: any Sendable])?["report"] as? [String: any Sendable]
                #expect(report?["diagnosis"] as? String == "窦性心律，正常心电图" && report?["doctorName"] != nil, "\(seen.body)")

                // The hospital's ECG report names the recording: the resident's report leads to it.
                let published = try await hospital.call(client, h, .put, "/integration/v1/reports/ECG-77", json: """
                    {"kind":"ecg","title":"常规心电图","idNumber":"\(Resident.idNumber)","reportedAt":"2026-11-29T03:00:00Z",
                     "impression":"窦性心律，正常心电图","ecgId":"\(id)"}
                    """)
                #expect(published.status == 201, "\(published.body)")
                let reports = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/reports", token: resident.token)
                let ecgReport = (reports.body["reports"] as? [any Sendable])?.first as? [String: any Sendable]
                let ecgURL = try #require(ecgReport?["ecgUrl"] as? String)
                #expect(try await client.call(.get, ecgURL, token: resident.token).status == 200)

                // Someone else's recording is simply not found.
                let other = try await cart.call(client, h, .post, "/integration/v1/ecg", json: try Self.json("sinus-60.json", patient: "P-OTHER"))
                let otherID = try #require(other.body["id"] as? String)
                let hidden = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/ecgs/\(otherID)", token: resident.token)
                #expect(hidden.status == 404 && hidden.errorCode == "ecg_not_found")
            }
        }
    }

    /// A signed upload of binary bytes (Terminal signs text bodies).
    static func upload(_ client: any TestClientProtocol, _ h: TestHarness, _ cart: Terminal, _ bytes: [UInt8]) async throws -> APIResult {
        let timestamp = Int(h.clock.now().timeIntervalSince1970)
        let nonce = UUID().uuidString
        let bodyHash = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let message = "POST\n/integration/v1/ecg\n\(timestamp)\n\(nonce)\n\(bodyHash)"
        let mac = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(cart.secret.utf8)))
        let headers: HTTPFields = [
            .init("X-Huimin-Key")!: cart.apiKey, .init("X-Huimin-Timestamp")!: "\(timestamp)", .init("X-Huimin-Nonce")!: nonce,
            .init("X-Huimin-Signature")!: mac.map { String(format: "%02x", $0) }.joined(), .contentType: "application/dicom",
        ]
        return try await client.execute(uri: "/integration/v1/ecg", method: .post, headers: headers, body: ByteBuffer(bytes: bytes)) { response in
            let raw = Array(buffer: response.body)
            let object = (try? JSONSerialization.jsonObject(with: Data(raw))) as? [String: Any] ?? [:]
            return APIResult(status: Int(response.status.code), body: object.mapValues(Sendablified.make), raw: raw, headers: response.headers)
        }
    }

    /// The width in a JPEG's SOF0/SOF2 header.
    static func jpegWidth(_ bytes: [UInt8]) -> Int? {
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            if marker == 0xC0 || marker == 0xC2 { return Int(bytes[index + 7]) << 8 | Int(bytes[index + 8]) }
            index += 2 + length
        }
        return nil
    }
}

import Foundation
import HTTPTypes
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Imaging
import Reconciliation
import TestSupport
import Testing

/// DICOMweb as a PACS and a viewer use it: STOW-RS in, QIDO-RS to find, WADO-RS and WADO-URI out.
@Suite("DICOMweb: STOW, QIDO, WADO")
struct DicomWebTests {
    static func stowBody(_ files: [[UInt8]], boundary: String = "stow-boundary-1") -> (ByteBuffer, String) {
        var body: [UInt8] = []
        for file in files {
            body += Array("--\(boundary)\r\nContent-Type: application/dicom\r\n\r\n".utf8) + file + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return (ByteBuffer(bytes: body), "multipart/related; type=\"application/dicom\"; boundary=\(boundary)")
    }

    static func stow(_ client: any TestClientProtocol, token: String, _ files: [[UInt8]], hospital: String = "H0001",
                     path: String = "/dicomweb/studies") async throws -> (status: Int, json: [String: Any]) {
        let (body, type) = stowBody(files)
        var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: type]
        headers[HTTPField.Name("X-Huimin-Hospital")!] = hospital
        return try await client.execute(uri: path, method: .post, headers: headers, body: body) { response in
            (Int(response.status.code),
             (try? JSONSerialization.jsonObject(with: Data(Array(buffer: response.body)))) as? [String: Any] ?? [:])
        }
    }

    static func get(_ client: any TestClientProtocol, _ path: String, token: String?,
                    accept: String? = nil) async throws -> (status: Int, type: String, body: [UInt8]) {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let accept { headers[.accept] = accept }
        return try await client.execute(uri: path, method: .get, headers: headers) { response in
            (Int(response.status.code), response.headers[.contentType] ?? "", Array(buffer: response.body))
        }
    }

    static func jsonArray(_ bytes: [UInt8]) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [[String: Any]] ?? []
    }

    static func value(_ object: [String: Any], _ tag: String) -> Any? {
        ((object[tag] as? [String: Any])?["Value"] as? [Any])?.first
    }

    /// Three instances of one study (two series), patients named in Chinese, plus CT_small as it is.
    static func sampleStudy() throws -> [[UInt8]] {
        let ct = try DICOMSamples.testFile("CT_small.dcm")
        func file(_ series: String, _ instance: String) throws -> [UInt8] {
            var data = try DICOMFile.read(ct).dataSet
            for (tag, vr, text) in [(Tag.studyInstanceUID, VR.UI, "1.2.826.0.1.9"), (.seriesInstanceUID, .UI, series),
                                    (.specificCharacterSet, .CS, "ISO_IR 192"), (.patientName, .PN, "Wang^XiaoDong=王^小东"),
                                    (.patientID, .LO, "P-1001"), (.studyDate, .DA, "20261120"), (.accessionNumber, .SH, "ACC9")] {
                var bytes = Array(text.utf8)
                if bytes.count % 2 == 1 { bytes.append(vr == .UI ? 0 : 0x20) }
                data.set(DataElement(tag: tag, vr: vr, value: .bytes(bytes)))
            }
            return try DICOMFile.write(data, sopClassUID: "1.2.840.10008.5.1.4.1.1.2", sopInstanceUID: instance)
        }
        return [try file("1.2.826.0.1.9.1", "1.2.826.0.1.9.1.1"), try file("1.2.826.0.1.9.1", "1.2.826.0.1.9.1.2"),
                try file("1.2.826.0.1.9.2", "1.2.826.0.1.9.2.1"), ct]
    }

    @Test("STOW-RS stores a study; QIDO finds it by name prefix, Chinese name, patient ID, dates and modality")
    func stowThenSearch() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                _ = try await Terminal.connect(h)
                let token = try await CatalogKit.staff(h, client, role: "operator")
                let stored = try await Self.stow(client, token: token, try Self.sampleStudy())
                #expect(stored.status == 200)
                let referenced = ((stored.json["00081199"] as? [String: Any])?["Value"] as? [Any])?.count
                #expect(referenced == 4)

                for query in ["PatientName=WANG*", "PatientName=王*", "PatientName=wang^xiaodong", "PatientName=xiao&fuzzymatching=true",
                              "PatientID=P-10*", "StudyDate=20261101-20261130", "ModalitiesInStudy=CT&PatientID=P-1001", "AccessionNumber=ACC9"] {
                    let found = try await Self.get(client, "/dicomweb/studies?\(query)", token: token)
                    let studies = Self.jsonArray(found.body)
                    #expect(found.status == 200 && found.type == "application/dicom+json")
                    #expect(studies.count == 1, "\(query): \(studies.count)")
                    #expect(Self.value(studies.first ?? [:], "0020000D") as? String == "1.2.826.0.1.9", "\(query)")
                }
                let study = Self.jsonArray(try await Self.get(client, "/dicomweb/studies?PatientID=P-1001", token: token).body)[0]
                #expect(((Self.value(study, "00100010") as? [String: Any])?["Ideographic"] as? String) == "王^小东")
                #expect(Self.value(study, "00201206") as? Int == 2 && Self.value(study, "00201208") as? Int == 3)
                for miss in ["PatientName=LI*", "StudyDate=20250101-20251231", "ModalitiesInStudy=MR", "PatientID=P-2*"] {
                    let studies = Self.jsonArray(try await Self.get(client, "/dicomweb/studies?\(miss)", token: token).body)
                    #expect(studies.allSatisfy { Self.value($0, "0020000D") as? String != "1.2.826.0.1.9" }, "\(miss)")
                }
                // Paging: two studies, one per page.
                let page = Self.jsonArray(try await Self.get(client, "/dicomweb/studies?limit=1&offset=1", token: token).body)
                #expect(page.count == 1)
                let series = Self.jsonArray(try await Self.get(client, "/dicomweb/studies/1.2.826.0.1.9/series", token: token).body)
                #expect(series.count == 2)
                let instances = Self.jsonArray(try await Self.get(
                    client, "/dicomweb/studies/1.2.826.0.1.9/series/1.2.826.0.1.9.1/instances", token: token).body)
                #expect(instances.count == 2 && Self.value(instances[0], "00280010") as? Int == 128)

                let suffix = try await Self.get(client, "/dicomweb/studies?PatientName=*dong", token: token)
                #expect(suffix.status == 400)
                let badDate = try await Self.get(client, "/dicomweb/studies?StudyDate=2026-11-20", token: token)
                #expect(badDate.status == 400)
                #expect(try await Self.get(client, "/dicomweb/studies/1.2.3.999/series", token: token).status == 404)
            }
        }
    }

    @Test("WADO-RS returns the stored file, metadata without pixels, frames, renderings and thumbnails; WADO-URI too")
    func retrieve() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                _ = try await Terminal.connect(h)
                let token = try await CatalogKit.staff(h, client, role: "admin")
                let files = try Self.sampleStudy()
                _ = try await Self.stow(client, token: token, files)
                let base = "/dicomweb/studies/1.2.826.0.1.9/series/1.2.826.0.1.9.1/instances/1.2.826.0.1.9.1.1"

                let file = try await Self.get(client, base, token: token, accept: "multipart/related; type=\"application/dicom\"")
                #expect(file.status == 200 && file.type.hasPrefix("multipart/related"))
                #expect(Self.contains(file.body, files[0]))

                let metadata = Self.jsonArray(try await Self.get(client, base + "/metadata", token: token).body)
                #expect(metadata.count == 1 && metadata[0]["7FE00010"] == nil)
                #expect(Self.value(metadata[0], "00080018") as? String == "1.2.826.0.1.9.1.1")
                let seriesMetadata = Self.jsonArray(try await Self.get(
                    client, "/dicomweb/studies/1.2.826.0.1.9/series/1.2.826.0.1.9.1/metadata", token: token).body)
                #expect(seriesMetadata.count == 2)

                let frame = try await Self.get(client, base + "/frames/1", token: token, accept: "*/*")
                #expect(frame.status == 200 && frame.type.contains("application/octet-stream"))
                #expect(frame.body.count > 128 * 128 * 2)
                #expect(try await Self.get(client, base + "/frames/2", token: token).status == 404)

                let rendered = try await Self.get(client, base + "/rendered?preset=mediastinum&size=64", token: token)
                #expect(rendered.status == 200 && rendered.type == "image/jpeg" && Array(rendered.body.prefix(2)) == [0xFF, 0xD8],
                        "\(rendered.status) \(String(decoding: rendered.body.prefix(300), as: UTF8.self))")
                #expect(try await Self.get(client, base + "/rendered?preset=nonsense", token: token).status == 400)
                let thumbnail = try await Self.get(client, base + "/thumbnail", token: token)
                #expect(thumbnail.status == 200 && Array(thumbnail.body.prefix(2)) == [0xFF, 0xD8])

                let uri = "/dicomweb/wado?requestType=WADO&studyUID=1.2.826.0.1.9&seriesUID=1.2.826.0.1.9.1&objectUID=1.2.826.0.1.9.1.1"
                let original = try await Self.get(client, uri + "&contentType=application/dicom", token: token)
                #expect(original.status == 200 && original.body == files[0])
                let jpeg = try await Self.get(client, uri, token: token)
                #expect(jpeg.type == "image/jpeg")
            }
        }
    }

    @Test("imaging needs a staff token of an administrator or operator; reads are audited against the study")
    func accessAndAudit() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                _ = try await Terminal.connect(h)
                let operatorToken = try await CatalogKit.staff(h, client, role: "operator")
                let cashier = try await CatalogKit.staff(h, client, role: "cashier")
                _ = try await Self.stow(client, token: operatorToken, try Self.sampleStudy())
                #expect(try await Self.get(client, "/dicomweb/studies", token: nil).status == 401)
                #expect(try await Self.get(client, "/dicomweb/studies", token: cashier).status == 403)
                #expect(try await Self.stow(client, token: cashier, []).status == 403)
                // A STOW for an unknown hospital is refused before anything is stored.
                #expect(try await Self.stow(client, token: operatorToken, try Self.sampleStudy(), hospital: "H9999").status == 400)
                _ = try await Self.get(client, "/dicomweb/studies/1.2.826.0.1.9/metadata", token: operatorToken)
                let audited = try await CatalogKit.count(h, """
                    SELECT COUNT(*) FROM audit_log WHERE subject_kind = 'dicom_study' AND subject_id = '1.2.826.0.1.9'
                        AND action = 'dicomweb.read'
                    """)
                #expect(audited == 1)
            }
        }
    }

    @Test("a STOW with a broken part stores the rest and answers 202 with the failure's reason")
    func partialFailure() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                _ = try await Terminal.connect(h)
                let token = try await CatalogKit.staff(h, client, role: "operator")
                let result = try await Self.stow(client, token: token, [try DICOMSamples.testFile("CT_small.dcm"), Array("junk".utf8)])
                #expect(result.status == 202)
                let failed = ((result.json["00081198"] as? [String: Any])?["Value"] as? [[String: Any]]) ?? []
                #expect(failed.count == 1 && Self.value(failed[0], "00081197") as? Int == 0xC000)
                let none = try await Self.stow(client, token: token, [Array("junk".utf8)])
                #expect(none.status == 409)
            }
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start] == needle[0] && Array(haystack[start..<start + needle.count]) == needle
        }
    }
}

@Suite("Imaging uploads outside DICOMweb")
struct ImagingUploadTests {
    static func upload(_ client: any TestClientProtocol, token: String, _ body: [UInt8], type: String,
                       hospital: String = "H0001") async throws -> APIResult {
        var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: type]
        headers[HTTPField.Name("X-Huimin-Hospital")!] = hospital
        return try await client.execute(uri: "/api/v1/staff/imaging/uploads", method: .post, headers: headers,
                                        body: ByteBuffer(bytes: body)) { response in
            let bytes = Array(buffer: response.body)
            let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
            return APIResult(status: Int(response.status.code), body: object.mapValues(Sendablified.make), raw: bytes,
                             headers: response.headers)
        }
    }

    @Test("one file as application/dicom, then a zip with a bad entry: stored, duplicates noticed, failures named; usage counts the bytes")
    func uploads() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                _ = try await Terminal.connect(h)
                let token = try await CatalogKit.staff(h, client, role: "operator")
                let ct = try DICOMSamples.testFile("CT_small.dcm")
                let single = try await Self.upload(client, token: token, ct, type: "application/dicom")
                #expect(single.status == 201)
                let first = (single.body["received"] as? [any Sendable])?.first as? [String: any Sendable]
                #expect(first?["receipt"] as? String == "stored")

                let zip = ZipArchive.create([
                    (name: Array("study/ct.dcm".utf8), utf8Name: true, bytes: ct),
                    (name: Array("study/mr.dcm".utf8), utf8Name: true, bytes: try DICOMSamples.testFile("MR_small.dcm")),
                    (name: Array("study/readme.txt".utf8), utf8Name: true, bytes: Array("not an image".utf8)),
                ])
                let zipped = try await Self.upload(client, token: token, zip, type: "application/zip")
                #expect(zipped.status == 200)
                let receipts = (zipped.body["received"] as? [any Sendable] ?? []).compactMap { ($0 as? [String: any Sendable])?["receipt"] as? String }
                #expect(receipts.sorted() == ["duplicate", "stored"])
                let failed = (zipped.body["failed"] as? [any Sendable] ?? []).compactMap { $0 as? [String: any Sendable] }
                #expect(failed.count == 1 && failed.first?["entry"] as? String == "study/readme.txt"
                        && failed.first?["code"] as? String == "dicom_not_dicom")

                #expect(try await Self.upload(client, token: token, Array("PK junk".utf8), type: "application/zip").status == 400)
                #expect(try await Self.upload(client, token: token, ct, type: "text/plain").status == 415)
                #expect(try await Self.upload(client, token: token, ct, type: "application/dicom", hospital: "H9").status == 400)

                let usage = try await client.call(.get, "/api/v1/staff/imaging/usage", token: token)
                let hospitals = usage.body["hospitals"] as? [any Sendable] ?? []
                let bytes = (hospitals.first as? [String: any Sendable])?["bytes"] as? Int ?? 0
                #expect(hospitals.count == 1 && bytes >= ct.count)
            }
        }
    }
}

@Suite("DICOMweb for browser viewers")
struct DicomWebCORSTests {
    @Test("a viewer on another origin gets its preflight answered and CORS headers on answers and errors; the resident API does not")
    func cors() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let origin: HTTPFields = [.origin: "https://viewer.example"]
                let preflight = try await client.execute(uri: "/dicomweb/studies", method: .options,
                                                         headers: origin + [.accessControlRequestMethod: "GET"]) { $0 }
                #expect(preflight.status == .noContent)
                #expect(preflight.headers[.accessControlAllowOrigin] == "https://viewer.example")
                #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
                let refused = try await client.execute(uri: "/dicomweb/studies", method: .get, headers: origin) { $0 }
                #expect(refused.status == .unauthorized && refused.headers[.accessControlAllowOrigin] == "https://viewer.example")
                let api = try await client.execute(uri: "/api/v1/catalog/hospitals", method: .get, headers: origin) { $0 }
                #expect(api.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }
}

import Foundation
import TestSupport
import Testing
import Transport

/// The `dicomweb-client` Python package, unchanged, against a running server: STOW-RS of sample
/// files in six transfer syntaxes, QIDO-RS, and WADO-RS of instances, metadata, frames and
/// renderings compared with the originals (assets/tests/dicomweb-client-check.py).
@Suite struct DicomWebClientTests {
    @Test func dicomwebClientStoresSearchesAndRetrieves() async throws {
        let server = try ServerProcess(extraEnvironment: ["HUIMIN_DISPATCHER": "off"])
        let samples = try DICOMSamples.url("")
        _ = try await server.run("huimin", ["admin", "hospital-add", "--code", "H0001", "--name", "第一人民医院"])
        let added = try await server.run("huimin", ["admin", "staff-add", "--username", "pacs1", "--role", "operator"],
                                         environment: ["HUIMIN_STAFF_PASSWORD": "correct horse battery"])
        #expect(added.status == 0, "\(added.output)")
        try await server.start()
        let login = try await HTTPTransport(timeout: 10).send(OutboundRequest(
            method: "POST", url: server.serverURL + "/api/v1/staff/login", headers: [("Content-Type", "application/json")],
            body: Array(#"{"username":"pacs1","password":"correct horse battery"}"#.utf8)))
        let token = try #require((try JSONSerialization.jsonObject(with: Data(login.body)) as? [String: Any])?["token"] as? String)
        let script = ServerProcess.packageRoot.appendingPathComponent("assets/tests/dicomweb-client-check.py").path
        let result = await ChildProcess.run("/usr/bin/env", ["python3", script, server.serverURL, token, samples.path])
        #expect(result.status == 0, "\(result.output)\n\(server.log().suffix(2000))")
        #expect(result.output.contains("OK all"))
        #expect(server.stop() == 0)
    }
}

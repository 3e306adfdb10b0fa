import Foundation
import Imaging

/// The committed ECG fixtures in `assets/ecg/fixtures` (made by `assets/ecg/make-fixtures.py`) and
/// neurokit2's rates for them, recorded in `expected.json` when they were made.
enum ECGFixtures {
    static let directory: URL = {
        // Resolve symlinks: a scratch package may link the test sources in from the repository.
        let source = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        return source.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("assets/ecg/fixtures")
    }()

    static let jsonNames = ["sinus-60", "sinus-75", "tachy-120", "tachy-160", "brady-35", "pause-3.5s", "vf-statement-75"]

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
    }

    static func json(_ name: String) throws -> ECGRecording {
        try ECGJSONReader.read(bytes(name + ".json"))
    }

    struct Expected: Decodable {
        let rate: Double
        let peaks: Int
        let longestRR: Double
    }

    static func expected() throws -> [String: Expected] {
        try JSONDecoder().decode([String: Expected].self, from: Data(bytes("expected.json")))
    }

    /// A JSON document as text, for tests that break one field.
    static func document(leads: String = #"{"I":[1,2,3],"II":[4,5,6]}"#, rate: String = "500",
                         extra: String = "") -> [UInt8] {
        Array(#"{"recordedAt":"2026-11-22T09:30:00+08:00","samplingRate":\#(rate),"leads":\#(leads)\#(extra)}"#.utf8)
    }
}

import Foundation
import Imaging
import Testing

extension ImagingTestSuite {
    @Suite("ECG critical values")
    struct ECGCriticalRulesTests {
        static let expectedCodes: [String: [String]] = [
            "sinus-60": [], "sinus-75": [], "tachy-120": [],
            "tachy-160": ["heart_rate_high"], "brady-35": ["heart_rate_low"], "pause-3.5s": ["pause"],
            "vf-statement-75": ["ventricular_fibrillation"],
        ]

        @Test("Default rules fire exactly on the 160 bpm, 35 bpm, pause and VF-statement fixtures", arguments: ECGFixtures.jsonNames)
        func fixtures(name: String) throws {
            let recording = try ECGFixtures.json(name)
            let findings = CriticalRules().evaluate(recording, rhythm: RPeakDetector.analyse(recording))
            #expect(findings.map(\.code) == Self.expectedCodes[name], "\(name): \(findings)")
        }

        @Test("The DICOM sample and the aECG fixture are not critical")
        func normalRecordings() throws {
            let aecg = try AECGReader.read(ECGFixtures.bytes("sinus-75.aecg.xml"))
            #expect(CriticalRules().evaluate(aecg, rhythm: RPeakDetector.analyse(aecg)).isEmpty)
        }

        @Test("Statements match English and Chinese keywords on word boundaries, not when negated")
        func statements() {
            func codes(_ statements: [String]) -> [String] {
                let recording = ECGRecording(source: .json, leads: [], samplingRate: 500, interpretation: statements)
                return CriticalRules().evaluate(recording, rhythm: nil).map(\.code)
            }
            #expect(codes(["Ventricular Fibrillation"]) == ["ventricular_fibrillation"])
            #expect(codes(["心室颤动"]) == ["ventricular_fibrillation"])
            #expect(codes(["室速"]) == ["ventricular_tachycardia"])
            #expect(codes(["Supraventricular tachycardia"]).isEmpty)
            #expect(codes(["Complete heart block"]) == ["third_degree_av_block"])
            #expect(codes(["三度房室传导阻滞"]) == ["third_degree_av_block"])
            #expect(codes(["Acute anterior ST elevation"]) == ["st_elevation"])
            #expect(codes(["下壁导联ST段抬高"]) == ["st_elevation"])
            #expect(codes(["No ST elevation", "未见室速", "Sinus rhythm"]).isEmpty)
            #expect(codes(["Sinus rhythm", "Ventricular tachycardia", "ST elevation"]) == ["ventricular_tachycardia", "st_elevation"])
        }

        @Test("Thresholds are configurable from partial JSON; the cart's rate counts when there is no rhythm analysis")
        func configuration() throws {
            let rules = try JSONDecoder().decode(CriticalRules.self, from: Data(#"{"maxHeartRate":110,"maxPause":2.0}"#.utf8))
            #expect(rules.maxHeartRate == 110 && rules.maxPause == 2.0)
            #expect(rules.minHeartRate == 40 && rules.statements == StatementRule.defaults)
            let recording = try ECGFixtures.json("tachy-120")
            #expect(rules.evaluate(recording, rhythm: RPeakDetector.analyse(recording)).map(\.code) == ["heart_rate_high"])
            let cartOnly = ECGRecording(source: .json, leads: [], samplingRate: 500, measurements: ECGMeasurements(heartRate: 38))
            let findings = CriticalRules().evaluate(cartOnly, rhythm: nil)
            #expect(findings == [CriticalFinding(code: "heart_rate_low", text: "Heart rate 38 bpm is below 40 bpm (心率过缓)")])
            let encoded = try JSONEncoder().encode(CriticalRules())
            #expect(try JSONDecoder().decode(CriticalRules.self, from: encoded) == CriticalRules())
        }
    }
}
